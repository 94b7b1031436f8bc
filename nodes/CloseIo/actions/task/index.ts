import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update };

export const description: INodeProperties[] = resourceDescription('task', [
	{ name: 'Create', value: 'create', action: 'Create a task' },
	{ name: 'Delete', value: 'delete', action: 'Delete a task' },
	{ name: 'Get', value: 'get', action: 'Get a task' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many tasks', description: 'List tasks, with filters' },
	{ name: 'Update', value: 'update', action: 'Update a task' },
], operations);
