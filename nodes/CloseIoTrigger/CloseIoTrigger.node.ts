import type {

	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTest';
import { searchInstances } from '../shared/instanceLocator';
import { triggerProperties } from './descriptions/TriggerDescription';
import { getWatchableFields } from './fieldOptions';
import { pollClose } from './PollMode';
import { getCustomActivityTypes } from './customActivityTypes';
import { getStatuses } from './statusOptions';
import { catchUpPoll, forgetCatchUpStart, markStopped } from './webhook/catchUpPoll';
import { checkExists, create, deleteWebhook, isTestListener } from './webhook/lifecycle';
import { takeManualItems } from './webhook/memory';
import { receive } from './webhook/receive';

/**
 * One class serves both modes: n8n gives it a poller (polling: true) AND a webhook whose HTTP
 * method is an expression that is empty in polling mode, so n8n registers no webhook there
 * (packages/cli getNodeWebhooks skips an empty method). In webhook mode n8n still calls poll()
 * every minute; it returns null at once, without any request, except for the catch-up from Close's
 * event log after activation or n8n's start (webhook/catchUpPoll.ts); and in the manual run a test
 * delivery starts, it hands over that delivery's items.
 */
export class CloseIoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Close.io Trigger',
		name: 'closeIoTrigger',
		icon: { light: 'file:closeio.svg', dark: 'file:closeio.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["mode"] === "polling" ? "Polling" : "Webhook"}}',
		description:
			'Starts the workflow when leads, contacts, opportunities, tasks or activities change in Close, or a status changes',
		defaults: {
			name: 'Close.io Trigger',
		},
		polling: true,
		inputs: [],
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'openConnectorsApi',
				required: true,
				testedBy: 'openConnectorsApiTest',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: '={{$parameter["mode"] === "polling" ? "" : "POST"}}',
				responseMode: 'onReceived',
				path: 'webhook',
				// The editor's Webhook URLs panel would show an address with no method in polling mode,
				// where nothing listens on it: hidden there (n8n 1.x and 2.x evaluate this expression).
				ndvHideUrl: '={{$parameter["mode"] === "polling"}}',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		credentialTest,
		listSearch: {
			searchInstances,
		},
		loadOptions: {
			getCustomActivityTypes,
			getStatuses,
			getWatchableFields,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				forgetCatchUpStart(this);
				const removed = await deleteWebhook.call(this);
				// The production webhook (not an editor's test listener) stops receiving from here.
				if (!isTestListener(this, String(this.getNodeWebhookUrl('default')))) markStopped(this);
				return removed;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this);
	}

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		if (this.getNodeParameter('mode', 'webhook') !== 'polling') {
			if (this.getMode() === 'manual') {
				// The manual run a test delivery started: n8n calls poll() for it, not webhook().
				const items = takeManualItems(this);
				return items ? [this.helpers.returnJsonArray(items)] : null;
			}
			// Catch-up from Close's event log after activation or n8n's start (webhook/catchUpPoll.ts).
			return await catchUpPoll.call(this);
		}
		return await pollClose.call(this);
	}
}
