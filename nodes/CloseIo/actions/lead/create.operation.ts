import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { customFieldsProperty, leadOutput, readCustomFields, readString, showFor } from '../common';
import { leadBody, leadFieldsCollection } from './fields';

const show = showFor('lead', ['create']);

export const description: INodeProperties[] = [
	// n8n's editor never lets the AI Agent fill a parameter called `name` (its "Let the model define"
	// deny-list holds parameters.name), so the lead's name is `leadName`. A workflow saved with `name`
	// keeps it: that field shows only while it holds a value, and then Lead Name hides.
	{
		displayName: 'Name',
		name: 'leadName',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { resource: ['lead'], operation: ['create'] }, hide: { name: [{ _cnd: { exists: true } }] } },
		description: 'The company or person the lead is about',
	},
	{
		displayName: 'Name (Earlier Setting)',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { resource: ['lead'], operation: ['create'], name: [{ _cnd: { exists: true } }] } },
		description: 'Saved by an earlier version of this node and still used. Clear it to get the Name field the AI Agent can fill.',
	},
	leadFieldsCollection('additionalFields', 'Additional Fields', show, false),
	customFieldsProperty('lead', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const earlier = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim();
	const name = earlier || readString(this, 'leadName', itemIndex, 'Name');
	const body = {
		...leadBody(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		...readCustomFields(this, itemIndex),
		name,
	};
	return leadOutput(this, itemIndex, [await records.create('lead', body)]);
}
