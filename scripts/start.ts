/**
 * `npm start`: the main job in one command, on a fresh machine after `npm install`.
 *
 *  1. builds the package (`npm run build`);
 *  2. installs n8n 1.123.81 unless cached (scripts/install-n8n.sh, ~/.cache/n8n-nodes-open-connectors-closeio);
 *  3. starts the sandbox (Open Connectors + Close emulator) in this process, on port 5680 if free;
 *  4. starts n8n on port 5678 if free, with this package installed the way a user's n8n installs a
 *     community package (npm pack -> <user folder>/.n8n/nodes; test/e2e/harness/n8n.ts);
 *  5. owner account, credential "SAP Open Connectors API (sandbox)", a Close.io instance in the
 *     sandbox, the ACTIVE demo workflow "Close.io demo: lead changes" (scripts/demo/close-demo-workflow.json:
 *     Close.io Trigger in webhook mode -> Set node with a readable summary line);
 *  6. a few lead changes through the sandbox's Close API (create, update, merge, delete), then prints
 *     the editor URL, the login, the workflow URL, the sandbox URLs, each execution's summary, and waits.
 *
 * Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops n8n (its whole process group) and the sandbox.
 *
 * n8n's user folder is PERSISTENT (default ~/.cache/n8n-nodes-open-connectors-closeio/demo-n8n): the
 * login, the user's own workflows and credentials survive restarts. The sandbox keeps its data in
 * memory, so the DEMO is reset on every start: the credential is pointed at the new sandbox, the previous
 * demo workflow (and its executions) is deleted, and a fresh one is imported and activated.
 *
 * Options (also as environment variables):
 *   --check            DEMO_EXIT_AFTER_READY=1  exit once the demo's executions are verified (0 = ok)
 *   --fresh            DEMO_FRESH=1             delete the persistent n8n user folder first
 *   --skip-build       DEMO_SKIP_BUILD=1        use dist/ as it is
 *   --user-folder=DIR  DEMO_USER_FOLDER         n8n user folder (default: see above)
 *   --n8n-port=N       DEMO_N8N_PORT            default 5678, another free port if busy; 0 = any free port
 *   --sandbox-port=N   DEMO_SANDBOX_PORT        default 5680, another free port if busy; 0 = any free port
 *   --no-changes       DEMO_NO_CHANGES=1        do not generate lead changes
 *   --n8n-version=V    DEMO_N8N_VERSION         default 1.123.81 (the version this demo is tested with)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { startSandbox, type Sandbox } from '../sandbox';
import { sandboxCredentials } from '../test/helpers/fakeContext';
import {
	OWNER,
	REPO_ROOT,
	cacheDir,
	ensureN8nInstalled,
	freePort,
	nodeOutput,
	startN8n,
	type Execution,
	type N8nInstance,
	type WorkflowJson,
} from '../test/e2e/harness/n8n';

export const DEMO_WORKFLOW_NAME = 'Close.io demo: lead changes';
export const DEMO_CREDENTIAL_NAME = 'SAP Open Connectors API (sandbox)';
export const DEMO_INSTANCE_NAME = 'Close.io demo (sandbox)';
const DEFAULT_N8N_PORT = 5678;
const DEFAULT_SANDBOX_PORT = 5680;
const DEFAULT_VERSION = '1.123.81';
const SUMMARY_NODE = 'Summary';
const TRIGGER_NODE = 'Close.io Trigger';

// ---------------------------------------------------------------- options

interface Options {
	check: boolean;
	fresh: boolean;
	build: boolean;
	changes: boolean;
	userFolder: string;
	n8nPort: number;
	sandboxPort: number;
	version: string;
}

function envFlag(name: string): boolean {
	const v = process.env[name];
	return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function parseOptions(argv: string[]): Options {
	const { values } = parseArgs({
		args: argv,
		options: {
			check: { type: 'boolean' },
			fresh: { type: 'boolean' },
			'skip-build': { type: 'boolean' },
			'no-changes': { type: 'boolean' },
			'user-folder': { type: 'string' },
			'n8n-port': { type: 'string' },
			'sandbox-port': { type: 'string' },
			'n8n-version': { type: 'string' },
			help: { type: 'boolean', short: 'h' },
		},
		strict: true,
	});
	if (values.help) {
		const header = fs.readFileSync(__filename, 'utf8').split('*/')[0]!;
		process.stdout.write(header.replace(/^\/\*\*?|^ \* ?/gm, '') + '\n');
		process.exit(0);
	}
	const port = (flag: string | undefined, env: string, dflt: number): number => {
		const raw = flag ?? process.env[env];
		if (raw === undefined || raw === '') return dflt;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`bad port ${raw}`);
		return n;
	};
	return {
		check: values.check === true || envFlag('DEMO_EXIT_AFTER_READY'),
		fresh: values.fresh === true || envFlag('DEMO_FRESH'),
		build: !(values['skip-build'] === true || envFlag('DEMO_SKIP_BUILD')),
		changes: !(values['no-changes'] === true || envFlag('DEMO_NO_CHANGES')),
		userFolder: path.resolve(values['user-folder'] ?? process.env.DEMO_USER_FOLDER ?? path.join(cacheDir(), 'demo-n8n')),
		n8nPort: port(values['n8n-port'], 'DEMO_N8N_PORT', DEFAULT_N8N_PORT),
		sandboxPort: port(values['sandbox-port'], 'DEMO_SANDBOX_PORT', DEFAULT_SANDBOX_PORT),
		version: values['n8n-version'] ?? process.env.DEMO_N8N_VERSION ?? DEFAULT_VERSION,
	};
}

// ---------------------------------------------------------------- small helpers

const t0 = Date.now();
const timings: Array<[string, number]> = [];
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const start = Date.now();
	const result = await fn();
	timings.push([label, Date.now() - start]);
	return result;
}
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const say = (msg: string): void => {
	process.stdout.write(`[start] ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether nothing listens on `port` (checked on the dual-stack wildcard, so ::, 0.0.0.0 and 127.0.0.1 all count). */
async function portFree(port: number): Promise<boolean> {
	const tryListen = (host?: string): Promise<boolean | 'unsupported'> =>
		new Promise((resolve) => {
			const srv = net.createServer();
			srv.unref();
			srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? false : 'unsupported'));
			srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
		});
	const any = await tryListen();
	if (any !== 'unsupported') return any;
	return (await tryListen('127.0.0.1')) === true;
}

async function pickPort(wanted: number, what: string): Promise<number> {
	if (wanted === 0) return await freePort();
	if (await portFree(wanted)) return wanted;
	const other = await freePort();
	say(`port ${wanted} is busy: ${what} uses port ${other} instead`);
	return other;
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const env: NodeJS.ProcessEnv = { ...process.env };
		const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
		children.add(child.pid!);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			children.delete(child.pid!);
			if (code === 0) resolve();
			else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal})`));
		});
	});
}

/** A pid file in the user folder: two demos on one n8n database would corrupt each other. */
function lockUserFolder(userFolder: string): () => void {
	fs.mkdirSync(userFolder, { recursive: true });
	const file = path.join(userFolder, 'demo.pid');
	try {
		const other = Number(fs.readFileSync(file, 'utf8').trim());
		if (other && other !== process.pid) {
			let alive = false;
			try {
				process.kill(other, 0);
				alive = true;
			} catch {
				/* stale */
			}
			if (alive) {
				throw new Error(
					`another \`npm start\` (pid ${other}) is running on ${userFolder}: stop it first (Ctrl-C there), or use --user-folder=<another folder>`,
				);
			}
		}
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	fs.writeFileSync(file, String(process.pid));
	return () => {
		try {
			if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
		} catch {
			/* gone */
		}
	};
}

// ---------------------------------------------------------------- lifecycle

const children = new Set<number>(); // short-lived helpers (npm run build): same process group as us
let sandbox: Sandbox | undefined;
let n8n: N8nInstance | undefined;
let unlock: (() => void) | undefined;
let tailTimer: NodeJS.Timeout | undefined;
let stopping: Promise<void> | undefined;
let firstSignalAt = 0;

async function stopAll(reason: string): Promise<void> {
	if (stopping) return await stopping;
	stopping = (async () => {
		if (tailTimer) clearInterval(tailTimer);
		say(`${reason}: stopping everything this script started`);
		for (const pid of children) {
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				/* gone */
			}
		}
		const t = Date.now();
		if (n8n) {
			await n8n.stop().catch((e: Error) => say(`n8n stop: ${e.message}`));
			say(`n8n stopped (${secs(Date.now() - t)})`);
		}
		if (sandbox) {
			await sandbox.close().catch(() => undefined);
			say('sandbox stopped');
		}
		unlock?.();
	})();
	return await stopping;
}

/**
 * `npm start` runs `sh -c "tsx scripts/start.ts"`: a SIGTERM sent to npm alone kills npm and sh but
 * not tsx and this script (seen here with npm 11). So watch the first ancestors (tsx, sh, npm): when
 * one of them is gone, stop everything as on Ctrl-C.
 */
function ancestors(depth: number): number[] {
	const out: number[] = [];
	let pid = process.ppid;
	for (let i = 0; i < depth && pid > 1; i++) {
		out.push(pid);
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		} catch {
			break; // no /proc: watch what we have
		}
	}
	return out;
}

function watchAncestors(): void {
	const watched = ancestors(3);
	const timer = setInterval(() => {
		const gone = watched.find((pid) => {
			try {
				process.kill(pid, 0);
				return false;
			} catch {
				return true;
			}
		});
		if (gone !== undefined && !stopping) {
			clearInterval(timer);
			void stopAll(`parent process ${gone} exited`).then(
				() => process.exit(0),
				() => process.exit(1),
			);
		}
	}, 1000);
	timer.unref();
}

function onSignal(signal: NodeJS.Signals): void {
	// A terminal's Ctrl-C reaches npm, tsx and this process at once, and npm/tsx relay it too: only a
	// signal well after the first one means "force".
	const now = Date.now();
	if (firstSignalAt === 0) {
		firstSignalAt = now;
		void stopAll(`${signal} received`).then(
			() => process.exit(0),
			() => process.exit(1),
		);
		return;
	}
	if (now - firstSignalAt > 3000) {
		say(`${signal} again: exiting at once (n8n's process group is killed on exit)`);
		process.exit(1); // the harness's exit hook SIGKILLs n8n's group; its watchdog would too
	}
}

// ---------------------------------------------------------------- demo set-up

interface DemoInfo {
	workflowId: string;
	credentialId: string;
	instanceId: number;
	webhookPath: string;
}

async function provisionInstance(sb: Sandbox): Promise<{ id: number; name: string }> {
	const res = await fetch(`${sb.ocBaseUrl}/instances`, {
		method: 'POST',
		headers: {
			authorization: `User ${sb.secrets.userSecret}, Organization ${sb.secrets.organizationSecret}`,
			'content-type': 'application/json',
		},
		body: JSON.stringify({
			element: { key: 'closeio' },
			name: DEMO_INSTANCE_NAME,
			tags: ['n8n-demo'],
			configuration: { username: sb.secrets.closeApiKey, password: sb.secrets.closePassword },
		}),
	});
	const body = (await res.json()) as { id?: number; name?: string; message?: string };
	if (res.status >= 300 || typeof body.id !== 'number') {
		throw new Error(`provisioning a Close.io instance in the sandbox failed: HTTP ${res.status} ${JSON.stringify(body)}`);
	}
	return { id: body.id, name: body.name ?? DEMO_INSTANCE_NAME };
}

async function upsertCredential(inst: N8nInstance, sb: Sandbox): Promise<string> {
	const data = sandboxCredentials(sb);
	const all = await inst.api.rest<Array<{ id: string; name: string; type: string }>>('GET', '/credentials');
	const existing = all.filter((c) => c.name === DEMO_CREDENTIAL_NAME && c.type === 'openConnectorsApi');
	let id: string;
	if (existing.length > 0) {
		id = String(existing[0]!.id);
		// the sandbox's port may differ from the last run
		await inst.api.rest('PATCH', `/credentials/${id}`, { name: DEMO_CREDENTIAL_NAME, type: 'openConnectorsApi', data });
		for (const extra of existing.slice(1)) await inst.api.rest('DELETE', `/credentials/${extra.id}`).catch(() => undefined);
	} else {
		id = (await inst.createCredential('openConnectorsApi', DEMO_CREDENTIAL_NAME, data)).id;
	}
	const test = await inst.testCredential(id);
	if (test.status !== 'OK') throw new Error(`the credential's Test failed against the sandbox: ${test.message}`);
	return id;
}

/** Deletes the previous runs' demo workflows (their executions go with them). */
async function removeOldDemos(inst: N8nInstance): Promise<number> {
	const list = await inst.api.rest<Array<{ id: string; name: string; active: boolean }>>('GET', '/workflows');
	const old = list.filter((w) => w.name === DEMO_WORKFLOW_NAME);
	for (const w of old) {
		const id = String(w.id);
		if (w.active) {
			// runs the trigger's delete(): the sandbox's instance and Close subscription are cleaned up
			await inst.deactivate(id).catch((e: Error) => say(`note: deactivating the previous demo ${id}: ${e.message}`));
		}
		// n8n 1.9x+: a workflow is archived before it can be deleted
		const archived = await inst.api.raw('POST', `/rest/workflows/${id}/archive`, { body: {} });
		const del = await inst.api.raw('DELETE', `/rest/workflows/${id}`);
		if (del.status >= 400) {
			throw new Error(`could not delete the previous demo workflow ${id} (archive ${archived.status}, delete ${del.status}: ${del.text.slice(0, 200)})`);
		}
	}
	return old.length;
}

async function tidyApiKeys(inst: N8nInstance): Promise<void> {
	// The harness makes one API key per n8n start; in a persistent folder, keep only the newest.
	try {
		const keys = await inst.api.rest<Array<{ id: string; label: string; createdAt: string }>>('GET', '/api-keys');
		const ours = keys.filter((k) => /^e2e-\d+$/.test(k.label)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
		for (const k of ours.slice(1)) await inst.api.rest('DELETE', `/api-keys/${k.id}`);
	} catch {
		/* cosmetic */
	}
}

function demoWorkflow(credentialId: string, instance: { id: number; name: string }, webhookId: string): WorkflowJson {
	const wf = JSON.parse(fs.readFileSync(path.join(__dirname, 'demo', 'close-demo-workflow.json'), 'utf8')) as WorkflowJson;
	const pkgName = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).name as string;
	const trigger = wf.nodes.find((n) => n.name === TRIGGER_NODE) as Record<string, any>;
	trigger.type = `${pkgName}.closeIoTrigger`;
	trigger.webhookId = webhookId;
	trigger.parameters.instance = { __rl: true, mode: 'list', value: String(instance.id), cachedResultName: `${instance.name} (#${instance.id})` };
	trigger.credentials = { openConnectorsApi: { id: credentialId, name: DEMO_CREDENTIAL_NAME } };
	return wf;
}

async function setUpDemo(inst: N8nInstance, sb: Sandbox, instance: { id: number; name: string }): Promise<DemoInfo> {
	const credentialId = await upsertCredential(inst, sb);
	const removed = await removeOldDemos(inst);
	if (removed) say(`removed the previous demo workflow and its executions (${removed})`);
	await tidyApiKeys(inst);
	const webhookId = randomUUID();
	const { id } = await inst.importWorkflow(demoWorkflow(credentialId, instance, webhookId));
	await inst.activate(id);
	return { workflowId: id, credentialId, instanceId: instance.id, webhookPath: `${webhookId}/webhook` };
}

/** A few lead changes through the sandbox's Close API, as a Close user's actions would make them. */
async function generateLeadChanges(sb: Sandbox): Promise<string[]> {
	const auth = `Basic ${Buffer.from(`${sb.secrets.closeApiKey}:`).toString('base64')}`;
	const close = async (method: string, p: string, body?: unknown): Promise<Record<string, any>> => {
		const res = await fetch(`${sb.closeBaseUrl}${p}`, {
			method,
			headers: { authorization: auth, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (res.status >= 300) throw new Error(`sandbox Close API ${method} ${p} -> ${res.status}: ${text.slice(0, 300)}`);
		return text ? (JSON.parse(text) as Record<string, any>) : {};
	};
	const done: string[] = [];
	const pause = () => sleep(250); // executions then appear in the order of the changes
	const acme = await close('POST', '/lead/', { name: 'Acme Rockets', description: 'Rocket-powered roller skates' });
	done.push(`created lead Acme Rockets (${acme.id})`);
	await pause();
	const globex = await close('POST', '/lead/', { name: 'Globex Corporation' });
	done.push(`created lead Globex Corporation (${globex.id})`);
	await pause();
	const initech = await close('POST', '/lead/', { name: 'Initech' });
	done.push(`created lead Initech (${initech.id})`);
	await pause();
	await close('PUT', `/lead/${acme.id}/`, { status_label: 'Qualified', description: 'Rocket-powered roller skates, 500 units' });
	done.push(`updated lead Acme Rockets (${acme.id}): status Qualified`);
	await pause();
	await close('POST', '/lead/merge/', { source: globex.id, destination: acme.id });
	done.push(`merged lead Globex Corporation (${globex.id}) into Acme Rockets (${acme.id})`);
	await pause();
	await close('DELETE', `/lead/${initech.id}/`);
	done.push(`deleted lead Initech (${initech.id})`);
	return done;
}

// ---------------------------------------------------------------- executions

function summariesOf(e: Execution): string[] {
	const items = nodeOutput(e, SUMMARY_NODE);
	if (e.status !== 'success') {
		const msg = e.data?.resultData.error?.message ?? e.status;
		return [`(execution ${e.status}: ${msg})`];
	}
	return items.map((i) => String(i.summary ?? JSON.stringify(i)));
}

/** Prints each new finished execution's summary lines; returns the executions seen so far. */
function makeTailer(inst: N8nInstance, workflowId: string) {
	const printed = new Map<string, Execution>();
	let busy = false;
	const tick = async (): Promise<Execution[]> => {
		if (busy) return [...printed.values()];
		busy = true;
		try {
			const list = await inst.executions(workflowId, { includeData: false });
			const fresh = list.filter((e) => !printed.has(e.id) && !['new', 'running', 'waiting'].includes(e.status));
			for (const e of fresh) {
				const full = await inst.api.public<Execution>('GET', `/executions/${e.id}?includeData=true`);
				printed.set(e.id, full);
				for (const line of summariesOf(full)) process.stdout.write(`  [n8n execution ${full.id}] ${line}\n`);
			}
		} catch {
			/* n8n busy or stopping: next tick */
		} finally {
			busy = false;
		}
		return [...printed.values()].sort((a, b) => Number(a.id) - Number(b.id));
	};
	return tick;
}

/** --check: every relayed notification became a successful execution, and all four kinds of change arrived. */
async function verifyDemo(
	sb: Sandbox,
	n8nUrl: string,
	tick: () => Promise<Execution[]>,
	timeoutMs = 90_000,
): Promise<{ executions: Execution[]; summaries: string[] }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execs = await tick();
		const relayed = new Set(
			sb.admin
				.deliveries()
				.filter((d) => d.kind === 'openConnectors' && d.url.startsWith(n8nUrl) && d.status !== undefined && d.status < 300)
				.map((d) => d.deliveryKey),
		);
		const summaries = execs.flatMap(summariesOf);
		const kinds = new Set(execs.flatMap((e) => nodeOutput(e, SUMMARY_NODE).map((i) => String(i.event))));
		const allKinds = ['created', 'updated', 'merged', 'deleted'].every((k) => kinds.has(k));
		const allOk = execs.every((e) => e.status === 'success');
		if (execs.length > 0 && execs.length >= relayed.size && allKinds && allOk) {
			await sb.admin.idle();
			return { executions: execs, summaries };
		}
		if (Date.now() > deadline) {
			throw new Error(
				`demo check failed after ${timeoutMs} ms: ${execs.length} executions for ${relayed.size} notifications relayed to n8n, ` +
					`kinds ${JSON.stringify([...kinds])}, statuses ${JSON.stringify(execs.map((e) => e.status))}\n${summaries.join('\n')}`,
			);
		}
		await sleep(500);
	}
}

// ---------------------------------------------------------------- main

function banner(lines: string[]): string {
	const rule = '='.repeat(78);
	return `\n${rule}\n${lines.join('\n')}\n${rule}\n`;
}

async function main(): Promise<void> {
	const opts = parseOptions(process.argv.slice(2));
	for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
	watchAncestors();

	if (opts.build) {
		say('building the package (npm run build)');
		await timed('build', () => run('npm', ['run', '--silent', 'build'], REPO_ROOT));
	}
	say(`n8n ${opts.version}: ${fs.existsSync(path.join(cacheDir(), `n8n-${opts.version}`, '.installed')) ? 'cached' : 'installing (first time: several minutes)'} in ${cacheDir()}`);
	await timed('n8n install (or cache check)', () => ensureN8nInstalled(opts.version));
	if (stopping) return;

	if (opts.fresh && fs.existsSync(opts.userFolder)) {
		say(`--fresh: deleting ${opts.userFolder}`);
		fs.rmSync(opts.userFolder, { recursive: true, force: true });
	}
	unlock = lockUserFolder(opts.userFolder);

	const sandboxPort = await pickPort(opts.sandboxPort, 'the sandbox');
	sandbox = await timed('sandbox start', () => startSandbox({ port: sandboxPort, host: '127.0.0.1' }));
	const instance = await provisionInstance(sandbox);
	say(`sandbox on ${sandbox.url}; Close.io instance #${instance.id} provisioned`);

	const n8nPort = await pickPort(opts.n8nPort, 'n8n');
	say(`starting n8n ${opts.version} on port ${n8nPort} with this package installed as a community package (user folder ${opts.userFolder})`);
	n8n = await timed('n8n start (pack + install package + boot + login)', () =>
		startN8n({
			version: opts.version,
			port: n8nPort,
			userFolder: opts.userFolder,
			// a demo with a well-known password: listen on the loopback interface only
			env: { N8N_LISTEN_ADDRESS: process.env.DEMO_LISTEN_ADDRESS || '127.0.0.1' },
		}),
	);
	if (stopping) return;

	const demo = await timed('demo set-up (credential, workflow, activation)', () => setUpDemo(n8n!, sandbox!, instance));
	const tick = makeTailer(n8n, demo.workflowId);

	const wfUrl = `${n8n.url}/workflow/${demo.workflowId}`;
	const s = sandbox.secrets;
	const info = [
		` n8n ${n8n.version} is running with ${n8n.packageName} (built from this repository)`,
		'',
		` Editor      ${n8n.url}`,
		` Login       ${OWNER.email}  /  ${OWNER.password}`,
		` Workflow    ${wfUrl}   "${DEMO_WORKFLOW_NAME}" (active)`,
		` Executions  ${wfUrl}/executions`,
		` Credential  "${DEMO_CREDENTIAL_NAME}"`,
		'',
		` Sandbox     ${sandbox.url}   (in memory: reset at every start)`,
		`   Open Connectors  ${sandbox.ocBaseUrl}   User ${s.userSecret}, Organization ${s.organizationSecret}`,
		`   Close            ${sandbox.closeBaseUrl}   API key ${s.closeApiKey}, password ${s.closePassword}`,
		`   Instance         #${demo.instanceId} "${instance.name}": Close webhooks relayed to ${n8n.webhookUrl(demo.webhookPath)}`,
		`   Admin            ${sandbox.url}/__admin/records/lead   (see sandbox/README.md)`,
		` More changes: curl -su ${s.closeApiKey}: -H 'content-type: application/json' -d '{"name":"Wayne Enterprises"}' ${sandbox.closeBaseUrl}/lead/`,
		'',
		` n8n data    ${opts.userFolder}   (log: ${n8n.logFile}; --fresh starts over)`,
	];

	if (opts.changes) {
		const changes = await timed('lead changes', () => generateLeadChanges(sandbox!));
		say(`made ${changes.length} lead changes in the sandbox:`);
		for (const c of changes) process.stdout.write(`  - ${c}\n`);
	}

	if (opts.check) {
		const { executions, summaries } = await timed('executions verified', () => verifyDemo(sandbox!, n8n!.url, tick));
		process.stdout.write(banner(info));
		say(`check passed: ${executions.length} successful executions`);
		process.stdout.write(`DEMO_RESULT ${JSON.stringify({ workflowId: demo.workflowId, n8nUrl: n8n.url, sandboxUrl: sandbox.url, summaries })}\n`);
		printTimings();
		await stopAll('--check done');
		return;
	}

	// Show the first executions before the banner, so the URLs stay on screen.
	if (opts.changes) {
		await verifyDemo(sandbox, n8n.url, tick, 30_000).catch((e: Error) => say(`note: ${e.message.split('\n')[0]}`));
	}
	printTimings();
	process.stdout.write(banner([...info, '', ' Ctrl-C to stop.']));
	tailTimer = setInterval(() => void tick(), 2000);
	// stay alive until a signal; also stop when n8n dies on its own
	const watch = setInterval(() => {
		if (n8n && !n8n.isRunning() && !stopping) {
			say(`n8n exited on its own: see ${n8n.logFile}`);
			clearInterval(watch);
			void stopAll('n8n exited').then(() => process.exit(1));
		}
	}, 1000);
}

function printTimings(): void {
	const parts = timings.map(([k, v]) => `${k} ${secs(v)}`);
	if (n8n) {
		const l = n8n.timings.lastStart;
		parts.push(`(n8n boot: /healthz ${secs(l.healthz)}, editor ${secs(l.editor)}, logged in ${secs(l.login)})`);
	}
	say(`timings: ${parts.join(', ')}; total ${secs(Date.now() - t0)}`);
}

if (require.main === module) {
	main().then(
		() => {
			if (stopping) void stopping.then(() => process.exit(0));
		},
		async (error: Error) => {
			process.stderr.write(`\n[start] FAILED: ${error.message}\n`);
			if (n8n) process.stderr.write(`[start] n8n log: ${n8n.logFile}\n`);
			if (/\/rest\/(login|owner)/.test(error.message)) {
				process.stderr.write(`[start] the demo logs in as ${OWNER.email} / ${OWNER.password}: if you changed that account, run \`npm start -- --fresh\` (deletes the demo's n8n data)\n`);
			}
			await stopAll('failure');
			process.exit(1);
		},
	);
}

export { parseOptions, portFree };
