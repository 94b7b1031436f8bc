import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update, upsert };

export const description: INodeProperties[] = resourceDescription('contact', [
	{ name: 'Create', value: 'create', action: 'Create a contact' },
	{ name: 'Create or Update', value: 'upsert', action: 'Create or update a contact', description: 'Create a new record, or update the current one if it already exists (upsert)' },
	{ name: 'Delete', value: 'delete', action: 'Delete a contact' },
	{ name: 'Get', value: 'get', action: 'Get a contact' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many contacts', description: 'List contacts, with filters' },
	{ name: 'Update', value: 'update', action: 'Update a contact' },
], operations);
