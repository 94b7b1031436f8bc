/**
 * Close.io Trigger, webhook mode: a provider's redelivery that arrives after an n8n RESTART starts
 * no second execution, on each n8n major, in one run (each version gets its own n8n and sandbox).
 * Both Close routes: relayed by Open Connectors and direct. The memory of delivered events survives
 * the restart only if n8n saved the workflow's static data written in webhook(): n8n 2.x does that
 * only when webhook() answers the request itself (docs/maintainers/close-io-trigger-internals.md, Webhook mode, Idempotency).
 *
 * Versions: N8N_E2E_RESTART_VERSIONS (space-separated), default "1.123.81 2.40.7".
 */
import { TRIGGER, type Env, eventually, postRaw, sleep, startEnv, triggerItems, triggerUrls, triggerWorkflow, withLogs } from './support/env';
import { STARTED_BODY, isRedeliveryAnswer } from '../../bench/n8nWebhook';
import type { DeliveryRecord } from '../../sandbox';
import { itemDigest, savedDigests } from '../helpers/seenDigests';

jest.setTimeout(15 * 60_000);

const VERSIONS = (process.env.N8N_E2E_RESTART_VERSIONS ?? '1.123.81 2.40.7').split(/\s+/).filter(Boolean);
const ROUTES = [
	{ delivery: 'openConnectors', kind: 'openConnectors' },
	{ delivery: 'direct', kind: 'close' },
] as const;

describe.each(VERSIONS)('n8n %s: a redelivery after a restart', (version) => {
	let env: Env;
	const flows: Array<{ route: (typeof ROUTES)[number]; workflowId: string; url: string; captured?: DeliveryRecord; eventId?: string; digest?: string }> = [];

	beforeAll(async () => {
		env = await startEnv({ version });
	}, 30 * 60_000);

	afterAll(async () => {
		await env?.close();
	});

	const a = () => env.sb.admin;
	const count = async (workflowId: string) => (await env.n8n.executions(workflowId, { includeData: false })).length;

	it('each route starts one execution per event, and refuses an in-process redelivery', () =>
		withLogs(env, async () => {
			for (const route of ROUTES) {
				const inst = a().createInstance({ name: `e2e restart ${route.delivery}` });
				const wf = triggerWorkflow(env, { name: `e2e restart: ${route.delivery}`, mode: 'webhook', instanceId: String(inst.id), objects: ['lead'], events: ['created'], options: { delivery: route.delivery } });
				const { id } = await env.n8n.importWorkflow(wf);
				await env.n8n.activate(id);
				flows.push({ route, workflowId: id, url: triggerUrls(env.n8n, wf.webhookId).production });
			}
			const lead = a().create('lead', { name: 'Delivered before the restart' });
			for (const f of flows) {
				const [execution] = await env.n8n.waitForExecutions(f.workflowId, 1, 60_000);
				expect(execution).toMatchObject({ mode: 'webhook' });
				f.captured = await eventually(
					() => a().deliveries().find((d) => d.kind === f.route.kind && d.url === f.url && d.status === 200),
					`the ${f.route.delivery} delivery answered 200`,
				);
				// the answer the provider got says an execution started
				expect(JSON.parse(f.captured.responseBody ?? '{}')).toEqual(STARTED_BODY);
				const items = triggerItems(await env.n8n.waitForExecutions(f.workflowId, 1, 60_000, (e) => e.finished));
				expect(items.map((i) => [i.event, i.id])).toEqual([['created', lead.id]]);
				f.eventId = String(items[0]!.deliveryId);
				f.digest = itemDigest(items[0]!);
				const again = await postRaw(f.url, f.captured.rawBody, f.captured.headers);
				expect({ status: again.status, refused: isRedeliveryAnswer(again.text) }).toEqual({ status: 200, refused: true });
			}
			await sleep(2000);
			for (const f of flows) expect(await count(f.workflowId)).toBe(1);
		}));

	it('n8n saved the memory of delivered events in the static data', () =>
		withLogs(env, async () => {
			for (const f of flows) {
				// n8n saves it once webhook() has answered, while the execution starts: wait for the write
				const seen = await eventually(async () => {
					const digests = savedDigests((await env.n8n.getWorkflow(f.workflowId)).staticData?.[`node:${TRIGGER}`]);
					return digests?.includes(f.digest!) ? digests : undefined;
				}, `${f.route.delivery}: the event's key in the workflow's static data`, 15_000);
				expect(seen.length).toBeGreaterThan(0);
			}
		}));

	it('after the restart, the same requests (same bytes, same headers) start nothing; new events still run once', () =>
		withLogs(env, async () => {
			await env.n8n.restart();
			for (const f of flows) {
				const again = await postRaw(f.url, f.captured!.rawBody, f.captured!.headers);
				process.stderr.write(`[e2e restart] n8n ${version} ${f.route.delivery}: redelivery after the restart answered ${again.status} ${again.text}\n`);
				expect({ route: f.route.delivery, status: again.status, refused: isRedeliveryAnswer(again.text) }).toEqual({ route: f.route.delivery, status: 200, refused: true });
			}
			await sleep(3000);
			for (const f of flows) expect(await count(f.workflowId)).toBe(1);
			const lead = a().create('lead', { name: 'Delivered after the restart' });
			for (const f of flows) {
				const executions = await env.n8n.waitForExecutions(f.workflowId, 2, 60_000, (e) => e.finished);
				expect(triggerItems(executions).filter((i) => i.id === lead.id)).toHaveLength(1);
			}
			await sleep(2000);
			for (const f of flows) expect(await count(f.workflowId)).toBe(2);
		}));
});
