import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as del from './delete.operation';
import { activityTypeProperty } from './fields';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, OperationModule> = { create, delete: del, get, getAll };

export const description: INodeProperties[] = [
	activityTypeProperty(),
	...resourceDescription('activity', [
		{ name: 'Create', value: 'create', action: 'Create an activity', description: 'Log a call, or write, send or schedule an email or SMS' },
		{ name: 'Delete', value: 'delete', action: 'Delete an activity' },
		{ name: 'Get', value: 'get', action: 'Get an activity' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many activities', description: 'List the activities of one type, of a lead or contact or of every lead' },
	], operations),
];
