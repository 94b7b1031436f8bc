/**
 * The Close.io Trigger (webhook mode, delivery through Open Connectors) in n8n's QUEUE MODE:
 * Postgres + Redis + main + two `n8n webhook` processors + one `n8n worker` (harness/queue.ts), on
 * each version of QUEUE_N8N_VERSIONS (default: N8N_E2E_VERSION, else 1.123.81; `npm test` runs that one,
 * `.ci/run` adds CI_QUEUE_VERSIONS). Deliveries go to a webhook
 * processor (main serves no production webhook), executions run on the worker.
 *  - delivery (the sandbox's Close -> Open Connectors relay -> processor), redelivery (refused, no
 *    execution), forgeries (401, no execution), restart of the processor and of everything, each
 *    followed by a redelivery that must start nothing;
 *  - soak: QUEUE_SOAK_DELIVERIES (default 2,000) distinct deliveries + every 10th re-sent,
 *    QUEUE_SOAK_CONCURRENCY (default 12) in flight, through ONE processor: 0 lost, 0 duplicated;
 *  - two processors (n8n gives them no shared lock): QUEUE_RACE_DELIVERIES (default 200) deliveries
 *    sent to both at once, and as many sent to one then redelivered to the other: 0 lost and at most
 *    one execution per processor are asserted; the duplicates are counted and printed.
 * Figures (p50/p99 latency, executions/s, lost, duplicated) are printed, never asserted.
 * QUEUE_N8N_ENV=NAME=value,... passes n8n settings to every n8n process (e.g. N8N_EXPRESSION_ENGINE=legacy).
 */
import { randomUUID } from 'node:crypto';

import {
	KEEP_EXECUTIONS_ENV,
	type LoadReport,
	type Notification,
	TRIGGER_NODE,
	type TriggerSetup,
	driveLoad,
	isRedeliveryAnswer,
	makeNotifications,
	n8nSettingsFrom,
	percentile,
	setUpTrigger,
} from '../../bench/n8nWebhook';
import { startSandbox, type DeliveryRecord, type Sandbox } from '../../sandbox';
import { type Execution, type N8nInstance, nodeOutput } from '../e2e/harness/n8n';
import { type QueueCluster, startQueueCluster, withClusterLogs } from '../e2e/harness/queue';
import { analyse, postNotification as post } from '../e2e/support/deliveries';
import { postRaw } from '../e2e/support/env';
import { closeEventDigest, savedDigests } from '../helpers/seenDigests';

const VERSIONS = (process.env.QUEUE_N8N_VERSIONS || process.env.N8N_E2E_VERSION || '1.123.81').split(/[\s,]+/).filter(Boolean);
const SOAK_N = Number(process.env.QUEUE_SOAK_DELIVERIES ?? 2000);
const CONCURRENCY = Number(process.env.QUEUE_SOAK_CONCURRENCY ?? 12);
const REDELIVER_EVERY = 10;
const RACE_N = Number(process.env.QUEUE_RACE_DELIVERIES ?? 200);

jest.setTimeout(45 * 60_000);

const log = (s: string) => process.stderr.write(`[queue] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the workflow has at least `min` executions and their number has not moved for
 * `settleMs` (a late duplicate would show up meanwhile); returns them with data.
 */
async function settledExecutions(n8n: N8nInstance, workflowId: string, min: number, opts: { timeoutMs?: number; settleMs?: number } = {}): Promise<Execution[]> {
	const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
	const settleMs = opts.settleMs ?? 3000;
	let count = -1;
	let since = Date.now();
	for (;;) {
		const list = await n8n.executions(workflowId, { includeData: false });
		const running = list.some((e) => ['new', 'running', 'waiting'].includes(e.status));
		if (list.length !== count || running) {
			count = list.length;
			since = Date.now();
		} else if (count >= min && Date.now() - since >= settleMs) {
			return await n8n.executions(workflowId, { includeData: true });
		}
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: ${list.length} executions after ${opts.timeoutMs ?? 600_000} ms, wanted >= ${min} and settled`);
		await sleep(500);
	}
}

/**
 * Posts a notification until n8n accepts it (2xx), as a provider retries a refused delivery later:
 * up to 20 attempts, 2 s apart. Answers the last answer and how many attempts were refused.
 */
async function postUntilAccepted(url: string, n: Notification): Promise<{ status: number; body: string; refused: number }> {
	let refused = 0;
	for (;;) {
		const r = await post(url, n).catch((error: Error) => ({ status: 0, body: error.message }));
		if ((r.status >= 200 && r.status < 300) || refused >= 19) return { ...r, refused };
		refused++;
		await sleep(2000);
	}
}

const count = async (n8n: N8nInstance, workflowId: string) => (await n8n.executions(workflowId, { includeData: false })).length;

describe.each(VERSIONS)('queue mode on n8n %s: main + 2 webhook processors + worker, Postgres, Redis', (version) => {
	let sandbox: Sandbox;
	let cluster: QueueCluster;
	let setup: TriggerSetup;
	let captured: DeliveryRecord;
	const figures: string[] = [];
	const p = (i: number) => cluster.webhooks[i]!;
	const inProcessor = (url: string, i: number) => url.replace(/^http:\/\/127\.0\.0\.1:\d+/, p(i).url);
	const main = () => cluster.main;
	const a = () => sandbox.admin;

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, retryScale: 0.01 });
		cluster = await startQueueCluster({ version, webhookProcessors: 2, env: { ...KEEP_EXECUTIONS_ENV, ...n8nSettingsFrom(process.env.QUEUE_N8N_ENV) } });
		log(`n8n ${version}: queue cluster up in ${cluster.timings.start} ms (main ${main().url}, webhook ${cluster.webhooks.map((w) => w.url).join(' ')}, worker health :${cluster.worker.port})`);
		setup = await setUpTrigger(main(), sandbox, 'queue', { webhookBaseUrl: p(0).url, webhookId: randomUUID() });
	}, 30 * 60_000);

	afterAll(async () => {
		if (figures.length) log(`figures, n8n ${version}:\n  ${figures.join('\n  ')}`);
		await cluster?.stop();
		await sandbox?.close();
	});

	it('activation on main points the instance at the webhook processor; main serves no production webhook', () =>
		withClusterLogs(cluster, async () => {
			expect(setup.url.startsWith(`${p(0).url}/webhook/`)).toBe(true);
			const [n] = makeNotifications(1, { instanceId: setup.instanceId, signatureKey: setup.signatureKey });
			const onMain = await post(setup.url.replace(p(0).url, main().url), n!);
			expect(onMain.status).toBe(404);
			await sleep(1000);
			expect(await count(main(), setup.workflowId)).toBe(0);
		}));

	it('a lead change relayed by Open Connectors to the webhook processor runs once, on the worker, with its item', () =>
		withClusterLogs(cluster, async () => {
			const lead = a().create('lead', { name: 'Queue lead' });
			a().update('lead', String(lead.id), { description: 'changed in queue mode' });
			const updated = a()
				.events()
				.filter((e) => e.object_type === 'lead' && e.action === 'updated' && e.object_id === String(lead.id));
			expect(updated).toHaveLength(1);
			const executions = await settledExecutions(main(), setup.workflowId, 1);
			expect(executions).toHaveLength(1);
			expect(executions[0]).toMatchObject({ mode: 'webhook', status: 'success' });
			expect(nodeOutput(executions[0]!, TRIGGER_NODE)).toMatchObject([{ event: 'updated', object: 'lead', id: String(lead.id), deliveryId: updated[0]!.id }]);
			expect(nodeOutput(executions[0]!, 'Done')).toEqual(nodeOutput(executions[0]!, TRIGGER_NODE));
			// the worker ran it (main and the processor only enqueue in queue mode)
			expect(cluster.worker.logs()).toContain(executions[0]!.id);
			captured = a()
				.deliveries()
				.filter((d) => d.kind === 'openConnectors' && d.url === setup.url && d.status === 200)
				.at(-1)!;
			expect(captured).toBeDefined();
		}));

	it('a redelivery (same bytes, same headers) is answered 200 and starts no execution', () =>
		withClusterLogs(cluster, async () => {
			const before = await count(main(), setup.workflowId);
			const again = await postRaw(setup.url, captured.rawBody, captured.headers);
			expect(again.status).toBe(200);
			expect(isRedeliveryAnswer(again.text)).toBe(true);
			await sleep(3000);
			expect(await count(main(), setup.workflowId)).toBe(before);
		}));

	it('forged deliveries get 401 and start nothing', () =>
		withClusterLogs(cluster, async () => {
			const before = await count(main(), setup.workflowId);
			const body = JSON.parse(captured.rawBody);
			body.message.raw.event.id = 'ev_forged';
			const tampered = JSON.stringify(body);
			const { 'Elements-Webhook-Signature': signature, ...unsigned } = captured.headers;
			expect(signature).toMatch(/^sha256=/);
			for (const [what, headers] of [
				['body changed, original signature', captured.headers],
				['signature of another key', { ...unsigned, 'Elements-Webhook-Signature': 'sha256=' + Buffer.alloc(32, 7).toString('base64') }],
				['no signature', unsigned],
			] as Array<[string, Record<string, string>]>) {
				const r = await postRaw(setup.url, tampered, headers);
				expect(`${what}: ${r.status}`).toBe(`${what}: 401`);
			}
			await sleep(2000);
			expect(await count(main(), setup.workflowId)).toBe(before);
		}));

	/** Sends one new delivery a second after the last (the trigger saves its memory at most once a second) and waits for it. */
	async function deliverOneMore(i = 0): Promise<Notification> {
		await sleep(1100);
		const before = await count(main(), setup.workflowId);
		const [n] = makeNotifications(1, { instanceId: setup.instanceId, signatureKey: setup.signatureKey });
		const r = await postUntilAccepted(inProcessor(setup.url, i), n!);
		expect(r.status).toBe(200);
		expect(isRedeliveryAnswer(r.body)).toBe(false);
		const after = await settledExecutions(main(), setup.workflowId, before + 1, { settleMs: 1500 });
		expect(after.filter((e) => nodeOutput(e, TRIGGER_NODE).some((item) => item.deliveryId === n!.closeEventId))).toHaveLength(1);
		return n!;
	}

	async function expectRedeliveryRefused(what: string): Promise<void> {
		const capturedEventId = String(JSON.parse(captured.rawBody).message.raw.event.id);
		const stored = savedDigests((await main().getWorkflow(setup.workflowId)).staticData?.[`node:${TRIGGER_NODE}`]) ?? [];
		log(`n8n ${version}, ${what}: the workflow's static data holds ${stored.length} delivered keys, the captured event's ${stored.includes(closeEventDigest(capturedEventId)) ? 'among them' : 'NOT among them'}`);
		const before = await count(main(), setup.workflowId);
		let again = await postRaw(setup.url, captured.rawBody, captured.headers);
		// a process just started may still answer 503 "Database is not ready!": the provider retries
		for (let i = 0; i < 20 && again.status >= 500; i++) {
			await sleep(2000);
			again = await postRaw(setup.url, captured.rawBody, captured.headers);
		}
		expect(again.status).toBe(200);
		await sleep(3000);
		const after = await count(main(), setup.workflowId);
		figures.push(`${what}: redelivery answered ${again.status} ${again.text.slice(0, 60)}; executions ${before} -> ${after}`);
		expect({ refused: isRedeliveryAnswer(again.text), newExecutions: after - before }).toEqual({ refused: true, newExecutions: 0 });
	}

	it('after a restart of the webhook processor, a redelivery starts no execution, and deliveries go on', () =>
		withClusterLogs(cluster, async () => {
			await deliverOneMore();
			await p(0).restart();
			await expectRedeliveryRefused('restart of the webhook processor');
			await deliverOneMore();
		}));

	it('after a restart of everything (Postgres, Redis, main, worker, processors), a redelivery starts no execution, and deliveries go on', () =>
		withClusterLogs(cluster, async () => {
			await deliverOneMore();
			await cluster.restartAll();
			log(`n8n ${version}: everything restarted in ${cluster.timings.restarts.at(-1)} ms`);
			await expectRedeliveryRefused('restart of everything');
			await deliverOneMore();
		}));

	it(`soak: ${SOAK_N} distinct deliveries + every ${REDELIVER_EVERY}th redelivered, ${CONCURRENCY} in flight, through one processor: 0 lost, 0 duplicated`, () =>
		withClusterLogs(cluster, async () => {
			const soak = await setUpTrigger(main(), sandbox, 'queue soak', { webhookBaseUrl: p(0).url, webhookId: randomUUID() });
			const notifications = makeNotifications(SOAK_N, { instanceId: soak.instanceId, signatureKey: soak.signatureKey });
			const report: LoadReport = await driveLoad(soak.url, notifications, {
				concurrency: CONCURRENCY,
				redeliverEvery: REDELIVER_EVERY,
				retries: 3,
				timeoutMs: 60_000,
				onProgress: (done, ms) => log(`  ${done} answered in ${(ms / 1000).toFixed(0)} s`),
			});
			// n8n refuses deliveries (503) while it believes its database is away: the provider retries them later
			const accepted = new Set(report.results.filter((r) => !r.redelivery && r.status === 200).map((r) => r.index));
			const refusedAtLoad = notifications.filter((_, i) => !accepted.has(i));
			const late = await Promise.all(refusedAtLoad.map((n) => postUntilAccepted(soak.url, n)));
			const executions = await settledExecutions(main(), soak.workflowId, SOAK_N, { settleMs: 5000 });
			const result = analyse(notifications, executions);
			const redeliveries = report.results.filter((r) => r.redelivery);
			const failedAttempts = report.results.filter((r) => r.status !== 200);
			const statuses = [...new Set(failedAttempts.map((r) => `${r.status} ${r.error ?? r.body.slice(0, 60)}`))];
			const refused = redeliveries.filter((r) => r.status === 200 && isRedeliveryAnswer(r.body));
			const stopped = executions.map((e) => Date.parse(e.stoppedAt ?? '')).filter(Number.isFinite);
			const completeSeconds = (Math.max(...stopped) - report.startedAt) / 1000;
			figures.push(
				`soak (one processor): ${SOAK_N} deliveries + ${redeliveries.length} redeliveries = ${report.results.length} requests in ${(report.durationMs / 1000).toFixed(1)} s ` +
					`(${((report.results.length / report.durationMs) * 1000).toFixed(1)} requests/s), concurrency ${CONCURRENCY}; ` +
					`executions ${result.executions} finished by ${completeSeconds.toFixed(1)} s = ${(result.executions / completeSeconds).toFixed(1)}/s; ` +
					`lost ${result.lost.length}, duplicated ${result.duplicated.length}, failed ${result.failed.length}; redeliveries refused ${refused.length}/${redeliveries.length}; ` +
					`non-200 attempts ${failedAttempts.length} (${statuses.join(' | ')}), ${refusedAtLoad.length} deliveries accepted only by a later retry; latency p50 ${percentile(report.latencies, 50).toFixed(1)} ms, p99 ${percentile(report.latencies, 99).toFixed(1)} ms`,
			);
			log(figures.at(-1)!);
			// refused, never half-taken: n8n's only refusals were "retry later" (5xx), and each was taken later
			expect(failedAttempts.filter((r) => r.status < 500)).toEqual([]);
			expect(late.filter((r) => r.status !== 200)).toEqual([]);
			expect(late.filter((r) => isRedeliveryAnswer(r.body))).toEqual([]);
			expect({ lost: result.lost, failed: result.failed, duplicated: result.duplicated }).toEqual({ lost: [], failed: [], duplicated: [] });
			expect(refused).toHaveLength(Math.ceil(SOAK_N / REDELIVER_EVERY));
			expect(result.strangers).toEqual([]);
			expect(result.executions).toBe(SOAK_N);
		}));

	it(`two webhook processors, no shared lock: ${RACE_N} deliveries sent to both at once, ${RACE_N} redelivered to the other one: 0 lost, at most one execution per processor`, () =>
		withClusterLogs(cluster, async () => {
			const race = await setUpTrigger(main(), sandbox, 'queue race', { webhookBaseUrl: p(0).url, webhookId: randomUUID() });
			const urls = [inProcessor(race.url, 0), inProcessor(race.url, 1)];
			const sign = (n: number) => makeNotifications(n, { instanceId: race.instanceId, signatureKey: race.signatureKey });
			const inBatches = async <T>(items: T[], fn: (item: T, i: number) => Promise<unknown>) => {
				for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map((item, j) => fn(item, i + j)));
			};
			const statuses: number[] = [];
			// 1. the SAME delivery to both processors at the same instant (a provider retrying on a timeout
			//    while the first attempt is still in flight, behind a load balancer)
			const simultaneous = sign(RACE_N);
			await inBatches(simultaneous, async (n) => {
				const answers = await Promise.all(urls.map((u) => postUntilAccepted(u, n)));
				statuses.push(...answers.map((r) => r.status));
			});
			// 2. deliveries spread over both, then each redelivered to the OTHER processor once everything
			//    was answered and the memory's save interval (1 s) has passed
			const spread = sign(RACE_N);
			await inBatches(spread, async (n, i) => statuses.push((await postUntilAccepted(urls[i % 2]!, n)).status));
			await sleep(2000);
			const crossAnswers: string[] = [];
			await inBatches(spread, async (n, i) => {
				const r = await postUntilAccepted(urls[(i + 1) % 2]!, n);
				statuses.push(r.status);
				crossAnswers.push(r.body);
			});
			// 3. the same redeliveries to the processor that took the original: its own memory refuses them
			const sameAnswers: string[] = [];
			await inBatches(spread, async (n, i) => {
				const r = await postUntilAccepted(urls[i % 2]!, n);
				statuses.push(r.status);
				sameAnswers.push(r.body);
			});
			const executions = await settledExecutions(main(), race.workflowId, 2 * RACE_N, { settleMs: 5000 });
			const both = analyse(simultaneous, executions);
			const cross = analyse(spread, executions);
			const maxTimes = (r: ReturnType<typeof analyse>) => Math.max(1, ...r.duplicated.map((d) => d.times));
			figures.push(
				`two processors, same delivery to both at once: ${RACE_N} events -> ${both.duplicated.length} ran twice (${((100 * both.duplicated.length) / RACE_N).toFixed(1)}%), lost ${both.lost.length}`,
				`two processors, redelivery to the other processor >= 2 s later: ${RACE_N} events -> ${cross.duplicated.length} ran twice (${((100 * cross.duplicated.length) / RACE_N).toFixed(1)}%), ` +
					`${crossAnswers.filter(isRedeliveryAnswer).length} refused; redelivery to the same processor: ${sameAnswers.filter(isRedeliveryAnswer).length}/${RACE_N} refused; lost ${cross.lost.length}`,
			);
			log(figures.slice(-2).join('\n'));
			expect(statuses.filter((s) => s !== 200)).toEqual([]);
			expect({ lost: [...both.lost, ...cross.lost], failed: both.failed }).toEqual({ lost: [], failed: [] });
			// what holds without a lock: each processor's own memory admits an event once
			expect(maxTimes(both)).toBeLessThanOrEqual(2);
			expect(maxTimes(cross)).toBeLessThanOrEqual(2);
			expect(sameAnswers.filter(isRedeliveryAnswer)).toHaveLength(RACE_N);
		}));
});
