/** Webhook mode's webhook(): checks a delivery, refuses what was already delivered, starts the run. */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { persistedHasDigest } from '../../../lib/webhooks/seenKeys';
import { DEFAULT_MAX_BODY_BYTES, receiveWebhook } from '../../../lib/webhooks/webhookReceiver';
import { itemMatchesSelection } from '../../../lib/triggerEvents/selection';
import type { Connection } from '../../shared/transport';
import { connect } from '../../shared/transport';
import { readSelection } from '../selection';
import type { Memory } from './memory';
import { KEY_TTL_MS, closeKeyCache, closeKeyCacheKey, keepManualItems, keyCache, mergeStored, moduleSetups, rememberedKeys, saveMemory } from './memory';
import type { WebhookStatic } from './staticData';
import { routeOf, sameNodeUrl, signatureKeyFor, signatureScope, staticOf } from './staticData';

/** Close's `subscription_id`, read before the signature check only to pick the key to check with. */
function subscriptionIdOf(rawBody: Buffer | undefined): string | undefined {
	if (!rawBody || rawBody.length === 0 || rawBody.length > DEFAULT_MAX_BODY_BYTES) return undefined;
	const match = /"subscription_id"\s*:\s*"([A-Za-z0-9_]{1,100})"/.exec(rawBody.toString('utf8'));
	return match?.[1];
}

/**
 * The key of the Close subscription a direct delivery claims to come from, if that subscription
 * points at this node (production or test URL). n8n 1.x gives webhook() the production URL and no
 * test static data, so the subscription is read by id at Close (`GET /webhook/{id}/`, the response
 * Close documents with its `signature_key`; the list documents none), then cached here by id.
 */
async function closeKeyFor(ctx: IWebhookFunctions, connection: Connection, url: string, subscriptionId: string | undefined): Promise<string | undefined> {
	const data = staticOf(ctx);
	const pointsHere = (s: { url?: string } | null | undefined) => s !== null && s !== undefined && (s.url === url || sameNodeUrl(s.url, url));
	// A set-up of this node (its production or test URL) that holds the named subscription.
	const known = [...Object.entries(data.setups ?? {}), ...moduleSetups.entries()].find(
		([at, s]) => pointsHere({ url: at }) && s.route === 'direct' && s.closeSignatureKey && subscriptionId !== undefined && s.subscriptionId === subscriptionId,
	);
	if (known?.[1].closeSignatureKey) return known[1].closeSignatureKey;
	const cached = closeKeyCache.get(subscriptionId !== undefined ? closeKeyCacheKey(subscriptionId, url) : url);
	if (cached) return cached;
	if (subscriptionId !== undefined) {
		// Only a subscription pointing at this node (its production or test URL) can lend its key.
		const sub = await connection.close.getWebhook(subscriptionId);
		if (!pointsHere(sub) || !sub?.signature_key) return undefined;
		closeKeyCache.set(closeKeyCacheKey(sub.id, url), sub.signature_key);
		return sub.signature_key;
	}
	// A legacy payload names no subscription: the one at this URL, found in the list, read by id.
	const listed = (await connection.close.listWebhooks()).find((s) => s.url === url);
	const sub = listed ? await connection.close.getWebhook(listed.id) : null;
	if (!pointsHere(sub) || !sub?.signature_key) return undefined;
	closeKeyCache.set(url, sub.signature_key);
	return sub.signature_key;
}

export async function receive(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	// Every answer is written here, never left to n8n's `onReceived` answer: n8n saves the workflow's
	// static data in the callback that answers, and 2.x (2.40.7, 2.41.1) fires that callback for an
	// `onReceived` answer only after WorkflowRunner.run(), whose new Workflow resets the static data's
	// change flag: the memory of delivered events would never be saved. A `noWebhookResponse` result
	// fires it before run(), on 1.x and 2.x alike, and the save no longer delays the answer.
	const answer = (status: number, body: IDataObject, workflowData?: IWebhookResponseData['workflowData']): IWebhookResponseData => {
		res.status(status).json(body);
		return workflowData ? { noWebhookResponse: true, workflowData } : { noWebhookResponse: true };
	};
	const refuse = (status: number, reason: string) => answer(status, { error: reason });
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
		const selection = readSelection(this);
		decision = receiveWebhook(
			{ method: req.method, headers: req.headers, rawBody },
			{
				route,
				openConnectorsSignatureKey: route === 'direct' ? undefined : verifyKey,
				closeSignatureKey: route === 'direct' ? verifyKey : undefined,
				objects: this.getNodeParameter('objects', []) as string[],
				events: this.getNodeParameter('events', []) as string[],
				accept: (item) => itemMatchesSelection(item, selection),
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
	// n8n hands webhook() the static data it read for this request. Keys another n8n instance saved there
	// (a second webhook processor in queue mode) join this instance's memory before admitting, so a
	// redelivery landing on another processor than the first delivery is refused once that save shows.
	const nowMs = Date.now();
	mergeStored(memory, data, nowMs);
	const admitted = memory.keys.admit(decision.keys, nowMs);
	const items = decision.items.filter((_, i) => admitted[i]);
	if (items.length > 0) memory.unsaved = true;
	// n8n saves static data written here once webhook() returns (see `answer`). Keys admitted inside
	// the interval go with the next delivery's save, a redelivery's included. n8n reads the static
	// data from its database for each delivery: it shows whether the last save landed.
	// Another instance's save may have replaced ours, carrying our keys along: present anywhere counts.
	const landed = memory.lastSaved === undefined || persistedHasDigest(data, memory.lastSaved);
	if (memory.unsaved && memory.saves.due(nowMs, landed)) {
		saveMemory(data, memory);
	}
	if (items.length === 0) return answer(200, { received: true, executions: 0 });
	if (this.getMode() === 'manual') keepManualItems(this, items as unknown as IDataObject[]);
	// One execution carries every new event of the delivery.
	return answer(200, { received: true, executions: 1 }, [this.helpers.returnJsonArray(items as unknown as IDataObject[])]);
}
