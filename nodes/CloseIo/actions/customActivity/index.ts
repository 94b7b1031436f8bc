import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update };

export const description: INodeProperties[] = resourceDescription('customActivity', [
	{ name: 'Create', value: 'create', action: 'Create a custom activity', description: 'Record a custom activity (a Close form) on a lead' },
	{ name: 'Delete', value: 'delete', action: 'Delete a custom activity' },
	{ name: 'Get', value: 'get', action: 'Get a custom activity' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many custom activities' },
	{ name: 'Update', value: 'update', action: 'Update a custom activity', description: 'Change its fields or its status' },
], operations);
