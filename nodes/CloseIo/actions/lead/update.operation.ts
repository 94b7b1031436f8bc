import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { customFieldsProperty, fail, leadLocator, leadOutput, readCustomFields, readLeadId, showFor } from '../common';
import { leadBody, leadFieldsCollection } from './fields';

const show = showFor('lead', ['update']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', show),
	leadFieldsCollection('updateFields', 'Update Fields', show, true),
	customFieldsProperty('lead', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readLeadId(this, 'leadId', itemIndex)!;
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	if (fields.name !== undefined && String(fields.name).trim() === '') fail(this, 'Name cannot be empty', itemIndex);
	const body = { ...leadBody(fields), ...readCustomFields(this, itemIndex) };
	if (Object.keys(body).length === 0) fail(this, 'Nothing to update: add a field under Update Fields or Custom Fields', itemIndex);
	return leadOutput(this, itemIndex, [await records.update('lead', id, body)]);
}
