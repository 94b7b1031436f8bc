import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll, update };

export const description: INodeProperties[] = resourceDescription('note', [
	{ name: 'Create', value: 'create', action: 'Create a note', description: 'Add a note to a lead' },
	{ name: 'Delete', value: 'delete', action: 'Delete a note' },
	{ name: 'Get', value: 'get', action: 'Get a note' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many notes', description: 'List the notes of a lead, or of every lead' },
	{ name: 'Update', value: 'update', action: 'Update a note', description: 'Change a note’s text' },
], operations);
