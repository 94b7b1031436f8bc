/**
 * Close.io Trigger, WEBHOOK mode, in a real n8n (default 1.123.81) against the sandbox:
 *  - delivery `openConnectors` (Close -> the sandbox's Open Connectors relay -> n8n): activation sets
 *    the instance up and holds ONE Close subscription; lead create/update/delete/merge start
 *    executions with the right items; a redelivered notification (exact bytes and headers, also
 *    after an n8n restart) starts nothing; forged ones get 401 and start nothing; the test URL flow
 *    ("Listen for test event") with the production set-up active and with the workflow inactive;
 *    deactivation removes the subscription and restores the instance;
 *  - delivery `direct` (Close -> n8n).
 * The sandbox holds ONE Close account: every lead change goes to every subscription, so each part
 * runs with one workflow listening and checks the items of a time window.
 */
import {
	DONE,
	Env,
	EVENT_KEYS,
	Item,
	TRIGGER,
	assertContractShape,
	duplicates,
	encodedId,
	eventSettings,
	eventually,
	findSecrets,
	micros,
	postRaw,
	sleep,
	startEnv,
	triggerItems,
	triggerUrls,
	triggerWorkflow,
	withLogs,
} from './support/env';
import { type Execution, nodeOutput } from './harness/n8n';
import type { CloseEvent, DeliveryRecord } from '../../sandbox';
import { callbackSignatureKey } from '../../lib/webhooks/webhookLifecycle';
import { isRedeliveryAnswer } from '../../bench/n8nWebhook';
import { closeEventDigest, savedDigests } from '../helpers/seenDigests';

jest.setTimeout(10 * 60_000);

const EVENTS = ['created', 'updated', 'deleted', 'merged'];
const ALL_LEAD_EVENTS = EVENTS.map((action) => ({ object_type: 'lead', action })).sort((a, b) => a.action.localeCompare(b.action));

let env: Env;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

const a = () => env.sb.admin;
/**
 * Lets in-flight deliveries land. NOT admin.idle(): a delivery refused by n8n (e.g. to a test URL
 * n8n already removed) is retried by the sandbox for a long time, so idle() would wait for that.
 */
const settle = () => sleep(1500);
/** The Open Connectors signature key the node derives for a webhook URL (from the credential's secrets). */
// One key per node (its webhook id, the segment before the path): the same for both URLs.
const keyFor = (url: string) => callbackSignatureKey(env.sb.secrets, url.split('/').slice(-2)[0]);
const instanceConfig = (id: string) => a().instances().find((i) => String(i.id) === id)!.configuration as Record<string, unknown>;
const sortedEvents = (events: Array<{ object_type: string; action: string }>) =>
	events.map((e) => ({ object_type: e.object_type, action: e.action })).sort((x, y) => x.action.localeCompare(y.action));

/** Close's lead events logged after `since` (epoch µs): the oracle of what must come out. */
function leadEventsSince(since: number): CloseEvent[] {
	return a()
		.events()
		.filter((e) => e.object_type === 'lead' && EVENTS.includes(e.action) && micros(`${e.date_updated}+00:00`) > since);
}

/** Waits until every Close event in `expected` is an item of a finished execution (filter); returns them. */
async function waitForEvents(workflowId: string, expected: CloseEvent[], filter: (e: Execution) => boolean, timeoutMs = 60_000): Promise<{ executions: Execution[]; items: Item[] }> {
	let last: { executions: Execution[]; items: Item[] } = { executions: [], items: [] };
	await eventually(
		async () => {
			const executions = (await env.n8n.executions(workflowId)).filter(filter);
			if (executions.some((e) => ['new', 'running', 'waiting'].includes(e.status))) return false;
			const items = triggerItems(executions);
			last = { executions, items };
			const have = new Set(items.map((i) => i.deliveryId));
			return expected.every((e) => have.has(e.id));
		},
		`items for Close events ${expected.map((e) => `${e.action}:${e.id}`).join(', ')} (have ${JSON.stringify(last.items.map((i) => `${i.event}:${i.deliveryId}`))})`,
		timeoutMs,
		500,
	);
	return last;
}

/** Each Close event exactly once, as the contract's item for it. */
function assertItemsMatchEvents(items: Item[], expected: CloseEvent[]): void {
	expect(duplicates(items.map((i) => String(i.deliveryId)))).toEqual([]);
	expect(items.map((i) => i.deliveryId).sort()).toEqual(expected.map((e) => e.id).sort());
	for (const i of items) {
		assertContractShape(i, 'webhook');
		const e = expected.find((x) => x.id === i.deliveryId)!;
		const meta = e.meta as Record<string, string>;
		expect(i).toMatchObject({
			event: e.action,
			object: 'lead',
			id: e.action === 'merged' ? meta.merge_destination_lead_id : e.object_id,
			occurredAt: `${e.date_updated}+00:00`,
			changedFields: e.action === 'updated' ? e.changed_fields : i.changedFields,
		});
		if (e.action === 'merged') expect(i).toMatchObject({ mergedFrom: meta.merge_source_lead_id, mergedInto: meta.merge_destination_lead_id });
		if (e.action === 'created' || e.action === 'updated') expect(i.data).toEqual(e.data);
	}
}

describe('Close.io Trigger, webhook mode (Close -> Open Connectors -> n8n), in a real n8n', () => {
	let instanceId = '';
	let workflowId = '';
	let urls: ReturnType<typeof triggerUrls>;
	let eventsUrl = '';
	let before: Record<string, unknown> = {};
	let tActive = 0;

	it('activation enables the instance\'s events (callback = the production URL) and holds ONE Close subscription to its events URL', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({
				name: 'e2e webhook relay',
				// what the account had before: events off, another callback; deactivation must bring it back
				configuration: {
					'event.notification.enabled': 'false',
					'event.vendor.type': 'webhook',
					'event.notification.callback.url': 'https://old.example.invalid/hook',
				},
			});
			instanceId = String(inst.id);
			eventsUrl = `${env.sb.ocBaseUrl}/events/closeio/${encodedId(instanceId)}`;
			before = eventSettings(instanceConfig(instanceId));
			const wf = triggerWorkflow(env, { name: 'e2e webhook: relay', mode: 'webhook', instanceId, objects: ['lead'], events: EVENTS, options: { delivery: 'openConnectors' } });
			urls = triggerUrls(env.n8n, wf.webhookId);
			({ id: workflowId } = await env.n8n.importWorkflow(wf));
			expect(await env.n8n.isWebhookRegistered(urls.path)).toBe(false);
			await env.n8n.activate(workflowId);
			tActive = a().clock.now();
			expect(await env.n8n.isWebhookRegistered(urls.path)).toBe(true);
			const config = instanceConfig(instanceId);
			expect(config).toMatchObject({
				'event.notification.enabled': 'true',
				'event.vendor.type': 'webhook',
				'event.notification.callback.url': urls.production,
			});
			expect(String(config['event.notification.signature.key'] ?? '')).toMatch(/^[0-9a-f]{64}$/);
			const subs = a().webhooks();
			expect(subs).toHaveLength(1);
			expect(subs[0]).toMatchObject({ url: eventsUrl, status: 'active' });
			expect(sortedEvents(subs[0]!.events)).toEqual(ALL_LEAD_EVENTS);
			// n8n runs poll() in webhook mode too: it must start nothing
			expect(await env.n8n.executions(workflowId)).toEqual([]);
		}));

	it('lead create, update, delete and merge start executions with the right items, each once', () =>
		withLogs(env, async () => {
			const l1 = a().create('lead', { name: 'Relay 1' });
			a().update('lead', String(l1.id), { description: 'changed', status_label: 'Qualified' });
			const l2 = a().create('lead', { name: 'Relay 2' });
			const l3 = a().create('lead', { name: 'Relay 3' });
			a().merge(String(l2.id), String(l3.id));
			a().delete('lead', String(l1.id));
			a().create('contact', { lead_id: l3.id, name: 'not selected: no item' });
			const expected = leadEventsSince(tActive);
			expect(expected.map((e) => e.action)).toEqual(['created', 'updated', 'created', 'created', 'deleted', 'merged', 'deleted']);
			const { executions, items } = await waitForEvents(workflowId, expected, () => true);
			await settle();
			assertItemsMatchEvents(items, expected);
			for (const e of executions) {
				expect(e).toMatchObject({ mode: 'webhook', status: 'success' });
				expect(nodeOutput(e, DONE)).toEqual(nodeOutput(e, TRIGGER));
			}
			// every relayed notification was answered 200 at once, and none was retried
			const relayed = a().deliveries().filter((d) => d.kind === 'openConnectors' && d.url === urls.production);
			expect(relayed.length).toBeGreaterThanOrEqual(expected.length);
			expect(relayed.every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
			expect(findSecrets(executions, env.secretValues)).toEqual([]);
		}));

	let captured: DeliveryRecord;
	it('a redelivered notification (same bytes, same headers) starts no second execution', () =>
		withLogs(env, async () => {
			captured = a()
				.deliveries()
				.filter((d) => d.kind === 'openConnectors' && d.url === urls.production && d.status === 200)
				.at(-1)!;
			const n = (await env.n8n.executions(workflowId, { includeData: false })).length;
			const again = await postRaw(urls.production, captured.rawBody, captured.headers);
			expect(again.status).toBe(200);
			process.stderr.write(`[e2e webhook] redelivery answered ${again.status} ${again.text}\n`);
			await sleep(3000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);
		}));

	it('forged notifications are refused with 401 and start nothing', () =>
		withLogs(env, async () => {
			const n = (await env.n8n.executions(workflowId, { includeData: false })).length;
			const body = JSON.parse(captured.rawBody);
			body.message.eventId = 'forged-event';
			const tampered = JSON.stringify(body);
			const { 'Elements-Webhook-Signature': signature, ...unsigned } = captured.headers;
			const attempts: Array<[string, string, Record<string, string>]> = [
				['body changed, original signature', tampered, captured.headers],
				['signature of another key', tampered, { ...unsigned, 'Elements-Webhook-Signature': 'sha256=' + Buffer.from('x'.repeat(32)).toString('base64') }],
				['no signature', tampered, unsigned],
			];
			expect(signature).toMatch(/^sha256=/);
			for (const [what, raw, headers] of attempts) {
				const r = await postRaw(urls.production, raw, headers);
				expect(`${what}: ${r.status}`).toBe(`${what}: 401`);
				expect(findSecrets(r.text, env.secretValues)).toEqual([]);
			}
			await sleep(2000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);
		}));

	it('after an n8n restart the set-up is intact, deliveries go on, and a redelivery is still refused', () =>
		withLogs(env, async () => {
			// The memory is saved with a delivery, at most once a second (docs/maintainers/close-io-trigger-internals.md): one more delivery a
			// second after the others makes the save that carries every key so far.
			await sleep(1100);
			const before = a().clock.now();
			a().create('lead', { name: 'Before the restart' });
			await waitForEvents(workflowId, leadEventsSince(before), () => true);
			// ... and n8n has it in its database (1.x and 2.x alike: webhook() answers the request
			// itself, which is what makes 2.x save static data written there). n8n writes it once
			// webhook() has answered: wait for it.
			const capturedEventId = String(JSON.parse(captured.rawBody).message?.raw?.event?.id ?? '');
			expect(capturedEventId).not.toBe('');
			const savedKeys = await eventually(async () => {
				const stored = (await env.n8n.getWorkflow(workflowId)).staticData?.[`node:${TRIGGER}`] ?? {};
				expect(Object.keys(stored.setups ?? {})).toContain(urls.production);
				const keys = savedDigests(stored) ?? [];
				return keys.includes(closeEventDigest(capturedEventId)) ? keys : undefined;
			}, 'the redelivered event\'s key in the static data', 15_000);
			process.stderr.write(`[e2e webhook] n8n ${env.n8n.version}: ${savedKeys.length} keys in static data before the restart\n`);
			await env.n8n.restart();
			expect(a().webhooks()).toHaveLength(1);
			expect(instanceConfig(instanceId)['event.notification.callback.url']).toBe(urls.production);
			const n = (await env.n8n.executions(workflowId, { includeData: false })).length;
			const again = await postRaw(urls.production, captured.rawBody, captured.headers);
			expect(again.status).toBe(200);
			// the answer says which it was: a refused redelivery is answered without an execution
			expect(isRedeliveryAnswer(again.text)).toBe(true);
			await sleep(3000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);
			const since = a().clock.now();
			a().create('lead', { name: 'After the restart' });
			const expected = leadEventsSince(since);
			const { items } = await waitForEvents(workflowId, expected, () => true);
			expect(items.filter((i) => i.deliveryId === expected[0]!.id)).toHaveLength(1);
		}));

	it('"Listen for test event" with the production set-up active: the test set-up takes the instance (/webhook-test/ callback, ONE subscription); Stop points the callback back at production', () =>
		withLogs(env, async () => {
			const prodExecutions = (await env.n8n.executions(workflowId, { includeData: false })).length;
			expect(await env.n8n.runManually(workflowId, { triggerNode: TRIGGER })).toEqual({ waitingForWebhook: true });
			expect(await env.n8n.isWebhookRegistered(urls.path, { test: true })).toBe(true);
			expect(urls.test).toContain('/webhook-test/');
			await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.test, 'callback = test URL');
			expect(instanceConfig(instanceId)['event.notification.enabled']).toBe('true');
			expect(instanceConfig(instanceId)['event.notification.signature.key']).toBe(keyFor(urls.test));
			expect(a().webhooks()).toHaveLength(1);
			expect(a().webhooks()[0]).toMatchObject({ url: eventsUrl, status: 'active' });
			// the editor's Stop button
			await env.n8n.cancelTestWebhook(workflowId, { path: urls.path });
			await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.production, 'callback = production URL after Stop', 15_000);
			expect(instanceConfig(instanceId)['event.notification.enabled']).toBe('true');
			expect((await env.n8n.executions(workflowId, { includeData: false })).length).toBe(prodExecutions);
		}));

	/**
	 * n8n 1.123.81 runs a test webhook's create()/delete() on a Workflow built with `staticData: {}`
	 * (TestWebhooks.toWorkflow), so the test set-up cannot see the production set-up in static data:
	 * the node recognises its own production URL on the instance and hands the instance back to it.
	 */
	it('after "Listen for test event" is stopped, the active production set-up is intact and still receives changes', async () => {
		const before = (await env.n8n.executions(workflowId, { includeData: false })).filter((e) => e.mode === 'webhook').length;
		expect(await env.n8n.runManually(workflowId, { triggerNode: TRIGGER })).toEqual({ waitingForWebhook: true });
		await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.test, 'callback = test URL');
		await env.n8n.cancelTestWebhook(workflowId, { path: urls.path });
		await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.production, 'callback = production URL after Stop', 15_000);
		const key = instanceConfig(instanceId)['event.notification.signature.key'];
		process.stderr.write(
			`[e2e webhook] after Stop: subscriptions ${JSON.stringify(a().webhooks().map((w) => w.url))}, ` +
				`signature key is the ${key === keyFor(urls.production) ? 'production' : key === keyFor(urls.test) ? 'TEST' : 'unknown'} URL's\n`,
		);
		expect(a().webhooks().map((w) => w.url)).toEqual([eventsUrl]);
		expect(key).toBe(keyFor(urls.production));
		const since = a().clock.now();
		a().create('lead', { name: 'Production after a test listener' });
		const expected = leadEventsSince(since);
		await waitForEvents(workflowId, expected, (e) => e.mode === 'webhook', 15_000);
		expect((await env.n8n.executions(workflowId, { includeData: false })).filter((e) => e.mode === 'webhook')).toHaveLength(before + 1);
	});

	/**
	 * On n8n 1.123.81 webhook() sees the PRODUCTION URL even for a test request (n8n-core
	 * webhook-context does not pass isTest): the signing key is per node, not per URL, so a test
	 * delivery verifies.
	 */
	it('a change while "Listen for test event" runs produces the manual execution, then production has the instance back', async () => {
		const before = (await env.n8n.executions(workflowId, { includeData: false })).length;
		try {
			expect(await env.n8n.runManually(workflowId, { triggerNode: TRIGGER })).toEqual({ waitingForWebhook: true });
			await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.test, 'callback = test URL');
			const since = a().clock.now();
			a().create('lead', { name: 'Seen by the test listener' });
			const expected = leadEventsSince(since);
			const toTest = await a().waitForDeliveries((d) => d.some((x) => x.url === urls.test && (x.status !== undefined || x.error !== undefined)), 15_000);
			const first = toTest.find((x) => x.url === urls.test)!;
			process.stderr.write(`[e2e webhook] delivery to the test URL answered ${JSON.stringify({ status: first.status, response: first.responseBody })}\n`);
			expect(first.status).toBe(200);
			// n8n runs the trigger's poll() for the manual run a test delivery starts: the items come from there.
			let manual: Awaited<ReturnType<typeof env.n8n.executions>>[number] | undefined;
			await eventually(async () => {
				const runs = await env.n8n.executions(workflowId, { includeData: true });
				manual = runs.find((e) => e.mode === 'manual' && e.finished && nodeOutput(e, TRIGGER).length > 0);
				return manual !== undefined;
			}, "a manual execution with the trigger's items", 30_000);
			assertItemsMatchEvents(nodeOutput(manual!, TRIGGER) as Item[], expected);
			// finishing (one call) removes the test webhook and hands the instance back to production
			await eventually(async () => !(await env.n8n.isWebhookRegistered(urls.path, { test: true })), 'test webhook gone');
			await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.production, 'callback = production URL again', 15_000);
			expect(a().webhooks()).toHaveLength(1);
		} finally {
			// a refused call leaves n8n listening (no execution, so no deactivation): Stop, and let production have the instance back
			if (await env.n8n.isWebhookRegistered(urls.path, { test: true })) await env.n8n.cancelTestWebhook(workflowId, { path: urls.path });
			await eventually(() => instanceConfig(instanceId)['event.notification.callback.url'] === urls.production, 'callback = production URL (cleanup)', 15_000);
			const after = await env.n8n.executions(workflowId, { includeData: false });
			expect(after.filter((e) => e.mode !== 'manual')).toHaveLength(before);
		}
	});

	it('deactivation removes the subscription and restores the instance\'s previous events settings', () =>
		withLogs(env, async () => {
			await settle();
			await env.n8n.deactivate(workflowId);
			expect(await env.n8n.isWebhookRegistered(urls.path)).toBe(false);
			expect(a().webhooks()).toEqual([]);
			const after = eventSettings(instanceConfig(instanceId));
			process.stderr.write(`[e2e webhook] events settings before activation ${JSON.stringify(before)}, after deactivation ${JSON.stringify({ ...after, 'event.notification.signature.key': after['event.notification.signature.key'] ? '<set>' : undefined })}\n`);
			for (const k of EVENT_KEYS) {
				if (k === 'event.notification.signature.key') continue; // see the report: the node's key stays behind
				expect(`${k}=${String(after[k])}`).toBe(`${k}=${String(before[k])}`);
			}
			const n = (await env.n8n.executions(workflowId, { includeData: false })).length;
			a().create('lead', { name: 'After deactivation' });
			await settle();
			await sleep(1000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);
		}));

	it('"Listen for test event" on an inactive workflow: set up on the /webhook-test/ URL, Stop restores the instance', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e webhook: test only' });
			const id = String(inst.id);
			const prior = eventSettings(instanceConfig(id));
			const wf = triggerWorkflow(env, { name: 'e2e webhook: test URL only', mode: 'webhook', instanceId: id, objects: ['lead'], events: ['created'], options: {} });
			const u = triggerUrls(env.n8n, wf.webhookId);
			const { id: wid } = await env.n8n.importWorkflow(wf);
			expect(await env.n8n.runManually(wid, { triggerNode: TRIGGER })).toEqual({ waitingForWebhook: true });
			await eventually(() => instanceConfig(id)['event.notification.callback.url'] === u.test, 'callback = test URL');
			expect(instanceConfig(id)['event.notification.enabled']).toBe('true');
			const subs = a().webhooks();
			expect(subs).toHaveLength(1);
			expect(subs[0]).toMatchObject({ url: `${env.sb.ocBaseUrl}/events/closeio/${encodedId(id)}`, events: [{ object_type: 'lead', action: 'created' }] });
			await env.n8n.cancelTestWebhook(wid, { path: u.path });
			await eventually(() => a().webhooks().length === 0, 'the test subscription removed', 15_000);
			const after = eventSettings(instanceConfig(id));
			expect(after['event.notification.enabled']).toBe('false');
			expect(after['event.notification.callback.url'] ?? '').toBe(prior['event.notification.callback.url'] ?? '');
			expect(await env.n8n.executions(wid, { includeData: false })).toEqual([]);
		}));
});

describe('Close.io Trigger, webhook mode, delivery "direct" (Close -> n8n)', () => {
	it('one subscription to the production URL; changes start executions; forged deliveries get 401; deactivation removes it', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e webhook: direct' });
			const id = String(inst.id);
			const prior = JSON.stringify(instanceConfig(id));
			const wf = triggerWorkflow(env, { name: 'e2e webhook: direct', mode: 'webhook', instanceId: id, objects: ['lead'], events: EVENTS, options: { delivery: 'direct' } });
			const u = triggerUrls(env.n8n, wf.webhookId);
			const { id: wid } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(wid);
			const since = a().clock.now();
			const subs = a().webhooks();
			expect(subs).toHaveLength(1);
			expect(subs[0]).toMatchObject({ url: u.production, status: 'active' });
			expect(sortedEvents(subs[0]!.events)).toEqual(ALL_LEAD_EVENTS);
			expect(JSON.stringify(instanceConfig(id))).toBe(prior); // direct does not touch the instance

			const l1 = a().create('lead', { name: 'Direct 1' });
			a().update('lead', String(l1.id), { description: 'direct update' });
			const l2 = a().create('lead', { name: 'Direct 2' });
			a().merge(String(l1.id), String(l2.id));
			const expected = leadEventsSince(since);
			const { executions, items } = await waitForEvents(wid, expected, () => true);
			assertItemsMatchEvents(items, expected);
			expect(executions.every((e) => e.mode === 'webhook' && e.status === 'success')).toBe(true);

			await settle();
			const delivery = a()
				.deliveries()
				.filter((d) => d.kind === 'close' && d.url === u.production && d.status === 200)
				.at(-1)!;
			expect(delivery.headers['close-sig-hash']).toMatch(/^[0-9a-f]{64}$/);
			const n = (await env.n8n.executions(wid, { includeData: false })).length;
			// redelivery of Close's exact request: no second execution
			expect((await postRaw(u.production, delivery.rawBody, delivery.headers)).status).toBe(200);
			// forged: body changed / hash wrong / stale timestamp
			const changed = delivery.rawBody.replace('"lead"', '"lead" ');
			expect((await postRaw(u.production, changed, delivery.headers)).status).toBe(401);
			expect((await postRaw(u.production, delivery.rawBody, { ...delivery.headers, 'close-sig-hash': 'ab'.repeat(32) })).status).toBe(401);
			expect((await postRaw(u.production, delivery.rawBody, { ...delivery.headers, 'close-sig-timestamp': String(Math.floor(Date.now() / 1000) - 3600) })).status).toBe(401);
			await sleep(3000);
			expect(await env.n8n.executions(wid, { includeData: false })).toHaveLength(n);

			await env.n8n.deactivate(wid);
			expect(a().webhooks()).toEqual([]);
			expect(JSON.stringify(instanceConfig(id))).toBe(prior);
		}));
});
