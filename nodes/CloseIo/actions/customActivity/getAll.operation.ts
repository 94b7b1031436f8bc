import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { activityPath, listPages } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, leadLocator, readLeadId, readLimit, returnAllProperties, showFor } from '../common';
import { closeCall } from '../activity/fields';
import { typeProperty } from './fields';

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', showFor('customActivity', ['getAll']), false, 'Custom activities of this lead; empty: of every lead (then no type filter: Close filters by type within one lead only)'),
	typeProperty(['getAll'], false, 'Only this type; empty: every type. Needs a lead.'),
	...returnAllProperties('customActivity'),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, 'leadId', itemIndex, true);
	const typeId = String(this.getNodeParameter('customActivityTypeId', itemIndex, '') ?? '').trim();
	if (typeId && !leadId) fail(this, 'Custom Activity Type needs a Lead: Close filters custom activities by type within one lead only', itemIndex);
	const qs: Record<string, string> = {};
	if (leadId) qs.lead_id = leadId;
	if (typeId) qs.custom_activity_type_id = typeId;
	return (await listPages(closeCall(records), activityPath('custom'), qs, readLimit(this, itemIndex))) as IDataObject[];
}
