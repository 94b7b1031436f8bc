import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { idProperty } from '../byId';
import { customFieldsProperty, fail, readCustomFields, showFor, readRecordId } from '../common';
import { contactBody, contactFieldsCollection } from './fields';

const show = showFor('contact', ['update']);

export const description: INodeProperties[] = [
	idProperty('contact', ['update'], 'contactId', 'Contact ID', 'cont'),
	contactFieldsCollection('updateFields', 'Update Fields', show),
	customFieldsProperty('contact', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readRecordId(this, 'contactId', itemIndex, 'Contact');
	const body = { ...contactBody(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject), ...readCustomFields(this, itemIndex) };
	if (Object.keys(body).length === 0) fail(this, 'Nothing to update: add a field under Update Fields or Custom Fields', itemIndex);
	return [await records.update('contact', id, body)] as IDataObject[];
}
