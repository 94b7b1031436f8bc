// The opportunity's writable fields, shared by create and update.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, loadedOption } from '../common';
import { compact } from '../../../../lib/records/fields';

export function opportunityFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return fieldsCollection(name, displayName, displayOptions, [
		{ displayName: 'Confidence (%)', name: 'confidence', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 0 },
		{ displayName: 'Contact ID', name: 'contact_id', type: 'string', default: '', placeholder: 'cont_…' },
		{ displayName: 'Date Won', name: 'date_won', type: 'dateTime', default: '' },
		{ displayName: 'Note', name: 'note', type: 'string', default: '', typeOptions: { rows: 2 } },
		loadedOption('Status Name or ID', 'status_id', 'getOpportunityStatuses'),
		loadedOption('User Name or ID', 'user_id', 'getUsers'),
		{
			displayName: 'Value (in Cents)',
			name: 'value',
			type: 'number',
			default: 0,
			// Stored in cents since the first version: the label says so rather than changing what a
			// saved workflow's number means.
			hint: 'In cents of the currency, as Close stores it: 12345 means 123.45',
			description: 'The opportunity\'s value in cents (12345 = 123.45 in Value Currency)',
		},
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
	]);
}

export function opportunityBody(fields: IDataObject): IDataObject {
	const body = compact({ ...fields }) as IDataObject;
	if (typeof body.date_won === 'string') body.date_won = body.date_won.slice(0, 10);
	return body;
}
