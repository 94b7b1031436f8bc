/**
 * Close.io Trigger, webhook mode, in a real n8n (N8N_E2E_VERSION, default 1.123.81):
 *  - an outage: n8n is down while Close retries, and Close's retries keep their FIRST signature,
 *    made 10 minutes before (the sandbox sets the timestamps back: 10 minutes of simulated time);
 *    once n8n is back every event runs exactly once, and a further copy of a retry runs nothing;
 *  - one instance, one owner: a second workflow on the instance of an active one (delivery via
 *    Open Connectors) fails to activate with an error naming the first; the first keeps receiving;
 *  - two workflows with Close Webhook Direct on one instance both receive.
 * The sandbox holds ONE Close account: every lead change goes to every active subscription.
 */
import { type Env, eventually, postRaw, sleep, startEnv, triggerItems, triggerUrls, triggerWorkflow, withLogs } from './support/env';
import { isRedeliveryAnswer } from '../../bench/n8nWebhook';

jest.setTimeout(20 * 60_000);

let env: Env;
beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);
afterAll(async () => {
	await env?.close();
});

const a = () => env.sb.admin;

async function activeWorkflow(name: string, instanceId: string, delivery: 'openConnectors' | 'direct') {
	const wf = triggerWorkflow(env, { name, mode: 'webhook', instanceId, objects: ['lead'], events: ['created'], options: { delivery } });
	const { id } = await env.n8n.importWorkflow(wf);
	return { id, url: triggerUrls(env.n8n, wf.webhookId).production };
}

/** The lead ids of `workflowId`'s finished executions, one entry per item (repeats show). */
async function leadIdsRun(workflowId: string): Promise<string[]> {
	const executions = await env.n8n.executions(workflowId);
	return triggerItems(executions.filter((e) => e.finished)).map((i) => String(i.id));
}

describe('webhook mode through an outage, and with several workflows', () => {
	test('n8n down while Close retries with its first (10 minutes old) signature: every event runs exactly once', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e outage' });
			const flow = await activeWorkflow('e2e outage: direct', String(inst.id), 'direct');
			await env.n8n.activate(flow.id);
			const before = a().create('lead', { name: 'Before the outage' });
			await eventually(async () => (await leadIdsRun(flow.id)).includes(String(before.id)), 'the lead before the outage ran', 60_000);

			// Close's first attempt at each event is signed "10 minutes ago"; its retries keep that signature.
			a().closeDeliverySigning({ resignRetries: false, timestampOffsetSeconds: -600 });
			const during = await env.downtime(async () => {
				const leads = ['One', 'Two', 'Three', 'Four', 'Five'].map((name) => a().create('lead', { name: `During the outage ${name}` }));
				// every event's first attempt failed while n8n was down
				await a().waitForDeliveries(
					(d) => leads.every((l) => d.some((x) => x.kind === 'close' && x.url === flow.url && x.body && JSON.stringify(x.body).includes(String(l.id)) && x.status === undefined)),
					30_000,
				);
				return leads;
			});
			const ids = during.map((l) => String(l.id));
			const ran = await eventually(
				async () => {
					const all = await leadIdsRun(flow.id);
					return ids.every((id) => all.includes(id)) ? all : undefined;
				},
				'every event of the outage ran once n8n was back',
				5 * 60_000,
				1000,
			);
			// the retries that n8n accepted carried the 10 minutes old timestamp
			const accepted = a().deliveries().filter((d) => d.kind === 'close' && d.url === flow.url && d.status === 200 && ids.some((id) => d.rawBody.includes(id)));
			expect(accepted.length).toBeGreaterThanOrEqual(ids.length);
			for (const d of accepted) expect(Math.floor(Date.now() / 1000) - Number(d.headers['close-sig-timestamp'])).toBeGreaterThanOrEqual(590);
			// a further copy of an accepted retry (same bytes and headers) runs nothing
			const again = await postRaw(flow.url, accepted[0]!.rawBody, accepted[0]!.headers);
			expect({ status: again.status, refused: isRedeliveryAnswer(again.text) }).toEqual({ status: 200, refused: true });
			await sleep(3000);
			const final = await leadIdsRun(flow.id);
			for (const id of [String(before.id), ...ids]) expect({ id, runs: final.filter((x) => x === id).length }).toEqual({ id, runs: 1 });
			expect(ran.length).toBeLessThanOrEqual(final.length);
			a().closeDeliverySigning({ timestampOffsetSeconds: 0 });
			await env.n8n.deactivate(flow.id);
		}));

	test('a second workflow on an instance an active workflow holds gets the clear error; the first keeps receiving', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e one owner' });
			const first = await activeWorkflow('e2e owner: first', String(inst.id), 'openConnectors');
			const second = await activeWorkflow('e2e owner: second', String(inst.id), 'openConnectors');
			await env.n8n.activate(first.id);
			const error = (await env.n8n.activate(second.id).catch((e: unknown) => e)) as Error;
			expect(error).toBeInstanceOf(Error);
			// n8n 1.x answers the activate call with the error; 2.x publishes asynchronously, and the
			// harness then only sees "not published": the error is the one n8n registered for the
			// workflow (what the editor shows), read from /rest/active-workflows/error/:id. Not in the
			// 2.x run (scripts/e2e-cross-versions.sh): 2.40.7 with its default expression engine ends
			// this publication with an IsolateError of its own ("No bridge acquired", evaluating the
			// trigger's webhook method in getWorkflowWebhooks), not_published, no trigger status, and
			// nothing of our refusal reaches the API or the log (measured 2026-12-03; the note says more).
			const registered = error.message.includes(first.url)
				? error.message
				: JSON.stringify(await env.n8n.api.rest<unknown>('GET', `/active-workflows/error/${second.id}`).catch((e: Error) => e.message));
			process.stderr.write(`[e2e owner] n8n ${env.n8n.version}: second activation refused: ${error.message} | registered: ${registered}\n`);
			expect(registered).toContain(first.url);
			expect(registered).toContain(`instance ${String(inst.id)}`);
			const config = a().instances().find((i) => String(i.id) === String(inst.id))!.configuration as Record<string, unknown>;
			expect(config['event.notification.callback.url']).toBe(first.url);
			const lead = a().create('lead', { name: 'After the refused activation' });
			await eventually(async () => (await leadIdsRun(first.id)).includes(String(lead.id)), 'the first workflow still receives', 60_000);
			expect(await leadIdsRun(second.id)).toEqual([]);
			await env.n8n.deactivate(first.id);
		}));

	test('two workflows with Close Webhook Direct on one instance both receive', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e two direct' });
			const one = await activeWorkflow('e2e direct: one', String(inst.id), 'direct');
			const two = await activeWorkflow('e2e direct: two', String(inst.id), 'direct');
			await env.n8n.activate(one.id);
			await env.n8n.activate(two.id);
			const lead = a().create('lead', { name: 'For both' });
			for (const flow of [one, two]) {
				await eventually(async () => (await leadIdsRun(flow.id)).includes(String(lead.id)), `${flow.url} received`, 60_000);
			}
			await sleep(2000);
			for (const flow of [one, two]) expect((await leadIdsRun(flow.id)).filter((id) => id === String(lead.id))).toHaveLength(1);
			await env.n8n.deactivate(one.id);
			await env.n8n.deactivate(two.id);
		}));
});
