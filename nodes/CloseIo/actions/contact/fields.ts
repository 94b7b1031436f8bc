// The contact's writable fields, shared by create, update and upsert.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fieldsCollection } from '../common';
import { compact, listOf } from '../../../../lib/records/fields';

export function contactFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return fieldsCollection(name, displayName, displayOptions, [
		{ displayName: 'Emails', name: 'emails', type: 'string', default: '', placeholder: 'jane@example.com, j.doe@example.org', description: 'Comma-separated; replaces the contact’s emails' },
		{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		{ displayName: 'Phones', name: 'phones', type: 'string', default: '', placeholder: '+1 415 555 0100', description: 'Comma-separated; replaces the contact’s phones' },
		{ displayName: 'Title', name: 'title', type: 'string', default: '' },
	]);
}

export function contactBody(fields: IDataObject): IDataObject {
	const body: IDataObject = compact({ name: fields.name, title: fields.title }) as IDataObject;
	if (fields.emails !== undefined && fields.emails !== '') body.emails = listOf(fields.emails).map((email) => ({ email, type: 'office' }));
	if (fields.phones !== undefined && fields.phones !== '') body.phones = listOf(fields.phones).map((phone) => ({ phone, type: 'office' }));
	return body;
}
