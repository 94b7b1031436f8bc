/**
 * n8n in QUEUE MODE, the way n8n scales past one process, on this machine's loopback:
 *  - PostgreSQL (Debian's /usr/lib/postgresql/<v>/bin: initdb into a temp folder; as root it runs as
 *    the `postgres` user through runuser) and Redis (`redis-server`, nothing persisted), each on a
 *    random free port, each its own process group watched like n8n's;
 *  - n8n main (`n8n start`, EXECUTIONS_MODE=queue, production webhooks OFF there:
 *    N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true, WEBHOOK_URL = the first webhook processor), the
 *    harness's startN8n() with a Postgres/Redis environment;
 *  - one or more `n8n webhook` processors and one `n8n worker` (health server on its own port),
 *    each with its own user folder holding the SAME packed build of this package, as separate
 *    machines would.
 * Everything it starts, stop() stops (and the watchdogs kill it if the test process dies).
 *
 * Env knobs: QUEUE_PG_BIN (PostgreSQL's bin folder), QUEUE_WORKER_CONCURRENCY (default 10),
 * QUEUE_PACKAGE_DIR (pack that folder instead of this repo), QUEUE_START_TIMEOUT_MS (each n8n
 * process's start, default 600 000), N8N_E2E_KEEP=1 (keep the folders).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import {
	REPO_ROOT,
	type N8nInstance,
	cleanEnv,
	ensureN8nInstalled,
	freePort,
	installCommunityPackage,
	installExitHook,
	live,
	n8nProcessEnv,
	nodeBinaryFor,
	packPackage,
	spawnWatchdog,
	startN8n,
	stopGroup,
} from './n8n';
import { ensureQueueDepsOnce } from './queueDeps';

const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- one supervised process

export interface Service {
	name: string;
	port: number;
	logFile: string;
	/** Starts the process (again) and waits until `ready` says so. */
	start(): Promise<void>;
	/** Stops the whole process group (stopSignal, then SIGKILL after 30 s). */
	stop(): Promise<void>;
	restart(): Promise<void>;
	isRunning(): boolean;
	logs(): string;
}

interface ServiceSpec {
	name: string;
	port: number;
	command: string;
	args: string[];
	env: Record<string, string>;
	cwd: string;
	logFile: string;
	/** Resolves true once the process serves; thrown errors count as "not yet". */
	ready: () => Promise<boolean>;
	stopSignal?: NodeJS.Signals;
	startTimeoutMs?: number;
}

function service(spec: ServiceSpec): Service {
	let child: ChildProcess | null = null;
	let watchdog: ChildProcess | null = null;
	const logs = () => {
		try {
			return fs.readFileSync(spec.logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const tail = (n = 60) => `---- ${spec.name} log tail (${spec.logFile}) ----\n${logs().split('\n').slice(-n).join('\n')}`;
	const svc: Service = {
		name: spec.name,
		port: spec.port,
		logFile: spec.logFile,
		logs,
		isRunning: () => !!child && child.exitCode === null && child.signalCode === null,
		async start() {
			installExitHook();
			const out = fs.openSync(spec.logFile, 'a');
			fs.writeSync(out, `\n==== [harness] ${new Date().toISOString()} starting ${spec.name} on port ${spec.port} ====\n`);
			const c = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', out, out] });
			fs.closeSync(out);
			child = c;
			live.add(c);
			c.once('exit', () => live.delete(c));
			watchdog = spawnWatchdog(c.pid!);
			const deadline = Date.now() + (spec.startTimeoutMs ?? 180_000);
			for (;;) {
				if (c.exitCode !== null || c.signalCode !== null) throw new Error(`${spec.name} exited (${c.exitCode ?? c.signalCode}) while starting\n${tail()}`);
				if (Date.now() > deadline) throw new Error(`${spec.name} not ready after ${spec.startTimeoutMs ?? 180_000} ms\n${tail()}`);
				try {
					if (await spec.ready()) return;
				} catch {
					/* not listening yet */
				}
				await sleep(250);
			}
		},
		async stop() {
			const c = child;
			if (!c) return;
			child = null;
			await stopGroup(c, watchdog, spec.stopSignal);
			watchdog = null;
		},
		async restart() {
			await svc.stop();
			await svc.start();
		},
	};
	return svc;
}

async function httpOk(url: string): Promise<boolean> {
	const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
	await r.text();
	return r.status === 200;
}

/** n8n's own 404 for an unknown webhook path (not Express's "Cannot GET"): its webhook routes are up. */
async function isNotRegistered(url: string): Promise<boolean> {
	const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
	return r.status === 404 && /not registered/i.test(await r.text());
}

// ---------------------------------------------------------------- PostgreSQL

export function postgresBinDir(): string {
	if (process.env.QUEUE_PG_BIN) return process.env.QUEUE_PG_BIN;
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
	versions.sort((a, b) => Number(b) - Number(a));
	if (!versions[0]) throw new Error(`no PostgreSQL server under ${root} (apt-get install -y postgresql, or set QUEUE_PG_BIN)`);
	return path.join(root, versions[0], 'bin');
}

/** Root may not run PostgreSQL: it runs as the `postgres` user then. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

export interface Postgres extends Service {
	database: string;
	user: string;
	dataDir: string;
	/** DB_* settings for n8n. */
	n8nEnv: Record<string, string>;
	/** Stops it and removes its data. */
	destroy(): Promise<void>;
}

export async function startPostgres(folder: string): Promise<Postgres> {
	const bin = postgresBinDir();
	const dataDir = path.join(folder, 'pgdata');
	await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
	if (process.getuid?.() === 0) {
		// the data folder and every folder above it must be reachable by the postgres user
		await execFileP('chown', ['-R', 'postgres:postgres', dataDir]);
		await fsp.chmod(folder, 0o755);
	}
	const [initCmd, initArgs] = asPostgresUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
	await execFileP(initCmd, initArgs, { env: cleanEnv(process.env), cwd: '/' });
	const port = await freePort();
	const [cmd, args] = asPostgresUser(path.join(bin, 'postgres'), [
		'-D', dataDir,
		'-p', String(port),
		'-k', dataDir,
		'-c', 'listen_addresses=127.0.0.1',
		// a test database: the machine crashing is not a case; a clean stop still writes everything
		'-c', 'fsync=off',
		'-c', 'synchronous_commit=off',
		'-c', 'full_page_writes=off',
		'-c', 'max_connections=200',
	]);
	const isReady = path.join(bin, 'pg_isready');
	const svc = service({
		name: 'postgres',
		port,
		command: cmd,
		args,
		env: cleanEnv(process.env),
		cwd: '/',
		logFile: path.join(folder, 'postgres.log'),
		// SIGINT: PostgreSQL's "fast" shutdown (SIGTERM would wait for n8n's connections to close)
		stopSignal: 'SIGINT',
		ready: async () => {
			await execFileP(isReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres'], { timeout: 5000 });
			return true;
		},
	});
	await svc.start();
	const database = 'n8n';
	await execFileP(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { env: cleanEnv(process.env) });
	return Object.assign(svc, {
		database,
		user: 'postgres',
		dataDir,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			// n8n pings its database every 2 s with a 5 s timeout through this pool and answers every request
			// 503 "Database is not ready!" after a missed ping: with 4 connections busy with execution writes
			// on a loaded machine, pings missed (measured at load average 28)
			DB_POSTGRESDB_POOL_SIZE: '10',
		},
		async destroy() {
			await svc.stop();
			await fsp.rm(dataDir, { recursive: true, force: true });
		},
	});
}

// ---------------------------------------------------------------- Redis

async function redisPing(port: number): Promise<boolean> {
	return await new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d.toString();
			if (answer.includes('\r\n')) {
				socket.end();
				resolve(answer.startsWith('+PONG'));
			}
		});
		socket.on('error', reject);
	});
}

export interface Redis extends Service {
	n8nEnv: Record<string, string>;
}

/** Redis holds only n8n's job queue: nothing saved to disk (a restart starts empty, as a cache would). */
export async function startRedis(folder: string): Promise<Redis> {
	const port = await freePort();
	const svc = service({
		name: 'redis',
		port,
		command: process.env.QUEUE_REDIS_SERVER || 'redis-server',
		args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', folder],
		env: cleanEnv(process.env),
		cwd: folder,
		logFile: path.join(folder, 'redis.log'),
		ready: () => redisPing(port),
	});
	await svc.start();
	return Object.assign(svc, { n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) } });
}

// ---------------------------------------------------------------- the cluster

export interface WebhookProcessor extends Service {
	url: string;
	/** Its production URL for a webhook path. */
	webhookUrl(pathSuffix: string): string;
}

export interface QueueCluster {
	version: string;
	folder: string;
	postgres: Postgres;
	redis: Redis;
	main: N8nInstance;
	webhooks: WebhookProcessor[];
	worker: Service;
	/** Stops everything, then starts it all again on the same ports and data (Redis starts empty). */
	restartAll(): Promise<void>;
	/** Milliseconds: the first start (all of it) and each restartAll(). */
	timings: { start: number; restarts: number[] };
	/** The tail of every process's log, for a failure message. */
	logTails(lines?: number): string;
	markFailed(): void;
	stop(): Promise<void>;
}

export interface QueueOptions {
	version: string;
	/** How many `n8n webhook` processors (default 1). */
	webhookProcessors?: number;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
}

export async function startQueueCluster(options: QueueOptions): Promise<QueueCluster> {
	installExitHook();
	// PostgreSQL and Redis, installed when missing (the queue project's globalSetup did it already)
	await ensureQueueDepsOnce();
	const { version } = options;
	const installDir = await ensureN8nInstalled(version);
	const nodeBin = nodeBinaryFor(version, installDir);
	const n8nBin = path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const folder = await fsp.mkdtemp(path.join(os.tmpdir(), `n8n-queue-${version}-`));
	const t0 = Date.now();
	// a fresh Postgres gets all of n8n's migrations at the first start (2.x: several hundred), slow on a busy machine
	const startTimeoutMs = Number(process.env.QUEUE_START_TIMEOUT_MS || 600_000);
	let failed = false;
	const started: Array<{ stop(): Promise<void> }> = [];
	const stopAll = async () => {
		for (const s of started.reverse()) await s.stop().catch(() => undefined);
	};
	try {
		const [postgres, redis] = await Promise.all([startPostgres(folder), startRedis(folder)]);
		started.push(postgres, redis);

		// one build for every process, installed into each one's own user folder
		const tarball = await packPackage(process.env.QUEUE_PACKAGE_DIR || REPO_ROOT);
		const count = Math.max(1, options.webhookProcessors ?? 1);
		const folders = {
			main: path.join(folder, 'main'),
			worker: path.join(folder, 'worker'),
			webhooks: Array.from({ length: count }, (_, i) => path.join(folder, `webhook-${i + 1}`)),
		};
		await Promise.all([folders.main, folders.worker, ...folders.webhooks].map((f) => installCommunityPackage(f, tarball)));
		await fsp.rm(path.dirname(tarball), { recursive: true, force: true });

		const webhookPorts: number[] = [];
		for (let i = 0; i < count; i++) webhookPorts.push(await freePort());
		const processorUrl = `http://127.0.0.1:${webhookPorts[0]}`;
		const queueEnv: Record<string, string> = {
			...postgres.n8nEnv,
			...redis.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			// every production delivery goes through a webhook processor, as n8n's docs lay queue mode out
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			WEBHOOK_URL: `${processorUrl}/`,
			N8N_WEBHOOK_URL: `${processorUrl}/`,
			QUEUE_BULL_PREFIX: 'bull',
			...(options.env ?? {}),
		};
		const mainPort = await freePort();
		let main = await startN8n({ version, userFolder: folders.main, port: mainPort, packageDir: null, env: queueEnv, startTimeoutMs });
		started.push({ stop: () => main.stop() });

		const n8nService = async (
			name: string,
			userFolder: string,
			args: string[],
			port: number,
			env: Record<string, string>,
			readyPath: string,
			ready: (url: string) => Promise<boolean> = httpOk,
		): Promise<Service> =>
			service({
				name,
				port,
				command: nodeBin,
				args: [n8nBin, ...args],
				env: n8nProcessEnv({ version, nodeBin, userFolder, port, brokerPort: await freePort(), extra: { ...queueEnv, ...env } }),
				cwd: userFolder,
				logFile: path.join(userFolder, 'n8n.log'),
				ready: () => ready(`http://127.0.0.1:${port}${readyPath}`),
				startTimeoutMs,
			});

		const workerPort = await freePort();
		const worker = await n8nService(
			'worker',
			folders.worker,
			['worker', `--concurrency=${process.env.QUEUE_WORKER_CONCURRENCY || '10'}`],
			workerPort,
			{ QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(workerPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
			'/healthz/readiness',
		);
		const webhooks: WebhookProcessor[] = [];
		for (let i = 0; i < count; i++) {
			const port = webhookPorts[i]!;
			// /healthz answers before the webhook routes exist: ready once n8n itself says a path is not registered
			const svc = await n8nService(`webhook-${i + 1}`, folders.webhooks[i]!, ['webhook'], port, {}, '/webhook/harness-readiness-probe', isNotRegistered);
			const url = `http://127.0.0.1:${port}`;
			webhooks.push(Object.assign(svc, { url, webhookUrl: (p: string) => `${url}/webhook/${p.replace(/^\//, '')}` }));
		}
		await Promise.all([worker, ...webhooks].map((s) => s.start()));
		started.push(worker, ...webhooks);

		const cluster: QueueCluster = {
			version,
			folder,
			postgres,
			redis,
			main,
			webhooks,
			worker,
			timings: { start: Date.now() - t0, restarts: [] },
			async restartAll() {
				const t = Date.now();
				await Promise.all([...webhooks, worker, main].map((s) => s.stop()));
				await Promise.all([redis.stop(), postgres.stop()]);
				await Promise.all([postgres.start(), redis.start()]);
				main = await startN8n({ version, userFolder: folders.main, port: mainPort, packageDir: null, env: queueEnv, startTimeoutMs });
				cluster.main = main;
				await Promise.all([worker, ...webhooks].map((s) => s.start()));
				cluster.timings.restarts.push(Date.now() - t);
			},
			logTails(lines = 40) {
				const parts = [
					['main', cluster.main.logs()],
					...[worker, ...webhooks].map((s) => [s.name, s.logs()]),
				] as Array<[string, string]>;
				return parts.map(([name, text]) => `---- ${name} (n8n ${version}) ----\n${text.split('\n').slice(-lines).join('\n')}`).join('\n');
			},
			markFailed() {
				failed = true;
				cluster.main.markFailed();
			},
			async stop() {
				await stopAll();
				if (failed || process.env.N8N_E2E_KEEP === '1') process.stderr.write(`[queue] n8n ${version} folders kept: ${folder}\n`);
				else await fsp.rm(folder, { recursive: true, force: true }).catch(() => undefined);
			},
		};
		return cluster;
	} catch (error) {
		await stopAll();
		process.stderr.write(`[queue] start failed; folders kept: ${folder}\n`);
		throw error;
	}
}

/** Like withN8nLogs, for a cluster: a failure carries every process's log tail and keeps the folders. */
export async function withClusterLogs<T>(cluster: QueueCluster | undefined, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		if (!cluster) throw error;
		cluster.markFailed();
		const err = error instanceof Error ? error : new Error(String(error));
		err.message += `\n${cluster.logTails()}`;
		throw err;
	}
}
