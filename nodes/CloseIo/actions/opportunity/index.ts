import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['opportunity'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create an opportunity', description: 'Create an opportunity' },
			{ name: 'Delete', value: 'delete', action: 'Delete an opportunity', description: 'Delete an opportunity' },
			{ name: 'Get', value: 'get', action: 'Get an opportunity', description: 'Get an opportunity' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many opportunities', description: 'List opportunities, with filters' },
			{ name: 'Update', value: 'update', action: 'Update an opportunity', description: 'Update an opportunity' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
	...del.description,
];
