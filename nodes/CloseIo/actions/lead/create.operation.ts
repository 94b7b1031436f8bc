import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { customFieldsProperty, leadOutput, readCustomFields, readString, showFor } from '../common';
import { leadBody, leadFieldsCollection } from './fields';

const show = showFor('lead', ['create']);

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: show, description: 'The company or person the lead is about' },
	leadFieldsCollection('additionalFields', 'Additional Fields', show, false),
	customFieldsProperty('lead', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const name = readString(this, 'name', itemIndex, 'Name');
	const body = {
		...leadBody(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		...readCustomFields(this, itemIndex),
		name,
	};
	return leadOutput(this, itemIndex, [await records.create('lead', body)]);
}
