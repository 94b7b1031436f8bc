import type { INodeProperties } from 'n8n-workflow';

import { instanceLocatorProperty } from '../../shared/instanceLocator';

const showFor = (operation: string[]) => ({
	show: { resource: ['instance'], operation },
});

const objectOptions = [
	{ name: 'Contact', value: 'contact' },
	{ name: 'Lead', value: 'lead', description: 'Leads are "accounts" in the Open Connectors CRM hub' },
	{ name: 'Opportunity', value: 'opportunity' },
	{ name: 'Task', value: 'task' },
];

export const instanceOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['instance'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Provision a Close.io instance',
				action: 'Create an instance',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an instance',
				action: 'Delete an instance',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an instance',
				action: 'Get an instance',
			},
			{
				name: 'Get Events URL',
				value: 'getEventsUrl',
				description: 'Get the URL where Close must post webhooks for an instance',
				action: 'Get the events URL of an instance',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many Close.io instances',
				action: 'Get many instances',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update an instance',
				action: 'Update an instance',
			},
		],
		default: 'create',
	},
];

const eventsFieldsCreate: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'eventsMode',
		type: 'options',
		displayOptions: showFor(['create']),
		options: [
			{ name: 'None', value: 'none', description: 'No event notifications' },
			{
				name: 'Polling',
				value: 'polling',
				description: 'Open Connectors polls Close every few minutes and notifies the callback URL',
			},
			{
				name: 'Webhook',
				value: 'webhook',
				description:
					'Close posts its webhooks to the instance events URL; Open Connectors notifies the callback URL',
			},
		],
		default: 'none',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://n8n.example.com/webhook/...',
		description: 'Where Open Connectors posts event notifications',
		displayOptions: {
			show: { resource: ['instance'], operation: ['create'], eventsMode: ['polling', 'webhook'] },
		},
	},
	{
		displayName: 'Objects to Poll',
		name: 'objects',
		type: 'multiOptions',
		required: true,
		options: objectOptions,
		default: ['contact'],
		description: 'The Close objects Open Connectors polls for changes',
		displayOptions: {
			show: { resource: ['instance'], operation: ['create'], eventsMode: ['polling'] },
		},
	},
	{
		displayName: 'Refresh Interval (Minutes)',
		name: 'refreshInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 15,
		description: 'Minutes between two polls',
		displayOptions: {
			show: { resource: ['instance'], operation: ['create'], eventsMode: ['polling'] },
		},
	},
];

export const instanceFields: INodeProperties[] = [
	instanceLocatorProperty({ displayOptions: showFor(['get', 'update', 'delete', 'getEventsUrl']) }),

	// create
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Close production',
		description: 'Name of the new instance',
		displayOptions: showFor(['create']),
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'e.g. n8n, sales',
		description: 'Comma-separated tags of the new instance',
		displayOptions: showFor(['create']),
	},
	...eventsFieldsCreate,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor(['create']),
		options: [
			{
				displayName: 'Additional Configuration (JSON)',
				name: 'additionalConfiguration',
				type: 'json',
				default: '{}',
				description:
					'Further configuration entries of the instance, as a JSON object. They override the entries this node builds.',
			},
			{
				displayName: 'Signature Key',
				name: 'signatureKey',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'When set, Open Connectors signs its event notifications with it (event.notification.signature.key)',
			},
		],
	},

	// getAll
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: showFor(['getAll']),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: {
			show: { resource: ['instance'], operation: ['getAll'], returnAll: [false] },
		},
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor(['getAll']),
		options: [
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. n8n, sales',
				description: 'Comma-separated tags: instances with any of them',
			},
		],
	},

	// update
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor(['update']),
		options: [
			{
				displayName: 'Additional Configuration (JSON)',
				name: 'additionalConfiguration',
				type: 'json',
				default: '{}',
				description: 'Further configuration entries to change, as a JSON object',
			},
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				description: 'Where Open Connectors posts event notifications',
			},
			{
				displayName: 'Events Enabled',
				name: 'eventsEnabled',
				type: 'boolean',
				default: true,
				description: 'Whether Open Connectors sends event notifications for this instance',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'New name of the instance',
			},
			{
				displayName: 'Objects to Poll',
				name: 'objects',
				type: 'multiOptions',
				options: objectOptions,
				default: [],
				description: 'The Close objects Open Connectors polls (polling instances)',
			},
			{
				displayName: 'Refresh Interval (Minutes)',
				name: 'refreshInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 15,
				description: 'Minutes between two polls (polling instances)',
			},
			{
				displayName: 'Signature Key',
				name: 'signatureKey',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'Key Open Connectors signs its event notifications with',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				description: 'Comma-separated tags; they replace the current list',
			},
		],
	},

	// every operation
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['instance'] } },
		options: [
			{
				displayName: 'Ignore Not Found',
				name: 'ignoreNotFound',
				type: 'boolean',
				default: false,
				description: 'Whether deleting an instance that does not exist succeeds (delete only)',
			},
			{
				displayName: 'Retry on Rate Limits and Server Errors',
				name: 'retry',
				type: 'boolean',
				default: true,
				description:
					'Whether to retry after HTTP 429 (honouring Retry-After and RateLimit) and, for requests that are safe to repeat, after 5xx and network errors',
			},
		],
	},
];
