import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_CLOSE_DATE_PATTERN } from '../../../lib/polling/pollerConfiguration';
import { instanceLocatorProperty } from '../../shared/instanceLocator';

const webhookOnly = { show: { '/mode': ['webhook'] } };
const pollingOnly = { show: { '/mode': ['polling'] } };
/** Where a date pattern or refresh interval applies: the platform's own poller (webhook mode). */
const platformPollerOnly = { show: { '/mode': ['webhook'], '/delivery': ['openConnectorsPolling'] } };
/**
 * The same, for a workflow saved with Options > Delivery (which then decides). n8n drops, at load,
 * every collection value whose field is hidden: without this twin a saved Refresh Interval or
 * Date Pattern of such a workflow would be lost.
 */
const earlierPlatformPoller = { show: { '/mode': ['webhook'], delivery: ['openConnectorsPolling'] } };

const DELIVERY_VALUES = ['openConnectors', 'direct', 'openConnectorsPolling'];

const deliveryOptions: INodePropertyOptions[] = [
	{
		name: 'Close Webhook via Open Connectors',
		value: 'openConnectors',
		description: 'Close posts to the instance\'s events URL; Open Connectors signs and relays to this node',
	},
	{
		name: 'Close Webhook Direct',
		value: 'direct',
		description: 'Close posts straight to this node, signed with the subscription\'s key',
	},
	{
		name: 'Open Connectors Polls Every N Minutes',
		value: 'openConnectorsPolling',
		description:
			'The platform runs the date_updated query on its schedule and notifies this node. Created and updated records only (no activities, status changes, completions or Fields to Watch).',
	},
];

export const triggerProperties: INodeProperties[] = [
	// n8n puts its Poll Times field before every property of a `polling: true` node, whatever the
	// mode, and reads it when activating (n8n-core nodes-loader and active-workflows): it can be
	// neither hidden nor moved, so right under it we say that webhook mode ignores it.
	{
		displayName:
			'<b>Poll Times</b> (above) applies to Polling mode only. In Webhook mode, Close and SAP Open Connectors call this workflow as changes happen: no schedule is used.',
		name: 'pollTimesNotice',
		type: 'notice',
		default: '',
		displayOptions: webhookOnly,
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Webhook (Instant)',
				value: 'webhook',
				description:
					'Close and SAP Open Connectors call this workflow as changes happen. Needs an n8n URL they can reach.',
			},
			{
				name: 'Polling',
				value: 'polling',
				description:
					'This node asks the Open Connectors CRM hub for changes on a schedule. Works behind a firewall.',
			},
		],
		default: 'webhook',
	},
	{
		displayName:
			'In polling mode, created and updated records come from the Open Connectors CRM hub (<code>date_updated</code> query); deleted and merged leads, activities (notes, calls, emails, SMS, meetings), status changes, completed tasks, and updates with Fields to Watch come from Close\'s event log (kept 30 days), read with the Close API key of the credential.',
		name: 'pollingNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { mode: ['polling'] } },
	},
	instanceLocatorProperty(),
	{
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		noDataExpression: true,
		displayOptions: webhookOnly,
		options: deliveryOptions,
		default: 'openConnectors',
		description: 'How changes reach this workflow',
	},
	{
		displayName: 'Objects',
		name: 'objects',
		type: 'multiOptions',
		required: true,
		options: [
			{ name: 'Call', value: 'call', description: 'Call activities. From Close\'s events (not the CRM hub).' },
			{ name: 'Contact', value: 'contact' },
			{ name: 'Custom Activity', value: 'customActivity', description: 'Custom activities (Close forms), see Custom Activity Types. From Close\'s events (not the CRM hub).' },
			{ name: 'Email', value: 'email', description: 'Email activities. From Close\'s events (not the CRM hub).' },
			{ name: 'Lead', value: 'lead', description: 'Close leads (the CRM hub calls them accounts)' },
			{ name: 'Meeting', value: 'meeting', description: 'Meeting activities. From Close\'s events (not the CRM hub).' },
			{ name: 'Note', value: 'note', description: 'Note activities. From Close\'s events (not the CRM hub).' },
			{ name: 'Opportunity', value: 'opportunity' },
			{ name: 'SMS', value: 'sms', description: 'SMS activities. From Close\'s events (not the CRM hub).' },
			{ name: 'Task', value: 'task' },
		],
		default: ['lead'],
		description: 'Which Close objects to watch',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{ name: 'Completed', value: 'completed', description: 'Tasks only: a task was marked complete' },
			{ name: 'Created', value: 'created' },
			{ name: 'Deleted', value: 'deleted', description: 'Polling: from Close\'s event log' },
			{ name: 'Merged', value: 'merged', description: 'Leads only. Polling: from Close\'s event log.' },
			{
				name: 'Status Changed',
				value: 'statusChanged',
				description: 'Leads and opportunities: the status changed (see From Status / To Status)',
			},
			{ name: 'Updated', value: 'updated' },
		],
		default: ['created', 'updated'],
		description: 'Which changes start the workflow',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Catch Up Missed Events',
				name: 'catchUp',
				type: 'boolean',
				displayOptions: webhookOnly,
				default: true,
				description:
					'Whether, on activation or n8n\'s start, to read Close\'s event log for changes made since the last delivered event (when over an hour ago) and run them once, in order. Close keeps its event log 30 days.',
			},
			{
				displayName: 'Custom Activity Type Names or IDs',
				name: 'customActivityTypes',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getCustomActivityTypes' },
				// Only where it applies: a selection that watches custom activities.
				displayOptions: { show: { '/objects': ['customActivity'] } },
				default: [],
				description:
					'Custom Activity only: the types to watch (empty = any). Close filters at the source in webhook mode. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				// Workflows saved before Delivery moved to the top keep it here. It shows only where it
				// is set (its own value is its display condition), so new workflows never offer it, and
				// while set it decides, as it did: nothing changes for a saved workflow until it is removed.
				displayName: 'Delivery (Earlier Setting)',
				name: 'delivery',
				type: 'options',
				displayOptions: { show: { '/mode': ['webhook'], delivery: DELIVERY_VALUES } },
				options: deliveryOptions,
				default: 'openConnectors',
				description:
					'Set in an earlier version of this node, and used instead of Delivery above while present. Remove this option to use Delivery above.',
			},
			{
				displayName: 'Fields to Watch',
				name: 'fieldsToWatch',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getWatchableFields', loadOptionsDependsOn: ['objects'] },
				default: [],
				description:
					'An Updated event counts only when one of these fields changed (empty = any change). Standard and custom fields of the chosen objects, from Close. Close filters at the source in webhook mode; polling reads updates from Close\'s event log. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'From Status Names or IDs',
				name: 'fromStatus',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStatuses', loadOptionsDependsOn: ['objects'] },
				default: [],
				description:
					'Status Changed only: the status it changed from (empty = any); a status of the other object (lead vs opportunity) never matches. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Include Raw Payload',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the provider\'s payload to each item as <code>raw</code>',
			},
			{
				displayName: 'Max Items Per Poll',
				name: 'maxItemsPerPoll',
				type: 'number',
				typeOptions: { minValue: 0 },
				displayOptions: pollingOnly,
				default: 0,
				description:
					'Per object, at most this many items per poll (0 = no cap). The rest comes on the next polls, in order, nothing skipped.',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				// The closeio instance pages Close at most `pagination.max` = 100 records a request.
				typeOptions: { minValue: 1, maxValue: 100 },
				displayOptions: pollingOnly,
				default: 100,
				description: 'Records per CRM-hub request, at most 100 (the closeio instance\'s page limit); a larger saved value is used as 100',
			},
			{
				displayName: 'Query Date Pattern',
				name: 'datePattern',
				type: 'string',
				displayOptions: pollingOnly,
				default: DEFAULT_CLOSE_DATE_PATTERN,
				description:
					'Java SimpleDateFormat pattern of the date in the CRM-hub query (and of the platform poller\'s configuration). Keep microseconds (SSSSSS) for exact paging.',
			},
			{
				displayName: 'Query Date Pattern',
				name: 'datePattern',
				type: 'string',
				displayOptions: platformPollerOnly,
				default: DEFAULT_CLOSE_DATE_PATTERN,
				description:
					'Java SimpleDateFormat pattern of the date in the CRM-hub query (and of the platform poller\'s configuration). Keep microseconds (SSSSSS) for exact paging.',
			},
			{
				displayName: 'Query Date Pattern',
				name: 'datePattern',
				type: 'string',
				displayOptions: earlierPlatformPoller,
				default: DEFAULT_CLOSE_DATE_PATTERN,
				description:
					'Java SimpleDateFormat pattern of the date in the CRM-hub query (and of the platform poller\'s configuration). Keep microseconds (SSSSSS) for exact paging.',
			},
			{
				displayName: 'Refresh Interval (Minutes)',
				name: 'refreshInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				displayOptions: platformPollerOnly,
				default: 5,
				description: 'How often Open Connectors polls Close',
			},
			{
				displayName: 'Refresh Interval (Minutes)',
				name: 'refreshInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				displayOptions: earlierPlatformPoller,
				default: 5,
				description: 'How often Open Connectors polls Close',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				displayOptions: { show: { '/mode': ['polling'], startFrom: ['date'] } },
				default: '',
				description:
					'Changes since this date and time. Without an offset it is read as UTC; an expression may give an ISO 8601 date with an offset and microseconds, e.g. 2024-05-01T10:00:00.000000+02:00.',
			},
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'options',
				displayOptions: pollingOnly,
				options: [
					{ name: 'Now', value: 'now', description: 'Only changes made after activation' },
					{ name: 'All Records', value: 'all', description: 'Every record, then changes' },
					{ name: 'A Date', value: 'date', description: 'Changes since a date' },
				],
				default: 'now',
			},
			{
				displayName: 'To Status Names or IDs',
				name: 'toStatus',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStatuses', loadOptionsDependsOn: ['objects'] },
				default: [],
				description:
					'Status Changed only: the status it changed to (empty = any); a status of the other object (lead vs opportunity) never matches. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	},
];
