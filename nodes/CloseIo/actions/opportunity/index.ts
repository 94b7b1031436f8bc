import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update };

export const description: INodeProperties[] = resourceDescription('opportunity', [
	{ name: 'Create', value: 'create', action: 'Create an opportunity' },
	{ name: 'Delete', value: 'delete', action: 'Delete an opportunity' },
	{ name: 'Get', value: 'get', action: 'Get an opportunity' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many opportunities', description: 'List opportunities, with filters' },
	{ name: 'Update', value: 'update', action: 'Update an opportunity' },
], operations);
