// The opportunity's writable fields, shared by create and update.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { compact } from '../../../../lib/records/fields';

export function opportunityFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName,
		name,
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions,
		options: [
			{ displayName: 'Confidence (%)', name: 'confidence', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 0 },
			{ displayName: 'Contact ID', name: 'contact_id', type: 'string', default: '', placeholder: 'cont_…' },
			{ displayName: 'Date Won', name: 'date_won', type: 'dateTime', default: '' },
			{ displayName: 'Note', name: 'note', type: 'string', default: '', typeOptions: { rows: 2 } },
			{ displayName: 'Status Name or ID', name: 'status_id', type: 'options', typeOptions: { loadOptionsMethod: 'getOpportunityStatuses' }, default: '', description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>' },
			{ displayName: 'User Name or ID', name: 'user_id', type: 'options', typeOptions: { loadOptionsMethod: 'getUsers' }, default: '', description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>' },
			{ displayName: 'Value', name: 'value', type: 'number', default: 0, description: 'In cents, as Close stores it (12345 = 123.45)' },
			{ displayName: 'Value Currency', name: 'value_currency', type: 'string', default: '', placeholder: 'USD' },
			{
				displayName: 'Value Period',
				name: 'value_period',
				type: 'options',
				default: 'one_time',
				options: [
					{ name: 'Annual', value: 'annual' },
					{ name: 'Monthly', value: 'monthly' },
					{ name: 'One Time', value: 'one_time' },
				],
			},
		],
	};
}

export function opportunityBody(fields: IDataObject): IDataObject {
	const body = compact({ ...fields }) as IDataObject;
	if (typeof body.date_won === 'string') body.date_won = body.date_won.slice(0, 10);
	return body;
}
