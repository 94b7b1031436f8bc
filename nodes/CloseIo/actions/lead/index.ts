import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as merge from './merge.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, merge, update, upsert };

export const description: INodeProperties[] = resourceDescription('lead', [
	{ name: 'Create', value: 'create', action: 'Create a lead' },
	{ name: 'Create or Update', value: 'upsert', action: 'Create or update a lead', description: 'Create a new record, or update the current one if it already exists (upsert)' },
	{ name: 'Delete', value: 'delete', action: 'Delete a lead', description: 'Delete a lead with its contacts, opportunities and tasks' },
	{ name: 'Get', value: 'get', action: 'Get a lead' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many leads', description: 'List leads, with filters' },
	{ name: 'Merge', value: 'merge', action: 'Merge two leads', description: 'Merge one lead into another' },
	{ name: 'Update', value: 'update', action: 'Update a lead' },
], operations);
