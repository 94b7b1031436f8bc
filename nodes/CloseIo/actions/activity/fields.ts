// Fields shared by the activity operations (calls, emails, SMS, meetings) and by the sequence
// subscriptions and custom activities: the activity type, the contact locator, Close's own API.

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloseCall } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { Resource } from '../common';
import { fail, showFor } from '../common';

export const SEARCH_CONTACTS_METHOD = 'searchCloseContacts';

/** Close's own API on the item's client. */
export function closeCall(records: RecordsClient): CloseCall {
	return (request) => records.callClose(request);
}

export function activityTypeProperty(): INodeProperties {
	return {
		displayName: 'Activity Type',
		name: 'activityType',
		type: 'options',
		noDataExpression: true,
		default: 'call',
		displayOptions: { show: { resource: ['activity'] } },
		options: [
			{ name: 'Call', value: 'call', description: 'A logged call' },
			{ name: 'Email', value: 'email', description: 'An email: a draft, sent now by Close, or scheduled' },
			{ name: 'Meeting', value: 'meeting' },
			{ name: 'SMS', value: 'sms', description: 'A text message: a draft, sent now by Close, or scheduled' },
		],
	};
}

export function activityIdProperty(operations: string[]): INodeProperties {
	return { displayName: 'Activity ID', name: 'activityId', type: 'string', required: true, default: '', placeholder: 'acti_…', displayOptions: showFor('activity', operations) };
}

/** A Close contact: from a list searched by name, or by its ID. */
export function contactLocator(
	resource: Resource,
	operations: string[],
	required: boolean,
	description: string,
	extra: IDataObject = {},
): INodeProperties {
	return {
		displayName: 'Contact',
		name: 'contactId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description,
		displayOptions: { show: { resource: [resource], operation: operations, ...extra } },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', placeholder: 'Select a contact...', typeOptions: { searchListMethod: SEARCH_CONTACTS_METHOD, searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. cont_8NNOJnVwmHQEYuVOgJ4B4zU7g9RUxYH4JnPjza5Vr6t' },
		],
	};
}

/** A contact locator's id; undefined when empty and optional. */
export function readContactId(ctx: IExecuteFunctions, itemIndex: number, required: boolean): string | undefined {
	let raw: unknown = ctx.getNodeParameter('contactId', itemIndex, '', { extractValue: true });
	if (raw && typeof raw === 'object' && 'value' in (raw as IDataObject)) raw = (raw as IDataObject).value;
	const id = String(raw ?? '').trim();
	if (id === '') {
		if (required) fail(ctx, 'Missing required field: Contact', itemIndex);
		return undefined;
	}
	if (!/^cont_[A-Za-z0-9]+$/.test(id)) fail(ctx, `Contact: "${id}" is not a Close contact ID (cont_…)`, itemIndex);
	return id;
}

/** An optional trimmed string parameter. */
export function optionalString(ctx: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	return value === '' ? undefined : value;
}
