// The task's writable fields, shared by create and update.

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, loadedOption } from '../common';
import { compact } from '../../../../lib/records/fields';

export function taskFieldsCollection(name: string, displayName: string, displayOptions: INodeProperties['displayOptions'], withText: boolean): INodeProperties {
	const options: INodeProperties[] = [
		loadedOption('Assigned To Name or ID', 'assigned_to', 'getUsers'),
		{ displayName: 'Due Date', name: 'date', type: 'dateTime', default: '' },
		{ displayName: 'Is Complete', name: 'is_complete', type: 'boolean', default: false },
	];
	if (withText) options.push({ displayName: 'Text', name: 'text', type: 'string', default: '' });
	return fieldsCollection(name, displayName, displayOptions, options);
}

export function taskBody(fields: IDataObject): IDataObject {
	return compact({ ...fields }) as IDataObject;
}
