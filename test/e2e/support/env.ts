/**
 * Shared set-up for the functional e2e files (trigger-polling, trigger-webhook, action-node,
 * platform-polling): the sandbox in this (jest) process, ONE real n8n per file with our package,
 * the `openConnectorsApi` credential pointing at the sandbox, workflow templates under
 * test/e2e/workflows/ filled in, and readers of n8n's own executions.
 *
 * Why a wrapper and not only harness/n8n.ts: the harness's `restart()` stops and starts n8n in one
 * call, so a test cannot write to the sandbox while n8n is DOWN. `downtime()` below does it with
 * the harness's own pieces: n8n is started on a user folder and port made here (so `stop()` keeps
 * the folder), stopped, the callback runs, and a new n8n starts on the same folder and port with
 * the package already installed there (`packageDir: null`).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { parseInstant } from '../../../lib/polling/datePattern';
import { sandboxCredentials } from '../../helpers/fakeContext';
import {
	DEFAULT_N8N_VERSION,
	type Execution,
	type N8nInstance,
	type WorkflowJson,
	freePort,
	nodeOutput,
	startN8n,
} from '../harness/n8n';

export const PACKAGE = 'n8n-nodes-open-connectors-closeio';
export const TRIGGER_TYPE = `${PACKAGE}.closeIoTrigger`;
export const ACTION_TYPE = `${PACKAGE}.openConnectors`;
export const TRIGGER = 'Close.io Trigger';
export const DONE = 'Done';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Env {
	sb: Sandbox;
	/** The current n8n (replaced by downtime()). */
	n8n: N8nInstance;
	credentialId: string;
	credentialName: string;
	/** The secrets every test asserts never show up in n8n's data. */
	secretValues: string[];
	/** Stops n8n, runs fn while it is down, starts it again on the same folder and port. */
	downtime<T>(fn: () => Promise<T> | T): Promise<T>;
	close(): Promise<void>;
}

export interface EnvOptions {
	/** Multiplies the sandbox's platform-poller interval; default huge, so it only polls through admin.runPoller(). */
	pollerScale?: number;
	n8nEnv?: Record<string, string>;
	/** The n8n version to start (default DEFAULT_N8N_VERSION, i.e. N8N_E2E_VERSION). */
	version?: string;
}

export async function startEnv(options: EnvOptions = {}): Promise<Env> {
	const sb = await startSandbox({ port: 0, retryScale: 0.01, pollerScale: options.pollerScale ?? 10_000 });
	const version = options.version ?? DEFAULT_N8N_VERSION;
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), `n8n-e2e-fn-${version}-`));
	const port = await freePort();
	let n8n: N8nInstance;
	try {
		n8n = await startN8n({ version, userFolder, port, env: options.n8nEnv });
	} catch (e) {
		await sb.close();
		throw e;
	}
	const credentialName = 'Sandbox Open Connectors';
	const { id: credentialId } = await n8n.createCredential('openConnectorsApi', credentialName, sandboxCredentials(sb));
	const env: Env = {
		sb,
		n8n,
		credentialId,
		credentialName,
		secretValues: [sb.secrets.userSecret, sb.secrets.organizationSecret, sb.secrets.closeApiKey, sb.secrets.closePassword],
		async downtime(fn) {
			await env.n8n.stop();
			const result = await fn();
			env.n8n = await startN8n({ version, userFolder, port, packageDir: null, env: options.n8nEnv });
			return result;
		},
		async close() {
			try {
				await env.n8n?.stop();
			} finally {
				await sb.close();
				// withLogs() marks a failed test: keep the folder (database, n8n.log) for a post-mortem
				const keep = process.env.N8N_E2E_KEEP === '1' || keptFor.has(userFolder);
				if (!keep) await fsp.rm(userFolder, { recursive: true, force: true }).catch(() => undefined);
				else process.stderr.write(`[e2e] user folder kept: ${userFolder}\n`);
			}
		},
	};
	return env;
}

/**
 * Registers the file's beforeAll (startEnv, with time for a first n8n install) and afterAll (close);
 * hands the started Env to `set`: `let env: Env; useEnv((e) => (env = e));`.
 */
export function useEnv(set: (env: Env) => void, options: EnvOptions = {}): void {
	let started: Env | undefined;
	beforeAll(async () => {
		started = await startEnv(options);
		set(started);
	}, 30 * 60_000);
	afterAll(async () => {
		await started?.close();
	});
}

const keptFor = new Set<string>();

/** Like harness withN8nLogs, on the CURRENT n8n of an Env (downtime() replaces it), and keeps the folder on failure. */
export async function withLogs<T>(env: Env | undefined, fn: () => Promise<T>, tailLines = 150): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		if (env?.n8n) {
			env.n8n.markFailed();
			keptFor.add(env.n8n.userFolder);
			const tail = env.n8n.logs().split('\n').slice(-tailLines).join('\n');
			const err = error instanceof Error ? error : new Error(String(error));
			err.message += `\n---- n8n ${env.n8n.version} log tail (${env.n8n.logFile}) ----\n${tail}`;
			throw err;
		}
		throw error;
	}
}

// ---------------------------------------------------------------- workflows

/**
 * Reads test/e2e/workflows/<file> and replaces, in every string, the placeholders
 * `__INSTANCE_ID__`, `__CREDENTIAL_ID__`, `__CREDENTIAL_NAME__`, `__WEBHOOK_ID__` and any `vars`.
 * A string that is exactly `__OPTIONS__` etc. (a key of `objects`) is replaced by that value.
 */
export function loadWorkflow(
	file: string,
	vars: Record<string, string>,
	objects: Record<string, unknown> = {},
	name?: string,
): WorkflowJson {
	const text = fs.readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8');
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') {
			if (Object.prototype.hasOwnProperty.call(objects, v)) return objects[v];
			let s = v;
			for (const [k, val] of Object.entries(vars)) s = s.split(k).join(val);
			return s;
		}
		if (Array.isArray(v)) return v.map(walk);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
		return v;
	};
	const wf = walk(JSON.parse(text)) as WorkflowJson;
	if (name) wf.name = name;
	return wf;
}

export interface TriggerWorkflowInput {
	name: string;
	mode: 'polling' | 'webhook';
	instanceId: string | number;
	objects: string[];
	events: string[];
	options?: Record<string, unknown>;
	webhookId?: string;
}

/** trigger.json: Close.io Trigger -> NoOp "Done". */
export function triggerWorkflow(env: Env, input: TriggerWorkflowInput): WorkflowJson & { webhookId: string } {
	const webhookId = input.webhookId ?? randomUUID();
	const wf = loadWorkflow(
		'trigger.json',
		{
			__INSTANCE_ID__: String(input.instanceId),
			__CREDENTIAL_ID__: env.credentialId,
			__CREDENTIAL_NAME__: env.credentialName,
			__WEBHOOK_ID__: webhookId,
			__MODE__: input.mode,
		},
		{ __OBJECTS__: input.objects, __EVENTS__: input.events, __OPTIONS__: input.options ?? {} },
		input.name,
	);
	return Object.assign(wf, { webhookId });
}

/** The trigger's production and test URLs (n8n: <base>/webhook[-test]/<webhookId>/webhook). */
export function triggerUrls(n8n: N8nInstance, webhookId: string): { production: string; test: string; path: string } {
	const p = `${webhookId}/webhook`;
	return { production: n8n.webhookUrl(p), test: n8n.testWebhookUrl(p), path: p };
}

// ---------------------------------------------------------------- executions and items

export interface Item {
	event: string;
	object: string;
	id: string;
	occurredAt: string | null;
	data: Record<string, unknown> | null;
	previousData: Record<string, unknown> | null;
	changedFields: string[] | null;
	mergedFrom: string | null;
	mergedInto: string | null;
	source: string;
	deliveryId: string | null;
	statusChange?: { fromId: string | null; fromLabel: string | null; toId: string | null; toLabel: string | null } | null;
	raw?: unknown;
	[k: string]: unknown;
}

/** Every item the trigger output, execution by execution, oldest first. */
export function triggerItems(executions: Execution[], node = TRIGGER): Item[] {
	return executions.flatMap((e) => nodeOutput(e, node) as Item[]);
}

/** What "exactly once" is counted on: the change (event, object, id) at its instant (and merge source). */
export function itemKey(i: Item): string {
	return `${i.event}:${i.object}:${i.id}:${i.occurredAt}:${i.mergedFrom ?? ''}`;
}

export function duplicates(keys: string[]): string[] {
	const seen = new Set<string>();
	const dup = new Set<string>();
	for (const k of keys) (seen.has(k) ? dup : seen).add(k);
	return [...dup];
}

/**
 * Waits until the trigger's items over all finished executions of `workflowId` (matching `filter`)
 * include every key of `expected` (and nothing runs); returns those executions. Robust to n8n
 * splitting the items over several executions (a scheduled poll and a re-activation poll).
 */
export async function waitForItems(
	n8n: N8nInstance,
	workflowId: string,
	expected: string[],
	timeoutMs = 90_000,
	filter: (e: Execution) => boolean = () => true,
): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	let missing: string[] = expected;
	for (;;) {
		const all = (await n8n.executions(workflowId, { includeData: true })).filter(filter);
		const running = all.some((e) => ['new', 'running', 'waiting'].includes(e.status));
		const have = new Set(triggerItems(all).map(itemKey));
		missing = expected.filter((k) => !have.has(k));
		if (!running && missing.length === 0) return all;
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: after ${timeoutMs} ms, ${missing.length} expected items missing: ${JSON.stringify(missing.slice(0, 20))}; ` +
					`executions: ${JSON.stringify(all.map((e) => ({ id: e.id, status: e.status, mode: e.mode, items: nodeOutput(e, TRIGGER).length })))}`,
			);
		}
		await sleep(1000);
	}
}

/** Resolves when `fn` returns a truthy value; throws with `what` after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000, everyMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			lastError = e;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
		await sleep(everyMs);
	}
}

// ---------------------------------------------------------------- contract

const ITEM_KEYS = ['changedFields', 'data', 'deliveryId', 'event', 'id', 'mergedFrom', 'mergedInto', 'object', 'occurredAt', 'previousData', 'source', 'statusChange'];
const ITEM_EVENTS = ['created', 'updated', 'deleted', 'merged', 'statusChanged', 'completed'];
const ITEM_OBJECTS = ['lead', 'contact', 'opportunity', 'task', 'note', 'call', 'email', 'sms', 'meeting'];
/** Close's date with microseconds and an offset, as the contract keeps it (never rounded). */
export const MICROS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(\+00:00|Z)$/;

/** Throws unless `i` has exactly the contract's keys and types (raw only when `withRaw`). */
export function assertContractShape(i: Item, source: 'polling' | 'webhook', withRaw = false): void {
	const keys = Object.keys(i).sort();
	const want = withRaw ? [...ITEM_KEYS, 'raw'].sort() : ITEM_KEYS;
	const fail = (why: string) => {
		throw new Error(`item breaks the contract (${why}): ${JSON.stringify(i).slice(0, 800)}`);
	};
	if (JSON.stringify(keys) !== JSON.stringify(want)) fail(`keys ${keys.join(',')}`);
	if (!ITEM_EVENTS.includes(i.event)) fail('event');
	if (!ITEM_OBJECTS.includes(i.object)) fail('object');
	const change = i.statusChange as Record<string, unknown> | null;
	if ((i.event === 'statusChanged') !== (change !== null && typeof change === 'object')) fail('statusChange');
	if (change && ['fromId', 'fromLabel', 'toId', 'toLabel'].some((k) => change[k] !== null && typeof change[k] !== 'string')) fail('statusChange fields');
	if (typeof i.id !== 'string' || !i.id) fail('id');
	if (typeof i.occurredAt !== 'string' || !MICROS_DATE.test(i.occurredAt)) fail('occurredAt');
	if (i.source !== source) fail('source');
	for (const k of ['data', 'previousData'] as const) if (i[k] !== null && (typeof i[k] !== 'object' || Array.isArray(i[k]))) fail(k);
	if (i.changedFields !== null && !Array.isArray(i.changedFields)) fail('changedFields');
	for (const k of ['mergedFrom', 'mergedInto', 'deliveryId'] as const) if (i[k] !== null && typeof i[k] !== 'string') fail(k);
	if ((i.event === 'created' || i.event === 'updated') && (i.data === null || i.data.id !== i.id)) fail('data.id');
	if (i.event === 'merged' && (i.mergedInto !== i.id || !i.mergedFrom)) fail('merge ids');
	if (i.event !== 'merged' && (i.mergedFrom !== null || i.mergedInto !== null)) fail('merge ids on a non-merge');
}

export const micros = (date: string): number => parseInstant(date);

/** Whether any of `secrets` (or its base64 / URL-encoded form) appears in `data`. */
export function findSecrets(data: unknown, secrets: string[]): string[] {
	const text = typeof data === 'string' ? data : JSON.stringify(data);
	const found: string[] = [];
	for (const s of secrets) {
		if (!s) continue;
		const forms = [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)];
		if (forms.some((f) => text.includes(f))) found.push(s);
	}
	return found;
}

/** POSTs exact bytes with exact headers (a redelivery or a forgery), answering status and text. */
export async function postRaw(url: string, rawBody: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(30_000) });
	return { status: res.status, text: await res.text() };
}

/** Base64 of the decimal instance id: the instance's events URL suffix. */
export const encodedId = (id: string | number): string => Buffer.from(String(id)).toString('base64');

/** The events-framework entries of an instance's configuration (the keys deactivation restores). */
export const EVENT_KEYS = [
	'event.notification.enabled',
	'event.vendor.type',
	'event.notification.callback.url',
	'event.notification.signature.key',
	'event.poller.refresh_interval',
	'event.poller.configuration',
] as const;
export function eventSettings(configuration: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const k of EVENT_KEYS) if (configuration[k] !== undefined) out[k] = configuration[k];
	return out;
}
