import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../common';
import { resourceDescription } from '../common';
import * as create from './create.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = { create, getAll, update };

export const description: INodeProperties[] = resourceDescription('sequenceSubscription', [
	{ name: 'Create', value: 'create', action: 'Subscribe a contact to a sequence' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many sequence subscriptions', description: 'List the subscriptions of a contact or of a sequence' },
	{ name: 'Update', value: 'update', action: 'Pause or resume a sequence subscription' },
], operations);
