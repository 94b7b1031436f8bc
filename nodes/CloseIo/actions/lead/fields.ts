// The lead's writable fields, shared by create, update and upsert.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, loadedOption } from '../common';
import { compact } from '../../../../lib/records/fields';

export function leadFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions'], withName: boolean): INodeProperties {
	const options: INodeProperties[] = [
		{ displayName: 'Description', name: 'description', type: 'string', default: '', typeOptions: { rows: 2 } },
		loadedOption('Status Name or ID', 'status_id', 'getLeadStatuses'),
		{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://example.com', description: "The lead's website" },
	];
	if (withName) options.unshift({ displayName: 'Name', name: 'name', type: 'string', default: '' });
	return fieldsCollection(name, displayName, displayOptions, options);
}

/** Close's lead body from the collection (empty values left out). */
export function leadBody(fields: IDataObject): IDataObject {
	return compact({
		name: typeof fields.name === 'string' ? fields.name.trim() : undefined,
		description: fields.description,
		status_id: fields.status_id,
		url: fields.url,
	}) as IDataObject;
}
