import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ActivityType } from '../../../../lib/records/closeActivities';
import { activityPath, listPages } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, readLeadId, readLimit, returnAllProperties, showFor } from '../common';
import { closeCall, contactLocator, readContactId } from './fields';

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', showFor('activity', ['getAll']), false, 'Activities of this lead; empty: of every lead'),
	contactLocator('activity', ['getAll'], false, 'Activities with this contact; empty: with any contact'),
	...returnAllProperties('activity'),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const type = this.getNodeParameter('activityType', itemIndex) as ActivityType;
	const leadId = readLeadId(this, 'leadId', itemIndex, true);
	const contactId = readContactId(this, itemIndex, false);
	const qs: Record<string, string> = {};
	if (leadId) qs.lead_id = leadId;
	if (contactId) qs.contact_id = contactId;
	return (await listPages(closeCall(records), activityPath(type), qs, readLimit(this, itemIndex))) as IDataObject[];
}
