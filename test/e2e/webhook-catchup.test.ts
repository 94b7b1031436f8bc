/**
 * Close.io Trigger, webhook mode: catch-up from Close's event log. A workflow whose last delivery
 * was two hours ago (its static data says so: n8n's clock cannot be moved) is activated after 500
 * changes happened while it was inactive: they come once each, in order, marked `source: webhook`;
 * a later Close delivery of one of them (signed with the subscription's key) starts nothing.
 *
 * Versions: N8N_E2E_CATCHUP_VERSIONS (space-separated), default "1.123.81 2.40.7". n8n 2.x's REST
 * create drops the static data a workflow is imported with: there the last delivery is made the way
 * a user's workflow gets one, a Close delivery before the workflow is deactivated.
 */
import { TRIGGER, type Env, eventually, postRaw, sleep, startEnv, triggerItems, triggerUrls, triggerWorkflow, withLogs } from './support/env';
import { isRedeliveryAnswer } from '../../bench/n8nWebhook';
import { signClose } from '../../lib/webhooks/signatures';
import { closeEventDigest } from '../helpers/seenDigests';

jest.setTimeout(20 * 60_000);

const VERSIONS = (process.env.N8N_E2E_CATCHUP_VERSIONS ?? '1.123.81 2.40.7').split(/\s+/).filter(Boolean);
const CHANGES = 500;

/** A captured delivery's headers for another body (its length is recomputed). */
const headersOf = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k.toLowerCase() !== 'content-length'));
const BUCKET_SECONDS = 600;

describe.each(VERSIONS)('n8n %s: catch-up on activation', (version) => {
	let env: Env;
	let flow: { id: string; url: string; caughtUp: string[] } | undefined;

	beforeAll(async () => {
		env = await startEnv({ version });
	}, 30 * 60_000);

	afterAll(async () => {
		await env?.close();
	});

	it(`a trigger inactive while ${CHANGES} changes happen catches up on activation, each once, in order`, () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			a.setEventConsolidation(0);
			const inst = a.createInstance({ name: 'e2e catch-up' });
			const wf = triggerWorkflow(env, { name: 'e2e catch-up', mode: 'webhook', instanceId: String(inst.id), objects: ['lead'], events: ['created', 'updated'], options: { delivery: 'direct' } });
			const bucket = Math.floor((Date.now() - 2 * 3600_000) / 1000 / BUCKET_SECONDS) * BUCKET_SECONDS;
			const { id } = await env.n8n.importWorkflow({ ...wf, staticData: { [`node:${TRIGGER}`]: { seenDigests: closeEventDigest('ev_delivered_long_ago'), seenAt: [[bucket, 1]] } } });
			const stored = ((await env.n8n.getWorkflow(id)).staticData?.[`node:${TRIGGER}`] ?? {}) as { seenAt?: unknown };
			let earlier = 0;
			if (stored.seenAt === undefined && Number.parseInt(version, 10) >= 2) {
				// 2.x dropped the seeded static data: one delivery while active, then deactivated
				await env.n8n.activate(id);
				const before = a.create('lead', { name: 'delivered before deactivation' });
				await env.n8n.waitForExecutions(id, 1, 2 * 60_000, (e) => e.finished);
				await env.n8n.deactivate(id);
				await sleep(2000);
				earlier = (await env.n8n.executions(id, { includeData: false })).length;
				expect(earlier).toBe(1);
				a.update('lead', before.id, { name: 'changed while inactive' });
			} else {
				expect(stored.seenAt).toEqual([[bucket, 1]]);
			}
			const lead = a.create('lead', { name: 'v0' });
			for (let i = 1; i < CHANGES; i++) a.update('lead', lead.id, { name: `v${i}` });
			await env.n8n.activate(id);
			const executions = await env.n8n.waitForExecutions(id, earlier + 1, 5 * 60_000, (e) => e.finished);
			// more than one poll's cap (500 a poll) comes with the next minute's poll
			const wanted = CHANGES + (earlier > 0 ? 1 : 0);
			const all = await eventually(
				async () => {
					const done = (await env.n8n.executions(id)).sort((x, y) => Number(x.id) - Number(y.id)).slice(earlier);
					return triggerItems(done).length >= wanted && done;
				},
				`${wanted} caught-up items`,
				3 * 60_000,
				2000,
			);
			await sleep(3000);
			let items = triggerItems(all);
			if (earlier > 0) {
				// the change to the lead delivered before: caught up once, first; the delivered version not again
				expect(items[0]).toMatchObject({ data: { name: 'changed while inactive' } });
				expect(items.filter((i) => (i.data as { name?: string }).name === 'delivered before deactivation')).toEqual([]);
				items = items.slice(1);
			}
			expect(executions.length).toBeGreaterThan(0);
			expect(items).toHaveLength(CHANGES);
			expect(new Set(items.map((i) => i.deliveryId)).size).toBe(CHANGES);
			expect(items.map((i) => (i.data as { name?: string }).name)).toEqual(Array.from({ length: CHANGES }, (_, i) => `v${i}`));
			for (const item of items) expect(item.source).toBe('webhook');
			flow = { id, url: triggerUrls(env.n8n, wf.webhookId).production, caughtUp: items.map((i) => String(i.deliveryId)) };
		}));

	it('a later Close delivery of a caught-up event starts nothing; a new change runs once', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const f = flow!;
			const count = async () => (await env.n8n.executions(f.id, { includeData: false })).length;
			const before = await count();
			const lead = a.create('lead', { name: 'after the catch-up' });
			const captured = await eventually(
				() => a.deliveries().find((d) => d.kind === 'close' && d.url === f.url && d.status === 200 && JSON.stringify(d.body).includes(lead.id)),
				'the new change delivered',
			);
			const executions = await env.n8n.waitForExecutions(f.id, before + 1, 60_000, (e) => e.finished);
			expect(triggerItems(executions).filter((i) => i.id === lead.id)).toHaveLength(1);
			// Close delivering one of the caught-up events (a late first delivery or a retry): same key.
			const event = a.events().find((e) => e.id === f.caughtUp[250]);
			expect(event).toBeDefined();
			// the subscription that delivered the new change (a deactivation removed the earlier one)
			const subscriptionId = (captured.body as { subscription_id?: string }).subscription_id;
			const sub = a.webhooks().find((w) => w.id === subscriptionId)!;
			expect(sub).toBeDefined();
			const rawBody = JSON.stringify({ ...(captured.body as object), event });
			const ts = String(Math.floor(Date.now() / 1000));
			const answer = await postRaw(f.url, rawBody, { ...headersOf(captured.headers), 'close-sig-timestamp': ts, 'close-sig-hash': signClose(sub.signature_key, ts, rawBody) });
			expect({ status: answer.status, refused: isRedeliveryAnswer(answer.text) }).toEqual({ status: 200, refused: true });
			await sleep(3000);
			expect(await count()).toBe(before + 1);
		}));
});
