/** Webhook mode's workflow static data, and the helpers the lifecycle hooks and webhook() share. */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { DEFAULT_CLOSE_DATE_PATTERN } from '../../../lib/polling/pollerConfiguration';
import type { DeliveryRoute } from '../../../lib/webhooks/webhookLifecycle';
import { callbackSignatureKey, desiredInstanceEvents } from '../../../lib/webhooks/webhookLifecycle';
import type { Connection } from '../../shared/transport';
import { selectedObjects } from '../PollMode';
import { moduleSetups } from './memory';
import type { Setup, WebhookStatic } from './setupTypes';

export type { Setup, WebhookStatic } from './setupTypes';

export function staticOf(ctx: IHookFunctions | IWebhookFunctions): WebhookStatic {
	return ctx.getWorkflowStaticData('node') as WebhookStatic;
}

function asRoute(value: unknown): DeliveryRoute | undefined {
	return value === 'openConnectors' || value === 'direct' || value === 'openConnectorsPolling' ? value : undefined;
}

/**
 * Delivery: the top-level field, unless the workflow was saved with Options > Delivery (its place
 * before it moved to the top), which then decides as it did. n8n fills every top-level default
 * before the node runs, so "top-level absent" cannot be seen; the earlier setting must win while
 * it is there, and the editor shows it for as long as it is (TriggerDescription).
 */
export function routeOf(ctx: Pick<IHookFunctions, 'getNodeParameter'>): DeliveryRoute {
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	return asRoute(options.delivery) ?? asRoute(ctx.getNodeParameter('delivery', 'openConnectors')) ?? 'openConnectors';
}

/**
 * The node's identity for its signing key: its webhook id (the same for the test and the production
 * URL). n8n 1.x hands webhook() the production URL even for a test delivery, so a key tied to the
 * URL could not be recomputed there.
 */
export function signatureScope(ctx: IHookFunctions | IWebhookFunctions): string {
	const node = ctx.getNode();
	return node.webhookId ? String(node.webhookId) : `${String(ctx.getWorkflow().id ?? '')}:${node.name}`;
}

export function signatureKeyFor(connection: Connection, scope: string): string {
	return callbackSignatureKey(
		{
			userSecret: String(connection.credentials.userSecret ?? ''),
			organizationSecret: String(connection.credentials.organizationSecret ?? ''),
		},
		scope,
	);
}

/** The node's other URL (test vs production): the same webhook id and path, another endpoint. */
export function sameNodeUrl(a: unknown, b: string): boolean {
	if (typeof a !== 'string' || a === b) return false;
	const tail = (u: string) => u.split('/').slice(-2).join('/');
	return tail(a) === tail(b) && tail(b).length > 1;
}

/** A URL's set-up: from this context's static data, else from module memory. */
export function setupAt(data: WebhookStatic, url: string): Setup | undefined {
	return data.setups?.[url] ?? moduleSetups.get(url);
}

/** The instance events settings this node wants for `route`, notifying `callbackUrl`. */
export function instanceEventsFor(ctx: IHookFunctions, connection: Connection, route: DeliveryRoute, callbackUrl: string) {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return desiredInstanceEvents({
		route,
		callbackUrl,
		signatureKey: signatureKeyFor(connection, signatureScope(ctx)),
		objects: selectedObjects(ctx),
		refreshIntervalMinutes: Math.max(1, Number(options.refreshInterval ?? 5) || 5),
		datePattern: String(options.datePattern || DEFAULT_CLOSE_DATE_PATTERN),
	});
}
