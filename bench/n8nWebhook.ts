// Webhook deliveries through a REAL n8n (issue 6): our Close.io Trigger (webhook mode, delivery
// openConnectors) vs n8n's own Webhook node, on ONE n8n, same signed Open Connectors notifications,
// same concurrency, alternating rounds. Also the load generator the soak test
// (test/e2e/soak.test.ts) drives n8n with, so both measure the same thing.
//
// `npm run bench` runs benchN8nWebhooks() last; alone: `npx tsx bench/n8nWebhook.ts`.
// Knobs: BENCH_N8N_ROUNDS (per side, default 5), BENCH_N8N_PER_ROUND (default 500),
// BENCH_N8N_CONCURRENCY (default 12), BENCH_N8N_SETTLE_MS (pause between sides, default 2000),
// BENCH_N8N_PACKAGE_DIR (pack that folder instead of the repo), BENCH_N8N_CONFIGS (the n8n set-ups,
// `version[:NAME=value,...]` separated by `;`; default DEFAULT_BENCH_CONFIGS: 1.x, 2.x as installed,
// 2.x with its best operator setting), BENCH_N8N_2X_ROUNDS / BENCH_N8N_2X_PER_ROUND (2.x rounds,
// default 5 x 200), or the older single-set-up knobs N8N_E2E_VERSION + BENCH_N8N_ENV (NAME=value,...).

import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { signOpenConnectors } from '../lib/webhooks/signatures';
import { spread } from './stats';
import { SEEN_PERSISTED } from '../nodes/CloseIoTrigger/webhook/memory';
import { deriveSignatureKey } from '../lib/webhooks/webhookLifecycle';
import { startSandbox, type Sandbox } from '../sandbox';
import {
	type Execution,
	type N8nInstance,
	type N8nOptions,
	type WorkflowJson,
	REPO_ROOT,
	startN8n,
} from '../test/e2e/harness/n8n';

// ---------------------------------------------------------------- payloads

export interface Notification {
	/** The exact bytes sent (a redelivery re-sends them unchanged). */
	body: Buffer;
	/** `sha256=<base64 HMAC-SHA256>` of body with the trigger's derived key. */
	signature: string;
	/** Open Connectors' message.eventId (a uuid). */
	notificationId: string;
	/** Close's event id inside `raw`: the trigger's idempotency key and the item's deliveryId. */
	closeEventId: string;
	leadId: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(bytes: number): string {
	return [...randomBytes(bytes)].map((b) => BASE62[b % 62]).join('');
}

function closeDate(us: number, offset: boolean): string {
	const d = new Date(Math.floor(us / 1000));
	const s = `${d.toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}`;
	return offset ? `${s}+00:00` : s;
}

/**
 * `count` DISTINCT Open Connectors notifications of Close lead updates, as the platform relays them:
 * `{message: {eventId, elementKey, instanceId, events: [{objectType: 'accounts', objectId,
 * eventType: 'UPDATED'}], raw: <Close's current-format delivery, unique event id>}}`, signed.
 * Leads repeat (a pool of `leads`), each update with its own event id and date: the trigger must key
 * on the event, not on the record.
 */
export function makeNotifications(
	count: number,
	opts: { instanceId: number | string; signatureKey: string; leads?: number; startMicros?: number },
): Notification[] {
	const leadPool = Array.from({ length: Math.max(1, opts.leads ?? 500) }, () => `lead_${base62(22)}`);
	const t0 = opts.startMicros ?? Date.now() * 1000;
	const out: Notification[] = [];
	const ids = new Set<string>();
	for (let i = 0; i < count; i++) {
		let closeEventId = `ev_${base62(22)}`;
		while (ids.has(closeEventId)) closeEventId = `ev_${base62(22)}`;
		ids.add(closeEventId);
		const leadId = leadPool[i % leadPool.length]!;
		const us = t0 + i * 137;
		const raw = {
			subscription_id: 'whsub_soak0000000000000000000',
			event: {
				id: closeEventId,
				object_type: 'lead',
				object_id: leadId,
				action: 'updated',
				lead_id: leadId,
				organization_id: 'orga_5Tg7Hj2Kl9Mn4Pq8Rs3Vx6',
				user_id: 'user_3Wd8Fg2Hk7Jm5Nb9Vc4Xz1',
				request_id: `req_${base62(22)}`,
				date_created: closeDate(us, false),
				date_updated: closeDate(us, false),
				changed_fields: ['status_id', 'status_label'],
				previous_data: { status_id: 'stat_Potential', status_label: 'Potential' },
				data: {
					id: leadId,
					display_name: `Soak lead ${i % leadPool.length}`,
					status_id: 'stat_Qualified',
					status_label: 'Qualified',
					date_created: '2026-02-11T09:30:02.118204+00:00',
					date_updated: closeDate(us - 2, true),
					contacts: [],
					custom: { sequence: i },
				},
				meta: { request_method: 'PUT', request_path: `/api/v1/lead/${leadId}/` },
			},
		};
		const notificationId = randomUUID();
		const body = Buffer.from(
			JSON.stringify({
				message: {
					eventId: notificationId,
					elementKey: 'closeio',
					instanceId: Number(opts.instanceId),
					events: [
						{ objectType: 'accounts', objectId: leadId, eventType: 'UPDATED', elementKey: 'closeio', date: new Date(us / 1000).toISOString() },
					],
					raw,
				},
			}),
		);
		out.push({ body, signature: signOpenConnectors(opts.signatureKey, body), notificationId, closeEventId, leadId });
	}
	return out;
}

// ---------------------------------------------------------------- load generator

export interface SendResult {
	index: number;
	redelivery: boolean;
	attempt: number;
	status: number; // 0 = network error
	body: string;
	ms: number;
	error?: string;
}

export interface LoadReport {
	/** Epoch ms of the first request. */
	startedAt: number;
	/** Until the last response. */
	durationMs: number;
	results: SendResult[];
	originals: number;
	redeliveries: number;
	/** The deadline stopped the run before every notification was sent. */
	timedOut: boolean;
	/** Latencies (ms) of successful (200) requests, sorted. */
	latencies: number[];
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i]!;
}

function post(agent: http.Agent, url: URL, n: Notification, timeoutMs: number): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				agent,
				host: url.hostname,
				port: url.port,
				path: url.pathname + url.search,
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'content-length': String(n.body.length),
					'elements-webhook-id': n.notificationId,
					'elements-webhook-signature': n.signature,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(n.body);
	});
}

/**
 * Sends every notification once to `url` with `concurrency` requests in flight (keep-alive,
 * loopback); with `redeliverEvery = k`, every k-th notification is re-sent (same bytes) once its
 * first delivery was answered 2xx, ahead of the remaining originals (as a provider's retry would).
 * A failed original (network error or non-2xx) is retried up to `retries` times, like a provider;
 * every attempt is in `results`. Stops taking work at `deadlineMs` (then `timedOut`).
 */
export async function driveLoad(
	url: string,
	notifications: Notification[],
	opts: {
		concurrency: number;
		redeliverEvery?: number;
		deadlineMs?: number;
		retries?: number;
		timeoutMs?: number;
		/** Called every `progressEvery` answered requests (default 1000). */
		onProgress?: (answered: number, elapsedMs: number) => void;
		progressEvery?: number;
		/**
		 * Send at the rate n8n sustains: no new original while more than `max` deliveries that started an
		 * execution wait for it to finish (`finished()`: n8n's count, asked every `everyMs`, default 500).
		 */
		backlog?: { max: number; finished: () => Promise<number>; everyMs?: number };
	},
): Promise<LoadReport> {
	type Job = { index: number; redelivery: boolean; attempt: number };
	const target = new URL(url);
	const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
	const results: SendResult[] = [];
	const urgent: Job[] = []; // redeliveries and retries go before the remaining originals
	let next = 0;
	let inFlight = 0;
	let timedOut = false;
	const deadline = Date.now() + (opts.deadlineMs ?? Number.POSITIVE_INFINITY);
	const startedAt = Date.now();
	let last = startedAt;

	let started = 0;
	let finished = 0;
	let pacing = true;
	const backlog = opts.backlog;
	const watcher = backlog
		? (async () => {
				while (pacing) {
					finished = await backlog.finished().catch(() => finished);
					await new Promise((r) => setTimeout(r, backlog.everyMs ?? 500));
				}
			})()
		: undefined;
	// Redeliveries and retries start no execution: they never wait for the backlog.
	const full = () => backlog !== undefined && started - finished >= backlog.max;
	const take = (): Job | undefined => {
		if (urgent.length > 0) return urgent.shift();
		if (next < notifications.length && !full()) return { index: next++, redelivery: false, attempt: 1 };
		return undefined;
	};
	const one = async (job: Job): Promise<void> => {
		const n = notifications[job.index]!;
		const t0 = performance.now();
		let r: SendResult;
		try {
			const res = await post(agent, target, n, opts.timeoutMs ?? 30_000);
			r = { ...job, status: res.status, body: res.body, ms: performance.now() - t0 };
		} catch (error) {
			r = { ...job, status: 0, body: '', ms: performance.now() - t0, error: (error as Error).message };
		}
		last = Date.now();
		results.push(r);
		if (!job.redelivery && r.status === 200 && !isRedeliveryAnswer(r.body)) started++;
		if (opts.onProgress && results.length % (opts.progressEvery ?? 1000) === 0) opts.onProgress(results.length, last - startedAt);
		if (job.redelivery) return;
		if (r.status < 200 || r.status >= 300) {
			if (job.attempt <= (opts.retries ?? 0)) urgent.push({ ...job, attempt: job.attempt + 1 });
		} else if (opts.redeliverEvery && job.index % opts.redeliverEvery === 0) {
			urgent.push({ index: job.index, redelivery: true, attempt: 1 });
		}
	};
	const run = async (): Promise<void> => {
		for (;;) {
			if (Date.now() > deadline) {
				if (next < notifications.length || urgent.length > 0) timedOut = true;
				return;
			}
			const job = take();
			if (!job) {
				if (inFlight === 0 && next >= notifications.length) return; // nothing left, and nothing in flight can queue more
				await new Promise((r) => setTimeout(r, 1));
				continue;
			}
			inFlight++;
			try {
				await one(job);
			} finally {
				inFlight--;
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: opts.concurrency }, () => run()));
	} finally {
		pacing = false;
		await watcher;
		agent.destroy();
	}
	const latencies = results
		.filter((r) => r.status === 200)
		.map((r) => r.ms)
		.sort((a, b) => a - b);
	return {
		startedAt,
		durationMs: last - startedAt,
		results,
		originals: results.filter((r) => !r.redelivery && r.attempt === 1).length,
		redeliveries: results.filter((r) => r.redelivery).length,
		timedOut,
		latencies,
	};
}

// ---------------------------------------------------------------- n8n + sandbox set-up

export const TRIGGER_WORKFLOW_FILE = path.join(REPO_ROOT, 'test', 'e2e', 'workflows', 'soak-webhook.json');
export const N8N_WEBHOOK_WORKFLOW_FILE = path.join(__dirname, 'n8n-webhook-node.json');
export const TRIGGER_NODE = 'Close.io Trigger';
/** Our trigger's answer to a delivery that started an execution (it answers every request itself). */
export const STARTED_BODY = { received: true, executions: 1 };
/** Our trigger's answer to a delivery whose events were all delivered before (no execution). */
export const REDELIVERY_BODY = { received: true, executions: 0 };

export function isRedeliveryAnswer(body: string): boolean {
	try {
		const parsed = JSON.parse(body) as Record<string, unknown>;
		return parsed?.received === true && parsed?.executions === 0;
	} catch {
		return false;
	}
}

/**
 * Executions must not be pruned while they are counted: n8n 1.x prunes by default
 * (EXECUTIONS_DATA_PRUNE=true, max age 336 h, EXECUTIONS_DATA_PRUNE_MAX_COUNT=10000, soft-delete
 * pass every 60 min): a 10,000-delivery soak is right at the count limit.
 */
export const KEEP_EXECUTIONS_ENV: Record<string, string> = {
	EXECUTIONS_DATA_PRUNE: 'false',
	EXECUTIONS_DATA_PRUNE_MAX_COUNT: '0',
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
};

/** `NAME=value,NAME=value` (an environment variable's text) -> settings for startN8n's env. */
export function n8nSettingsFrom(text: string | undefined): Record<string, string> {
	return Object.fromEntries(
		(text ?? '')
			.split(',')
			.filter((pair) => pair.includes('='))
			.map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
	);
}

export function loadWorkflow(file: string, vars: Record<string, string>): WorkflowJson {
	let text = fs.readFileSync(file, 'utf8');
	for (const [k, v] of Object.entries(vars)) text = text.split(k).join(v);
	return JSON.parse(text) as WorkflowJson;
}

export interface TriggerSetup {
	credentialId: string;
	instanceId: string;
	workflowId: string;
	/** The trigger's production webhook URL, as the node registered it as the instance's callback. */
	url: string;
	/** The instance's `event.notification.signature.key` as activation set it. */
	signatureKey: string;
	/** Which deriveSignatureKey(userSecret + '\0' + organizationSecret, <scope>) it equals. */
	derivedFrom: 'webhookId' | 'url' | 'unknown';
}

/** The webhook id soak-webhook.json gives its trigger (the path of its production URL). */
const SOAK_WEBHOOK_ID = '5e0a7c1d-2b3f-4d6e-8a9b-0c1d2e3f4aaa';

/**
 * Credential + a sandbox Close.io instance + the soak workflow (trigger -> NoOp), activated.
 * `webhookBaseUrl`: where n8n's production webhooks are served (default n8n.url; queue mode: a
 * webhook processor); `webhookId`: another path, so several such workflows can be active at once.
 */
export async function setUpTrigger(
	n8n: N8nInstance,
	sandbox: Sandbox,
	name = 'soak',
	opts: { webhookBaseUrl?: string; webhookId?: string } = {},
): Promise<TriggerSetup> {
	const s = sandbox.secrets;
	const credentialName = `Open Connectors sandbox (${name})`;
	const { id: credentialId } = await n8n.createCredential('openConnectorsApi', credentialName, {
		environment: 'custom',
		baseUrl: sandbox.ocBaseUrl,
		userSecret: s.userSecret,
		organizationSecret: s.organizationSecret,
		closeApiKey: s.closeApiKey,
		closePassword: s.closePassword,
		closeBaseUrl: sandbox.closeBaseUrl,
	});
	const instance = sandbox.admin.createInstance({ name: `${name} instance` });
	const instanceId = String(instance.id);
	const wf = loadWorkflow(TRIGGER_WORKFLOW_FILE, {
		__INSTANCE_ID__: instanceId,
		__CREDENTIAL_ID__: credentialId,
		__CREDENTIAL_NAME__: credentialName,
		[SOAK_WEBHOOK_ID]: opts.webhookId ?? SOAK_WEBHOOK_ID,
	});
	const { id: workflowId } = await n8n.importWorkflow({ ...wf, name: `${wf.name} [${name}]` });
	await n8n.activate(workflowId);
	const stored = sandbox.admin.instances().find((i) => String(i.id) === instanceId) as unknown as { configuration: Record<string, unknown> };
	const url = stored?.configuration?.['event.notification.callback.url'];
	if (typeof url !== 'string' || !url.startsWith(`${opts.webhookBaseUrl ?? n8n.url}/webhook/`)) {
		throw new Error(`activation did not point instance ${instanceId} at n8n: callback ${JSON.stringify(url)}`);
	}
	// Open Connectors signs with the key activation configured on the instance: sign with exactly that,
	// and say which derivation of the trigger's it is (the node's webhook id since commit 1871410,
	// the webhook URL before).
	const signatureKey = stored.configuration['event.notification.signature.key'];
	if (typeof signatureKey !== 'string' || signatureKey === '') {
		throw new Error(`activation configured no signature key on instance ${instanceId}`);
	}
	const material = `${s.userSecret}\u0000${s.organizationSecret}`;
	const webhookId = String(wf.nodes.find((node) => node.name === TRIGGER_NODE)?.webhookId ?? '');
	const derivedFrom = signatureKey === deriveSignatureKey(material, webhookId) ? 'webhookId' : signatureKey === deriveSignatureKey(material, url) ? 'url' : 'unknown';
	return { credentialId, instanceId, workflowId, url, signatureKey, derivedFrom };
}

/**
 * Waits until `workflowId` has at least `count` finished executions and the number stays put for
 * `settleMs` (executions started late by a duplicate would show up meanwhile). Listing only
 * (no data): the public API leaves running executions out.
 */
export async function waitForExecutionCount(
	n8n: N8nInstance,
	workflowId: string,
	count: number,
	opts: { timeoutMs?: number; settleMs?: number; pollMs?: number } = {},
): Promise<Execution[]> {
	const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
	let list: Execution[] = [];
	for (;;) {
		list = await n8n.executions(workflowId, { includeData: false });
		if (list.length >= count) break;
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: ${list.length} executions after ${opts.timeoutMs ?? 300_000} ms, wanted ${count}`);
		await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
	}
	await new Promise((r) => setTimeout(r, opts.settleMs ?? 0));
	return opts.settleMs ? await n8n.executions(workflowId, { includeData: false }) : list;
}

export function summarize(label: string, report: LoadReport): string {
	const ok = report.results.filter((r) => r.status === 200).length;
	const rate = (report.results.length / report.durationMs) * 1000;
	return (
		`${label}: ${report.results.length} requests (${ok} x 200) in ${(report.durationMs / 1000).toFixed(1)} s = ` +
		`${rate.toFixed(0)}/s, p50 ${percentile(report.latencies, 50).toFixed(1)} ms, p99 ${percentile(report.latencies, 99).toFixed(1)} ms`
	);
}

// ---------------------------------------------------------------- the bench

function line(label: string, value: string): void {
	console.log(`${label.padEnd(58)} ${value}`);
}

function ms(iso: string | null | undefined): number {
	return iso ? Date.parse(iso) : NaN;
}

interface SideStats {
	requests: number;
	sendMs: number;
	/** First request -> last of the round's executions stopped. */
	completeMs: number;
	latencies: number[];
}

/** One n8n set-up the bench compares both sides on. */
export interface BenchConfig {
	/** n8n version (scripts/install-n8n.sh installs it). */
	version: string;
	/** n8n settings, e.g. { N8N_EXPRESSION_ENGINE: 'legacy' }. */
	env: Record<string, string>;
	rounds: number;
	perRound: number;
}

export interface BenchResult {
	config: BenchConfig;
	ours: { rate: number; completedRate: number; p50: number; p99: number };
	theirs: { rate: number; completedRate: number; p50: number; p99: number };
	/** Each round's ours / n8n ratio: answered per second, executions finished per second. */
	rounds: { answered: number[]; finished: number[] };
}

/**
 * `version[:NAME=value,NAME=value]` separated by `;` -> configs. Default: n8n 1.123.81, 2.40.7 as
 * installed, and 2.40.7 with the best operator setting measured (docs/maintainers/performance.md).
 */
export function benchConfigsFrom(text: string | undefined, defaults: { rounds: number; perRound: number; rounds2x: number; perRound2x: number }): BenchConfig[] {
	return (text ?? '')
		.split(';')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => {
			const at = part.indexOf(':');
			const version = at < 0 ? part : part.slice(0, at);
			const major = Number.parseInt(version, 10);
			return {
				version,
				env: n8nSettingsFrom(at < 0 ? '' : part.slice(at + 1)),
				rounds: major >= 2 ? defaults.rounds2x : defaults.rounds,
				perRound: major >= 2 ? defaults.perRound2x : defaults.perRound,
			};
		});
}

/** The operator setting that gave 2.x its best ratio here (docs/maintainers/performance.md: the table). */
export const BEST_2X_SETTING = 'N8N_EXPRESSION_ENGINE=legacy';
export const DEFAULT_BENCH_CONFIGS = `1.123.81;2.40.7;2.40.7:${BEST_2X_SETTING}`;

export async function benchN8nWebhooks(): Promise<void> {
	const rounds = Number(process.env.BENCH_N8N_ROUNDS ?? 5);
	const perRound = Number(process.env.BENCH_N8N_PER_ROUND ?? 500);
	// n8n 2.x with its default expression engine answers a community trigger slower (an isolate per
	// request, see docs/maintainers/performance.md): smaller rounds keep the bench within minutes
	const defaults = {
		rounds,
		perRound,
		rounds2x: Number(process.env.BENCH_N8N_2X_ROUNDS ?? rounds),
		perRound2x: Number(process.env.BENCH_N8N_2X_PER_ROUND ?? Math.min(perRound, 200)),
	};
	// BENCH_N8N_CONFIGS picks the n8n set-ups; N8N_E2E_VERSION / BENCH_N8N_ENV alone run that one
	const single = process.env.N8N_E2E_VERSION || process.env.BENCH_N8N_ENV ? `${process.env.N8N_E2E_VERSION || '1.123.81'}:${process.env.BENCH_N8N_ENV ?? ''}` : undefined;
	const configs = benchConfigsFrom(process.env.BENCH_N8N_CONFIGS ?? single ?? DEFAULT_BENCH_CONFIGS, defaults);
	const results: BenchResult[] = [];
	for (const config of configs) results.push(await benchOne(config));
	console.log(`\n## Webhooks through a real n8n: summary (ratios side by side; load average ${loadAverage()})`);
	line('n8n, settings', 'ours / n8n per round, min / median / max: answered/s; executions finished/s; all rounds: answered/s ours / n8n, p50 ours / n8n');
	for (const r of results) {
		line(
			`${r.config.version}${Object.keys(r.config.env).length ? ` ${Object.entries(r.config.env).map(([k, v]) => `${k}=${v}`).join(',')}` : ' (default)'} (${r.rounds.answered.length} rounds)`,
			`${spread(r.rounds.answered)}; ${spread(r.rounds.finished)}; ` +
				`${r.ours.rate.toFixed(0)} / ${r.theirs.rate.toFixed(0)}, ${r.ours.p50.toFixed(0)} / ${r.theirs.p50.toFixed(0)} ms`,
		);
	}
}

function loadAverage(): string {
	try {
		return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
	} catch {
		return 'unknown';
	}
}

async function benchOne(config: BenchConfig): Promise<BenchResult> {
	const { rounds, perRound } = config;
	const concurrency = Number(process.env.BENCH_N8N_CONCURRENCY ?? 12);
	const settleMs = Number(process.env.BENCH_N8N_SETTLE_MS ?? 2000);
	console.log(
		`\n## Webhooks through a real n8n ${config.version} (issue 6): our trigger vs n8n's Webhook node, one n8n, ` +
			`${rounds} alternating rounds x ${perRound} deliveries per side, ${concurrency} in flight (load average ${loadAverage()})`,
	);
	const t0 = Date.now();
	const sandbox = await startSandbox({ port: 0 });
	let n8n: N8nInstance | undefined;
	try {
		// BENCH_N8N_PACKAGE_DIR: pack another build of the package (e.g. a patched copy) to compare
		const packageDir = process.env.BENCH_N8N_PACKAGE_DIR || undefined;
		const extraEnv = config.env;
		// BENCH_N8N_START_TIMEOUT_MS: a loaded machine can take n8n 2.x past the harness's 3 minutes to start
		const startTimeoutMs = process.env.BENCH_N8N_START_TIMEOUT_MS ? Number(process.env.BENCH_N8N_START_TIMEOUT_MS) : undefined;
		n8n = await startN8n({ version: config.version, env: { ...KEEP_EXECUTIONS_ENV, ...extraEnv }, startTimeoutMs, ...(packageDir ? { packageDir } : {}) } satisfies N8nOptions);
		if (packageDir) line('package', `packed from ${packageDir}`);
		if (Object.keys(extraEnv).length > 0) line('n8n settings', JSON.stringify(extraEnv));
		const trigger = await setUpTrigger(n8n, sandbox, 'bench');
		const { id: webhookWorkflowId } = await n8n.importWorkflow(loadWorkflow(N8N_WEBHOOK_WORKFLOW_FILE, {}));
		await n8n.activate(webhookWorkflowId);
		const sides = {
			ours: { name: 'Close.io Trigger (ours)', url: trigger.url, workflowId: trigger.workflowId },
			n8n: { name: "n8n's Webhook node", url: n8n.webhookUrl('bench-n8n-webhook'), workflowId: webhookWorkflowId },
		};
		line('n8n', `${n8n.version}, started in ${(n8n.timings.start / 1000).toFixed(1)} s`);

		const expected = { ours: 0, n8n: 0 };
		const lastId = { ours: 0, n8n: 0 };
		const stats: Record<'ours' | 'n8n', SideStats[]> = { ours: [], n8n: [] };
		const roundRatios: BenchResult['rounds'] = { answered: [], finished: [] };
		const runSide = async (side: 'ours' | 'n8n', payloads: Notification[], record: boolean): Promise<void> => {
			const s = sides[side];
			const report = await driveLoad(s.url, payloads, { concurrency, timeoutMs: 60_000 });
			const bad = report.results.filter((r) => r.status !== 200 || isRedeliveryAnswer(r.body));
			if (bad.length > 0) {
				throw new Error(`${s.name}: ${bad.length} deliveries not started, e.g. ${JSON.stringify(bad.slice(0, 3))}`);
			}
			expected[side] += payloads.length;
			// Let this side's executions finish before the other side starts: rounds do not overlap.
			const all = await waitForExecutionCount(n8n!, s.workflowId, expected[side], { timeoutMs: 600_000, pollMs: 250 });
			// n8n goes on working after the last execution shows as finished (measured: without a pause
			// the side sent first in a round ran 15-20% slower, whichever it was).
			await new Promise((r) => setTimeout(r, settleMs));
			const mine = all.filter((e) => Number(e.id) > lastId[side]);
			lastId[side] = Math.max(lastId[side], ...mine.map((e) => Number(e.id)));
			if (mine.length !== payloads.length) throw new Error(`${s.name}: ${mine.length} executions for ${payloads.length} deliveries`);
			if (!record) return;
			const stopped = Math.max(...mine.map((e) => ms(e.stoppedAt)));
			stats[side].push({ requests: payloads.length, sendMs: report.durationMs, completeMs: stopped - report.startedAt, latencies: report.latencies });
		};

		// Warm-up, not recorded: JIT, connection pools, sqlite pages; and ours up to its steady state, a
		// full memory of SEEN_PERSISTED keys in static data (what a long-running trigger carries).
		// BENCH_N8N_WARMUP: fewer (a loaded machine, a slow 2.x); below SEEN_PERSISTED ours runs lighter
		const warmCount = Number(process.env.BENCH_N8N_WARMUP ?? SEEN_PERSISTED);
		const warm = makeNotifications(warmCount, { instanceId: trigger.instanceId, signatureKey: trigger.signatureKey });
		await runSide('ours', warm, false);
		await runSide('n8n', warm.slice(0, Math.min(300, warmCount)), false);
		for (let round = 0; round < rounds; round++) {
			// the same signed bytes to both sides; distinct per round (the trigger drops repeats)
			const payloads = makeNotifications(perRound, { instanceId: trigger.instanceId, signatureKey: trigger.signatureKey });
			const order: Array<'ours' | 'n8n'> = round % 2 === 0 ? ['ours', 'n8n'] : ['n8n', 'ours'];
			for (const side of order) await runSide(side, payloads, true);
			const last = (side: 'ours' | 'n8n') => stats[side][stats[side].length - 1]!;
			roundRatios.answered.push(last('n8n').sendMs / last('ours').sendMs);
			roundRatios.finished.push(last('n8n').completeMs / last('ours').completeMs);
			line(
				`round ${round + 1} (${order.join(' then ')}): answered/s, finished/s ours / n8n`,
				`${((perRound / last('ours').sendMs) * 1000).toFixed(0)} / ${((perRound / last('n8n').sendMs) * 1000).toFixed(0)}, ` +
					`${((perRound / last('ours').completeMs) * 1000).toFixed(0)} / ${((perRound / last('n8n').completeMs) * 1000).toFixed(0)}`,
			);
		}
		const agg = (side: 'ours' | 'n8n') => {
			const xs = stats[side];
			const requests = xs.reduce((a, x) => a + x.requests, 0);
			const lat = xs.flatMap((x) => x.latencies).sort((a, b) => a - b);
			return {
				rate: (requests / xs.reduce((a, x) => a + x.sendMs, 0)) * 1000,
				completedRate: (requests / xs.reduce((a, x) => a + x.completeMs, 0)) * 1000,
				p50: percentile(lat, 50),
				p99: percentile(lat, 99),
			};
		};
		const ours = agg('ours');
		const theirs = agg('n8n');
		line('deliveries/s (answered), ours / n8n Webhook', `${ours.rate.toFixed(0)} / ${theirs.rate.toFixed(0)}`);
		line('executions finished/s, ours / n8n Webhook', `${ours.completedRate.toFixed(0)} / ${theirs.completedRate.toFixed(0)}`);
		line('latency p50, ours / n8n Webhook', `${ours.p50.toFixed(1)} ms / ${theirs.p50.toFixed(1)} ms`);
		line('latency p99, ours / n8n Webhook', `${ours.p99.toFixed(1)} ms / ${theirs.p99.toFixed(1)} ms`);
		line('ratio ours / n8n deliveries/s   (goal >= 0.9)', (ours.rate / theirs.rate).toFixed(2));
		line('ratio ours / n8n executions finished/s', (ours.completedRate / theirs.completedRate).toFixed(2));
		line('per round, min / median / max: answered/s; finished/s', `${spread(roundRatios.answered)}; ${spread(roundRatios.finished)}`);
		line('bench wall time (n8n start included)', `${((Date.now() - t0) / 1000).toFixed(0)} s`);
		return { config, ours, theirs, rounds: roundRatios };
	} finally {
		await n8n?.stop();
		await sandbox.close();
	}
}

if (require.main === module) {
	benchN8nWebhooks().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
