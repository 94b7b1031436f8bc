import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { idProperty } from '../byId';
import { customFieldsProperty, fail, readCustomFields, showFor, readRecordId } from '../common';
import { opportunityBody, opportunityFieldsCollection } from './fields';

const show = showFor('opportunity', ['update']);

export const description: INodeProperties[] = [
	idProperty('opportunity', ['update'], 'opportunityId', 'Opportunity ID', 'oppo'),
	opportunityFieldsCollection('updateFields', 'Update Fields', show),
	customFieldsProperty('opportunity', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readRecordId(this, 'opportunityId', itemIndex, 'Opportunity');
	const body = { ...opportunityBody(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject), ...readCustomFields(this, itemIndex) };
	if (Object.keys(body).length === 0) fail(this, 'Nothing to update: add a field under Update Fields or Custom Fields', itemIndex);
	return [await records.update('opportunity', id, body)] as IDataObject[];
}
