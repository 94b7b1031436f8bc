import type { IDataObject, IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { CloseWebhook } from '../../lib/closeClient';
import type { CloseObject } from '../../lib/objects';
import { DEFAULT_CLOSE_DATE_PATTERN } from '../../lib/pollerConfiguration';
import { SavePacer } from '../../lib/savePacer';
import { SeenKeys } from '../../lib/seenKeys';
import { DEFAULT_MAX_BODY_BYTES, receiveWebhook } from '../../lib/webhookReceiver';
import type { DeliveryRoute } from '../../lib/webhookLifecycle';
import {
	callbackSignatureKey,
	desiredInstanceEvents,
	eventSettingsOf,
	instanceMatches,
	restorePatch,
	subscriptionEvents,
	subscriptionMatches,
} from '../../lib/webhookLifecycle';
import { toNodeApiError } from '../shared/errors';
import { getInstanceId } from '../shared/instanceLocator';
import type { Connection } from '../shared/transport';
import { connect } from '../shared/transport';
import { selectedEvents, selectedObjects } from './PollMode';

/** Per webhook URL (test and production each have their own set-up). */
interface Setup {
	instanceId: string;
	route: DeliveryRoute;
	/** The instance's events settings before the first activation, restored on deactivation. */
	saved?: IDataObject;
	subscriptionId?: string;
	closeSignatureKey?: string;
	/** The node's other URL that held the instance when this one took it over; it gets it back. */
	handBackTo?: string;
}

interface WebhookStatic {
	setups?: Record<string, Setup>;
	/** Idempotency keys of the newest executions (see rememberedKeys). */
	seen?: string[];
}

export const SEEN_IN_MEMORY = 20000;
/** Kept small: n8n 1.x reads the workflow's static data from its database on every delivery. */
export const SEEN_PERSISTED = 500;
/** At most one save of the memory per node per second (lib/savePacer says why). */
export const SEEN_SAVE_INTERVAL_MS = 1000;

// Static data written inside webhook() is persisted by n8n 1.x but not by 2.x (n8n.md), so the
// memory of delivered keys lives here, per workflow and node, and is copied into static data by
// webhook(), which 1.x keeps. (Copying it from poll() was tried: a poll returning null saves
// nothing on either version, measured in a real n8n.)
interface Memory {
	keys: SeenKeys;
	saves: SavePacer;
	/** Keys admitted since the last save. */
	unsaved: boolean;
	/** The newest key of the last save: the static data n8n reads back shows it once that save landed. */
	lastSaved?: string;
}
const memories = new Map<string, Memory>();
// The signing key and Close key need the credential, which n8n reads and decrypts from its database
// on every call: kept for a minute per node (a changed credential is picked up within a minute).
const keyCache = new Map<string, { key: string; until: number }>();
const KEY_TTL_MS = 60_000;

// n8n runs a node that has poll() by calling poll(), also in the manual run a test delivery starts
// (n8n-core WorkflowExecute.runNode checks poll before webhook): the test delivery's items wait
// here for that poll() call.
const manualItems = new Map<string, IDataObject[]>();

/** What identifies a node in module memory: its workflow and node. */
type NodeRef = { getWorkflow(): { id?: string }; getNode(): { id?: string; name: string } };

/** poll() in webhook mode, manual run: the items of the test delivery that started it. */
export function takeManualItems(ctx: NodeRef): IDataObject[] | undefined {
	const key = memoryKey(ctx);
	const items = manualItems.get(key);
	manualItems.delete(key);
	return items;
}
const closeKeyCache = new Map<string, string>();

function memoryKey(ctx: IWebhookFunctions | IHookFunctions | NodeRef): string {
	const node = ctx.getNode();
	return `${String(ctx.getWorkflow().id ?? '')}:${node.id ?? node.name}`;
}

function rememberedKeys(ctx: IWebhookFunctions, data: WebhookStatic): Memory {
	const key = memoryKey(ctx);
	let memory = memories.get(key);
	if (!memory) {
		memory = {
			keys: new SeenKeys(SEEN_IN_MEMORY, Array.isArray(data.seen) ? data.seen : []),
			saves: new SavePacer(SEEN_SAVE_INTERVAL_MS),
			unsaved: false,
		};
		memories.set(key, memory);
	}
	return memory;
}

function staticOf(ctx: IHookFunctions | IWebhookFunctions): WebhookStatic {
	return ctx.getWorkflowStaticData('node') as WebhookStatic;
}

function routeOf(ctx: IHookFunctions | IWebhookFunctions): DeliveryRoute {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const route = options.delivery as string;
	return route === 'direct' || route === 'openConnectorsPolling' ? route : 'openConnectors';
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

function signatureKeyFor(connection: Connection, scope: string): string {
	return callbackSignatureKey(
		{
			userSecret: String(connection.credentials.userSecret ?? ''),
			organizationSecret: String(connection.credentials.organizationSecret ?? ''),
		},
		scope,
	);
}

/** "Listen for test event": n8n runs the hooks in mode manual, on its /webhook-test/ URL. */
function isTestListener(ctx: IHookFunctions, url: string): boolean {
	return ctx.getActivationMode() === 'manual' || url.includes('/webhook-test/');
}

/** The node's other URL (test vs production): the same webhook id and path, another endpoint. */
function sameNodeUrl(a: unknown, b: string): boolean {
	if (typeof a !== 'string' || a === b) return false;
	const tail = (u: string) => u.split('/').slice(-2).join('/');
	return tail(a) === tail(b) && tail(b).length > 1;
}

// Test listeners run create() and delete() with static data of their own (n8n 1.x starts it
// empty), so what one URL's set-up needs to know of the other is also kept in this module.
const moduleSetups = new Map<string, Setup>();

/** A URL's set-up: from this context's static data, else from module memory. */
function setupAt(data: WebhookStatic, url: string): Setup | undefined {
	return data.setups?.[url] ?? moduleSetups.get(url);
}

/** The instance events settings this node wants for `route`, notifying `callbackUrl`. */
function instanceEventsFor(ctx: IHookFunctions, connection: Connection, route: DeliveryRoute, callbackUrl: string) {
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

interface Plan {
	connection: Connection;
	url: string;
	route: DeliveryRoute;
	instanceId: string;
	objects: CloseObject[];
	events: string[];
	desired?: Record<string, unknown>;
	/** Where the Close subscription must point (none for platform polling). */
	subscriptionUrl?: string;
}

async function plan(ctx: IHookFunctions): Promise<Plan> {
	const url = ctx.getNodeWebhookUrl('default') as string;
	const route = routeOf(ctx);
	const instanceId = getInstanceId(ctx);
	const objects = selectedObjects(ctx);
	const events = selectedEvents(ctx);
	const connection = await connect(ctx);
	const desired = instanceEventsFor(ctx, connection, route, url);
	let subscriptionUrl: string | undefined;
	if (route === 'openConnectors') subscriptionUrl = connection.oc.eventsUrl(instanceId);
	if (route === 'direct') subscriptionUrl = url;
	return { connection, url, route, instanceId, objects, events, desired, subscriptionUrl };
}

function wantedEvents(p: Plan) {
	return subscriptionEvents(p.objects, p.events);
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
				: pointsHere
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
				if (!sub.signature_key) sub = { ...sub, signature_key: existing[0].signature_key };
			} else {
				sub = await p.connection.close.createWebhook({ url: p.subscriptionUrl, events: wanted });
			}
			setup.subscriptionId = sub.id;
			if (p.route === 'direct' && sub.signature_key) {
				setup.closeSignatureKey = sub.signature_key;
				closeKeyCache.set(sub.id, sub.signature_key);
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
	if (setup?.subscriptionId) closeKeyCache.delete(setup.subscriptionId);
	return true;
}

/** Close's `subscription_id`, read before the signature check only to pick the key to check with. */
function subscriptionIdOf(rawBody: Buffer | undefined): string | undefined {
	if (!rawBody || rawBody.length === 0 || rawBody.length > DEFAULT_MAX_BODY_BYTES) return undefined;
	const match = /"subscription_id"\s*:\s*"([A-Za-z0-9_]{1,100})"/.exec(rawBody.toString('utf8'));
	return match?.[1];
}

/**
 * The key of the Close subscription a direct delivery claims to come from, if that subscription
 * points at this node (production or test URL). n8n 1.x gives webhook() the production URL and no
 * test static data, so the subscription is looked up by id at Close, then cached here.
 */
async function closeKeyFor(ctx: IWebhookFunctions, connection: Connection, url: string, subscriptionId: string | undefined): Promise<string | undefined> {
	const data = staticOf(ctx);
	const known = [...Object.values(data.setups ?? {}), ...moduleSetups.values()].find(
		(s) => s.route === 'direct' && s.closeSignatureKey && subscriptionId !== undefined && s.subscriptionId === subscriptionId,
	);
	if (known?.closeSignatureKey) return known.closeSignatureKey;
	const cached = closeKeyCache.get(subscriptionId ?? url);
	if (cached) return cached;
	// Only subscriptions pointing at this node (its production or test URL) can lend their key.
	const ours = (await connection.close.listWebhooks()).filter((s) => s.url === url || sameNodeUrl(s.url, url));
	const sub = ours.find((s) => s.id === subscriptionId) ?? ours.find((s) => s.url === url);
	if (sub?.signature_key) closeKeyCache.set(sub.id === subscriptionId ? sub.id : url, sub.signature_key);
	return sub?.signature_key;
}

export async function receive(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	const refuse = (status: number, reason: string): IWebhookResponseData => {
		res.status(status).json({ error: reason });
		return { noWebhookResponse: true };
	};
	let decision;
	let memory: Memory;
	let data: WebhookStatic;
	try {
		const req = this.getRequestObject();
		const url = this.getNodeWebhookUrl('default') as string;
		data = staticOf(this);
		const route = routeOf(this);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const rawBody = (req as unknown as { rawBody?: Buffer }).rawBody;
		const scope = signatureScope(this);
		const cachedKey = keyCache.get(`${route}:${scope}:${url}`);
		let verifyKey = cachedKey && cachedKey.until > Date.now() ? cachedKey.key : undefined;
		if (verifyKey === undefined) {
			const connection = await connect(this);
			verifyKey =
				route === 'direct'
					? await closeKeyFor(this, connection, url, subscriptionIdOf(rawBody))
					: signatureKeyFor(connection, scope);
			// Direct keys depend on the subscription the delivery names: only the node's own are cached.
			if (verifyKey && route !== 'direct') keyCache.set(`${route}:${scope}:${url}`, { key: verifyKey, until: Date.now() + KEY_TTL_MS });
		}
		decision = receiveWebhook(
			{ method: req.method, headers: req.headers, rawBody },
			{
				route,
				openConnectorsSignatureKey: route === 'direct' ? undefined : verifyKey,
				closeSignatureKey: route === 'direct' ? verifyKey : undefined,
				objects: this.getNodeParameter('objects', []) as string[],
				events: this.getNodeParameter('events', []) as string[],
				includeRaw: options.includeRaw === true,
				nowSeconds: Math.floor(Date.now() / 1000),
			},
		);
		memory = rememberedKeys(this, data);
	} catch {
		// Set-up lookups failed (credential, Close unreachable): the sender retries later.
		return refuse(503, 'temporarily unavailable');
	}
	if (decision.status !== 200) return refuse(decision.status, decision.reason);
	const admitted = memory.keys.admit(decision.keys);
	const items = decision.items.filter((_, i) => admitted[i]);
	if (items.length > 0) memory.unsaved = true;
	// n8n 1.x saves static data written here before it answers (2.x does not save it). Keys admitted
	// inside the interval go with the next delivery's save, a redelivery's included. n8n reads the
	// static data from its database for each delivery: it shows whether the last save landed.
	const stored = Array.isArray(data.seen) ? data.seen : [];
	const landed = memory.lastSaved === undefined || stored[stored.length - 1] === memory.lastSaved;
	if (memory.unsaved && memory.saves.due(Date.now(), landed)) {
		data.seen = memory.keys.toArray(SEEN_PERSISTED);
		memory.lastSaved = data.seen[data.seen.length - 1];
		memory.unsaved = false;
	}
	if (items.length === 0) {
		return { webhookResponse: { received: true, executions: 0 } };
	}
	if (this.getMode() === 'manual') manualItems.set(memoryKey(this), items as unknown as IDataObject[]);
	return { workflowData: [this.helpers.returnJsonArray(items as unknown as IDataObject[])] };
}
