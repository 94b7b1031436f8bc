/** Webhook mode's lifecycle hooks: n8n calls checkExists/create/delete on activation and deactivation. */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloseWebhook } from '../../../lib/clients/closeClient';
import type { CloseObject } from '../../../lib/items/objects';
import { callbackReachability } from '../../../lib/webhooks/callbackReachability';
import type { DeliveryRoute } from '../../../lib/webhooks/webhookLifecycle';
import {
	eventSettingsOf,
	instanceMatches,
	restorePatch,
	subscriptionMatches,
} from '../../../lib/webhooks/webhookLifecycle';
import type { Selection } from '../../../lib/triggerEvents/selection';
import { subscriptionPlan } from '../../../lib/triggerEvents/subscriptionPlan';
import { toNodeApiError } from '../../shared/errors';
import { getInstanceId } from '../../shared/instanceLocator';
import type { Connection } from '../../shared/transport';
import { connect } from '../../shared/transport';
import { needsCloseEvents, readSelection, recordObjectsOf } from '../selection';
import { closeKeyCache, closeKeyCacheKey, moduleSetups } from './memory';
import { assertInstanceFree } from './ownership';
import type { Setup } from './staticData';
import { instanceEventsFor, routeOf, sameNodeUrl, setupAt, staticOf } from './staticData';

/** "Listen for test event": n8n runs the hooks in mode manual, on its /webhook-test/ URL. */
export function isTestListener(ctx: IHookFunctions, url: string): boolean {
	return ctx.getActivationMode() === 'manual' || url.includes('/webhook-test/');
}

interface Plan {
	connection: Connection;
	url: string;
	route: DeliveryRoute;
	instanceId: string;
	objects: CloseObject[];
	selection: Selection;
	desired?: Record<string, unknown>;
	/** Where the Close subscription must point (none for platform polling). */
	subscriptionUrl?: string;
}

async function plan(ctx: IHookFunctions): Promise<Plan> {
	const url = ctx.getNodeWebhookUrl('default') as string;
	const route = routeOf(ctx);
	const instanceId = getInstanceId(ctx);
	const selection = readSelection(ctx);
	const closeOnly = needsCloseEvents(selection);
	if (route === 'openConnectorsPolling' && closeOnly.length) {
		throw new NodeOperationError(ctx.getNode(), `Delivery "Open Connectors Polls" cannot give: ${closeOnly.join(', ')}`, {
			description: 'The platform polls CRM-hub records only. Choose "Close Webhook via Open Connectors" or "Close Webhook Direct".',
		});
	}
	const objects = recordObjectsOf(selection);
	const connection = await connect(ctx);
	assertReachable(ctx, url, route, connection);
	const desired = instanceEventsFor(ctx, connection, route, url);
	let subscriptionUrl: string | undefined;
	if (route === 'openConnectors') subscriptionUrl = connection.oc.eventsUrl(instanceId);
	if (route === 'direct') subscriptionUrl = url;
	return { connection, url, route, instanceId, objects, selection, desired, subscriptionUrl };
}

/**
 * Fails the activation when the provider that calls this URL cannot reach it (lib/webhooks/
 * callbackReachability says which hosts): n8n 1.x and 2.x have no activation warnings a trigger
 * could raise instead, and an activation that succeeds and never receives anything says nothing.
 */
function assertReachable(ctx: IHookFunctions, url: string, route: DeliveryRoute, connection: Connection): void {
	const sender = route === 'direct' ? 'Close' : 'SAP Open Connectors';
	const check = callbackReachability(url, route === 'direct' ? connection.closeBaseUrl : connection.ocBaseUrl);
	if (check.reachable) return;
	throw new NodeOperationError(ctx.getNode(), `${sender} cannot reach this workflow's webhook URL ${url}: its host is ${check.why}`, {
		description:
			`${sender} calls this URL from the internet. Set n8n's WEBHOOK_URL environment variable to the public https address ` +
			'that reaches this n8n (for example through a reverse proxy or a tunnel) and activate again, or set Mode to "Polling", ' +
			'which needs no inbound connection.',
	});
}

function wantedEvents(p: Plan) {
	return subscriptionPlan(p.selection);
}

async function subscriptionsAt(p: Plan): Promise<CloseWebhook[]> {
	if (!p.subscriptionUrl) return [];
	const all = await p.connection.close.listWebhooks();
	return all.filter((s) => s.url === p.subscriptionUrl);
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const p = await plan(this);
	try {
		if (p.desired) {
			const instance = await p.connection.oc.getInstance(p.instanceId);
			if (!instanceMatches(instance.configuration as Record<string, unknown>, p.desired)) return false;
		}
		if (p.subscriptionUrl) {
			const subs = await subscriptionsAt(p);
			if (subs.length !== 1 || !subscriptionMatches(subs[0], p.subscriptionUrl, wantedEvents(p))) return false;
			const setup = staticOf(this).setups?.[p.url];
			// Without the subscription's key, direct deliveries could not be verified: set up again.
			if (p.route === 'direct' && !setup?.closeSignatureKey) return false;
		}
		return true;
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: p.connection.secrets });
	}
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const p = await plan(this);
	const data = staticOf(this);
	const setups = (data.setups ??= {});
	const previous = setups[p.url];
	const setup: Setup = { instanceId: p.instanceId, route: p.route };
	try {
		if (p.desired) {
			const instance = await p.connection.oc.getInstance(p.instanceId);
			const config = instance.configuration as Record<string, unknown> | undefined;
			// A dead owner's callback is not restored on deactivation: events go off instead.
			const staleOwner = (await assertInstanceFree(this, p.instanceId, config, p.url)) === 'stale';
			// Keep what was there before our first activation, not our own earlier settings.
			const ours = previous?.instanceId === p.instanceId && previous.saved !== undefined;
			const callback = config?.['event.notification.callback.url'];
			const pointsHere = callback === p.url;
			// The node's other URL (test vs production) holds the instance: what it saved is what was
			// there before us, and it gets the instance back when this set-up ends.
			const fromOtherUrl = sameNodeUrl(callback, p.url);
			const sibling = fromOtherUrl ? setupAt(data, callback as string) : undefined;
			// Only a test listener hands back: production taking over from a test listener keeps it.
			if (isTestListener(this, p.url) && fromOtherUrl && config?.['event.notification.enabled'] === 'true') {
				setup.handBackTo = callback as string;
			}
			setup.saved = ours
				? previous.saved
				: pointsHere || staleOwner
					? {}
					: fromOtherUrl
						? (sibling?.saved ?? {})
						: (eventSettingsOf(config) as IDataObject);
			if (ours && previous.handBackTo) setup.handBackTo = previous.handBackTo;
			await p.connection.oc.updateInstance(p.instanceId, { configuration: p.desired });
		}
		if (p.subscriptionUrl) {
			const wanted = wantedEvents(p);
			const existing = await subscriptionsAt(p);
			let sub: CloseWebhook;
			if (existing.length > 0) {
				// Repair the first, drop any others: never leave a second subscription behind.
				sub = await p.connection.close.updateWebhook(existing[0].id, {
					url: p.subscriptionUrl,
					events: wanted,
					status: 'active',
				});
				for (const extra of existing.slice(1)) await p.connection.close.deleteWebhook(extra.id);
				// The key is documented on GET /webhook/{id}/, never in the list.
				if (!sub.signature_key && p.route === 'direct') sub = (await p.connection.close.getWebhook(sub.id)) ?? sub;
			} else {
				sub = await p.connection.close.createWebhook({ url: p.subscriptionUrl, events: wanted });
			}
			setup.subscriptionId = sub.id;
			if (p.route === 'direct' && sub.signature_key) {
				setup.closeSignatureKey = sub.signature_key;
				closeKeyCache.set(closeKeyCacheKey(sub.id, p.url), sub.signature_key);
			}
		}
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: p.connection.secrets });
	}
	setups[p.url] = setup;
	moduleSetups.set(p.url, setup);
	return true;
}

export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl('default') as string;
	const data = staticOf(this);
	const setup = setupAt(data, url);
	const connection = await connect(this);
	const instanceId = setup?.instanceId ?? getInstanceId(this);
	const route = setup?.route ?? routeOf(this);
	try {
		let ownsInstance = false;
		let keepSubscription = false;
		if (route !== 'direct') {
			const instance = await connection.oc.getInstance(instanceId).catch((error) => {
				if ((error as { statusCode?: number }).statusCode === 404) return undefined;
				throw error;
			});
			const config = instance?.configuration as Record<string, unknown> | undefined;
			// Another URL (production while a test listener ends, or another workflow) owns it now.
			ownsInstance = config?.['event.notification.callback.url'] === url;
			// The node's other URL is still set up on this instance: hand the instance back to it
			// instead of restoring what was there before either of them.
			const siblingUrl =
				setup?.handBackTo ??
				Object.entries({ ...Object.fromEntries(moduleSetups), ...(data.setups ?? {}) }).find(
					([other, s]) => sameNodeUrl(other, url) && s.instanceId === instanceId && s.route !== 'direct',
				)?.[0];
			const siblingSetup = siblingUrl ? setupAt(data, siblingUrl) : undefined;
			if (instance && ownsInstance && siblingUrl) {
				const siblingRoute = siblingSetup?.route ?? route;
				const desired = instanceEventsFor(this, connection, siblingRoute, siblingUrl);
				await connection.oc.updateInstance(instanceId, { configuration: desired ?? {} });
				// The other URL still needs the Close subscription when it is relayed too.
				keepSubscription = route === 'openConnectors' && siblingRoute === 'openConnectors';
			} else if (instance && ownsInstance) {
				await connection.oc.updateInstance(instanceId, { configuration: restorePatch(setup?.saved) });
			}
		}
		const subscriptionUrl =
			route === 'openConnectors' ? connection.oc.eventsUrl(instanceId) : route === 'direct' ? url : undefined;
		if (subscriptionUrl && (route === 'direct' || (ownsInstance && !keepSubscription))) {
			const subs = (await connection.close.listWebhooks()).filter((s) => s.url === subscriptionUrl);
			for (const sub of subs) await connection.close.deleteWebhook(sub.id);
		}
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
	if (data.setups) delete data.setups[url];
	moduleSetups.delete(url);
	closeKeyCache.delete(url);
	if (setup?.subscriptionId) closeKeyCache.delete(closeKeyCacheKey(setup.subscriptionId, url));
	return true;
}
