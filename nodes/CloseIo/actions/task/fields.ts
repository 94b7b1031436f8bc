// The task's writable fields, shared by create and update.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { compact } from '../../../../lib/records/fields';

export function taskFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions'], withText: boolean): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Assigned To Name or ID',
			name: 'assigned_to',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getUsers' },
			default: '',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{ displayName: 'Due Date', name: 'date', type: 'dateTime', default: '' },
		{ displayName: 'Is Complete', name: 'is_complete', type: 'boolean', default: false },
	];
	if (withText) options.push({ displayName: 'Text', name: 'text', type: 'string', default: '' });
	return { displayName, name, type: 'collection', placeholder: 'Add Field', default: {}, displayOptions, options };
}

export function taskBody(fields: IDataObject): IDataObject {
	return compact({ ...fields }) as IDataObject;
}
