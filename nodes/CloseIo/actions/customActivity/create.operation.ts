import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { activityPath } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, readLeadId, showFor } from '../common';
import { closeCall, contactLocator, readContactId } from '../activity/fields';
import { fieldsProperty, readFieldValues, statusProperty, typeProperty } from './fields';

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', showFor('customActivity', ['create'])),
	typeProperty(['create'], true, 'The form: its fields are listed below.'),
	fieldsProperty(['create'], 'add'),
	statusProperty(['create'], false),
	contactLocator('customActivity', ['create'], false, 'The contact it is about (optional)'),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, 'leadId', itemIndex)!;
	const status = this.getNodeParameter('customActivityStatus', itemIndex, 'published') as string;
	const { typeId, body } = await readFieldValues(this, records, itemIndex, status);
	const contactId = readContactId(this, itemIndex, false);
	const payload: IDataObject = { lead_id: leadId, custom_activity_type_id: typeId, status, ...body };
	if (contactId) payload.contact_id = contactId;
	return [await closeCall(records)<IDataObject>({ method: 'POST', path: activityPath('custom'), body: payload })];
}
