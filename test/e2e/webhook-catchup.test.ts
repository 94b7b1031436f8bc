/**
 * Close.io Trigger, webhook mode: catch-up from Close's event log. A workflow whose last delivery
 * was two hours ago (its static data says so: n8n's clock cannot be moved) is activated after 500
 * changes happened while it was inactive: they come once each, in order, marked `source: webhook`.
 *
 * Versions: N8N_E2E_CATCHUP_VERSIONS (space-separated), default "1.123.81".
 */
import { TRIGGER, type Env, sleep, startEnv, triggerItems, triggerWorkflow, withLogs } from './support/env';

jest.setTimeout(20 * 60_000);

const VERSIONS = (process.env.N8N_E2E_CATCHUP_VERSIONS ?? '1.123.81').split(/\s+/).filter(Boolean);
const CHANGES = 500;
const BUCKET_SECONDS = 600;

describe.each(VERSIONS)('n8n %s: catch-up on activation', (version) => {
	let env: Env;

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
			const { id } = await env.n8n.importWorkflow({ ...wf, staticData: { [`node:${TRIGGER}`]: { seen: ['close:ev_delivered_long_ago'], seenAt: [[bucket, 1]] } } });
			const stored = ((await env.n8n.getWorkflow(id)).staticData?.[`node:${TRIGGER}`] ?? {}) as { seenAt?: unknown };
			expect(stored.seenAt).toEqual([[bucket, 1]]);
			const lead = a.create('lead', { name: 'v0' });
			for (let i = 1; i < CHANGES; i++) a.update('lead', lead.id, { name: `v${i}` });
			await env.n8n.activate(id);
			const executions = await env.n8n.waitForExecutions(id, 1, 5 * 60_000, (e) => e.finished);
			await sleep(3000);
			const all = await env.n8n.executions(id);
			const items = triggerItems(all.sort((x, y) => Number(x.id) - Number(y.id)));
			expect(executions.length).toBeGreaterThan(0);
			expect(items).toHaveLength(CHANGES);
			expect(new Set(items.map((i) => i.deliveryId)).size).toBe(CHANGES);
			expect(items.map((i) => (i.data as { name?: string }).name)).toEqual(Array.from({ length: CHANGES }, (_, i) => `v${i}`));
			for (const item of items) expect(item.source).toBe('webhook');
		}));
});
