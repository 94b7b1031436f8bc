/**
 * Close.io Trigger, webhook mode with delivery `openConnectorsPolling` (issue 7), in a real n8n
 * (default 1.123.81): Open Connectors polls Close every N minutes and notifies n8n. The sandbox's
 * platform poller is run on demand (admin.runPoller) instead of waiting for the interval.
 * Activation configures the instance (no Close subscription); every changed record version comes
 * out once, including more than 10 changes in one interval (notifications of at most 10 events) and
 * a redelivered batch; deactivation restores the instance.
 */
import {
	Env,
	EVENT_KEYS,
	Item,
	TRIGGER,
	assertContractShape,
	duplicates,
	eventSettings,
	eventually,
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
import { callbackSignatureKey } from '../../lib/webhooks/webhookLifecycle';
import { buildPollerConfiguration, parsePollerConfiguration } from '../../lib/polling/pollerConfiguration';

jest.setTimeout(10 * 60_000);

const OBJECTS = ['lead', 'contact'] as const;

let env: Env;
let instanceId = '';
let workflowId = '';
let urls: ReturnType<typeof triggerUrls>;
let before: Record<string, unknown> = {};
let tActive = 0;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

const a = () => env.sb.admin;
const config = () => a().instances().find((i) => String(i.id) === instanceId)!.configuration as Record<string, unknown>;
// One key per node (its webhook id, the segment before the path): the same for both URLs.
const keyFor = (url: string) => callbackSignatureKey(env.sb.secrets, url.split('/').slice(-2)[0]);
const versionKey = (object: string, id: unknown, at: unknown) => `${object}:${String(id)}:${String(at)}`;
const notificationsToN8n = () => a().deliveries().filter((d) => d.kind === 'openConnectors' && d.url === urls.production);

/** Current versions of the records changed after `since` (what one platform poll must report). */
function changedSince(since: number): Array<{ object: string; id: string; at: string; created: boolean }> {
	const out: Array<{ object: string; id: string; at: string; created: boolean }> = [];
	for (const object of OBJECTS) {
		for (const r of a().records(object)) {
			const up = micros(String(r.date_updated));
			if (up <= since) continue;
			out.push({ object, id: String(r.id), at: String(r.date_updated), created: Math.abs(up - micros(String(r.date_created))) <= 1_000_000 });
		}
	}
	return out;
}

async function waitForVersions(expected: string[], timeoutMs = 30_000): Promise<{ executions: Execution[]; items: Item[] }> {
	let last: { executions: Execution[]; items: Item[] } = { executions: [], items: [] };
	await eventually(
		async () => {
			const executions = await env.n8n.executions(workflowId);
			if (executions.some((e) => ['new', 'running', 'waiting'].includes(e.status))) return false;
			const items = triggerItems(executions);
			last = { executions, items };
			const have = new Set(items.map((i) => versionKey(i.object, i.id, i.occurredAt)));
			return expected.every((k) => have.has(k));
		},
		`items for ${expected.length} record versions`,
		timeoutMs,
		500,
	);
	return last;
}

function assertOnce(items: Item[], expected: ReturnType<typeof changedSince>): void {
	const keys = items.map((i) => versionKey(i.object, i.id, i.occurredAt));
	expect(duplicates(keys)).toEqual([]);
	expect([...keys].sort()).toEqual(expected.map((e) => versionKey(e.object, e.id, e.at)).sort());
	for (const i of items) {
		assertContractShape(i, 'webhook');
		const e = expected.find((x) => x.object === i.object && x.id === i.id)!;
		expect(i.event).toBe(e.created ? 'created' : 'updated');
		expect(i.occurredAt).toBe(e.at); // the record's date_updated at full precision
		expect(i.data).toEqual(a().get(i.object as 'lead' | 'contact', i.id));
		expect(typeof i.deliveryId).toBe('string'); // the notification's eventId
	}
}

describe('Close.io Trigger, delivery "Open Connectors polls every N minutes", in a real n8n', () => {
	it('activation configures the instance for platform polling (no Close subscription)', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({
				name: 'e2e platform polling',
				configuration: {
					'event.notification.enabled': 'false',
					'event.vendor.type': 'webhook',
					'event.notification.callback.url': 'https://old.example.invalid/hook',
				},
			});
			instanceId = String(inst.id);
			before = eventSettings(config());
			a().create('lead', { name: 'Existing before activation' });
			const wf = triggerWorkflow(env, {
				name: 'e2e platform polling',
				mode: 'webhook',
				instanceId,
				objects: [...OBJECTS],
				events: ['created', 'updated'],
				options: { delivery: 'openConnectorsPolling', refreshInterval: 1 },
			});
			urls = triggerUrls(env.n8n, wf.webhookId);
			({ id: workflowId } = await env.n8n.importWorkflow(wf));
			await sleep(5); // the sandbox clock is in µs: keep "before activation" strictly before
			tActive = a().clock.now();
			await env.n8n.activate(workflowId);
			const c = config();
			expect(c).toMatchObject({
				'event.notification.enabled': 'true',
				'event.vendor.type': 'polling',
				'event.poller.refresh_interval': '1',
				'event.notification.callback.url': urls.production,
				'event.notification.signature.key': keyFor(urls.production),
			});
			// exactly the seed's shape for the selected objects (the same builder as the action node)
			expect(parsePollerConfiguration(c['event.poller.configuration'])).toEqual(parsePollerConfiguration(buildPollerConfiguration(['lead', 'contact'])));
			expect(Object.keys(parsePollerConfiguration(c['event.poller.configuration']) as object).sort()).toEqual(['accounts', 'contacts']);
			expect(a().webhooks()).toEqual([]);
			expect(await env.n8n.executions(workflowId)).toEqual([]);
		}));

	it('one interval with more than 10 changes: notifications of at most 10 events, every record version once', () =>
		withLogs(env, async () => {
			const existing = a().records('lead')[0]!;
			const leads = Array.from({ length: 12 }, (_, i) => a().create('lead', { name: `Platform lead ${i + 1}` }));
			a().update('lead', String(existing.id), { description: 'changed in the interval' });
			a().update('lead', String(leads[0]!.id), { description: 'created then updated in one interval' });
			a().create('contact', { lead_id: leads[1]!.id, name: 'Platform contact' });
			const expected = changedSince(tActive);
			expect(expected.filter((e) => e.object === 'lead').length).toBeGreaterThan(10);
			await a().runPoller(Number(instanceId));
			const { executions, items } = await waitForVersions(expected.map((e) => versionKey(e.object, e.id, e.at)));
			await sleep(1500);
			assertOnce(items, expected);
			const sent = notificationsToN8n();
			expect(sent.every((d) => d.status === 200)).toBe(true);
			const sizes = sent.map((d) => (d.body as { message: { events: unknown[] } }).message.events.length);
			expect(Math.max(...sizes)).toBe(10);
			expect(sizes.reduce((x, y) => x + y, 0)).toBe(expected.length);
			// one execution per notification, all in webhook mode
			expect(executions).toHaveLength(sent.length);
			expect(executions.every((e) => e.mode === 'webhook' && e.status === 'success')).toBe(true);
			// created then updated within the interval: the platform reports it CREATED (dates within 1 s), once
			expect(items.filter((i) => i.id === leads[0]!.id).map((i) => i.event)).toEqual(['created']);
			process.stderr.write(`[e2e platform] ${expected.length} changes -> notifications of ${JSON.stringify(sizes)} events -> ${executions.length} executions\n`);
		}));

	it('a redelivered batch starts nothing; the next interval reports only what changed since', () =>
		withLogs(env, async () => {
			const batch = notificationsToN8n().find((d) => (d.body as { message: { events: unknown[] } }).message.events.length === 10)!;
			const n = (await env.n8n.executions(workflowId, { includeData: false })).length;
			const again = await postRaw(urls.production, batch.rawBody, batch.headers);
			expect(again.status).toBe(200);
			await sleep(2000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);
			// the same batch as a NEW notification (new eventId, re-signed): same record versions, still nothing
			const body = JSON.parse(batch.rawBody);
			body.message.eventId = 'e2e-replayed-as-new';
			const raw = JSON.stringify(body);
			const { createHmac } = await import('node:crypto');
			const signature = 'sha256=' + createHmac('sha256', keyFor(urls.production)).update(raw).digest('base64');
			const replay = await postRaw(urls.production, raw, { ...batch.headers, 'Elements-Webhook-Signature': signature });
			expect(replay.status).toBe(200);
			await sleep(2000);
			expect(await env.n8n.executions(workflowId, { includeData: false })).toHaveLength(n);

			// a poll with nothing new notifies nothing
			const sentBefore = notificationsToN8n().length;
			await a().runPoller(Number(instanceId));
			await sleep(500);
			expect(notificationsToN8n()).toHaveLength(sentBefore);

			// next interval
			const since = a().clock.now();
			const [l1, l2] = a().records('lead').slice(-2);
			a().update('lead', String(l1!.id), { description: 'second interval' });
			a().update('lead', String(l2!.id), { description: 'second interval' });
			const expected = changedSince(since);
			expect(expected).toHaveLength(2);
			await a().runPoller(Number(instanceId));
			const { items } = await waitForVersions(expected.map((e) => versionKey(e.object, e.id, e.at)));
			const fresh = items.filter((i) => micros(String(i.occurredAt)) > since);
			assertOnce(fresh, expected);
			expect(duplicates(items.map((i) => versionKey(i.object, i.id, i.occurredAt)))).toEqual([]);
			expect(notificationsToN8n()).toHaveLength(sentBefore + 1);
		}));

	it('deactivation restores the instance\'s events settings; the platform then notifies nothing', () =>
		withLogs(env, async () => {
			await env.n8n.deactivate(workflowId);
			const after = eventSettings(config());
			process.stderr.write(`[e2e platform] before activation ${JSON.stringify(before)}; after deactivation keys ${JSON.stringify(Object.keys(after))}\n`);
			for (const k of EVENT_KEYS) {
				if (before[k] === undefined) continue; // keys the node added: see the report
				expect(`${k}=${String(after[k])}`).toBe(`${k}=${String(before[k])}`);
			}
			expect(after['event.notification.enabled']).toBe('false');
			const sent = notificationsToN8n().length;
			a().create('lead', { name: 'After deactivation' });
			await a().runPoller(Number(instanceId));
			await sleep(500);
			expect(notificationsToN8n()).toHaveLength(sent);
			expect(a().webhooks()).toEqual([]);
			const all = await env.n8n.executions(workflowId);
			expect(all.every((e) => e.status === 'success' && e.mode === 'webhook')).toBe(true);
			expect(duplicates(triggerItems(all).map((i) => versionKey(i.object, i.id, i.occurredAt)))).toEqual([]);
			expect(all.every((e) => nodeOutput(e, TRIGGER).length > 0)).toBe(true);
		}));

	/**
	 * Issue 7: deactivation "restores what was there": the keys the node added (signature key,
	 * refresh interval, poller configuration) are removed again (patched with null).
	 */
	it('after deactivation the instance has the events settings it had before (events off = absent)', () => {
		const off = (c: Record<string, unknown>) => {
			const out = { ...c };
			if (out['event.notification.enabled'] === 'false') delete out['event.notification.enabled'];
			return out;
		};
		expect(off(eventSettings(config()))).toEqual(off(before));
	});
});
