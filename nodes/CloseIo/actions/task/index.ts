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
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a task', description: 'Create a task' },
			{ name: 'Delete', value: 'delete', action: 'Delete a task', description: 'Delete a task' },
			{ name: 'Get', value: 'get', action: 'Get a task', description: 'Get a task' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many tasks', description: 'List tasks, with filters' },
			{ name: 'Update', value: 'update', action: 'Update a task', description: 'Update a task' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
	...del.description,
];
