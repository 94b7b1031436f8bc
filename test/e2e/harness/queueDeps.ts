/**
 * What the queue-mode suite needs on the machine, prepared the way the editor tests prepare Chromium
 * (browser/chromium.ts `ensureChromium`): PostgreSQL's server (`initdb`, for harness/queue.ts
 * `startPostgres`) and `redis-server`. When one is missing and this machine may install packages
 * (apt-get, as root or through password-less sudo), scripts/install-queue-deps.sh installs both;
 * otherwise the suite stops at once with ONE line saying what to install and how to point at it
 * (QUEUE_PG_BIN, QUEUE_REDIS_SERVER), instead of every case failing with `redis exited (-2)`.
 *
 * The probes are injectable, so a unit test proves "missing => installer runs" and "cannot install
 * => one line" without uninstalling anything from a shared machine.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** This repository's root (this file is test/e2e/harness/queueDeps.ts). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-queue-deps.sh');

export interface QueueDepsProbe {
	/** PostgreSQL's server tools (initdb) are there. */
	hasPostgres(): boolean;
	/** redis-server is there. */
	hasRedis(): boolean;
	/** Why packages cannot be installed here (no apt-get, not root and no password-less sudo), or null when they can. */
	cannotInstall(): Promise<string | null>;
	/** Runs scripts/install-queue-deps.sh (throws when it fails). */
	install(script: string): Promise<void>;
	log(line: string): void;
}

/** One line: what is missing, and the two ways out. */
export function missingMessage(missing: string[], reason: string): string {
	return (
		`the queue-mode suite needs ${missing.join(' and ')}, missing here and not installed (${reason}): ` +
		`run scripts/install-queue-deps.sh as root (apt-get install -y postgresql redis-server), ` +
		`or install them yourself and set QUEUE_PG_BIN=<PostgreSQL bin folder holding initdb> and QUEUE_REDIS_SERVER=<path of redis-server>`
	);
}

function missingOf(probe: QueueDepsProbe): string[] {
	const missing: string[] = [];
	if (!probe.hasPostgres()) missing.push('PostgreSQL (initdb)');
	if (!probe.hasRedis()) missing.push('Redis (redis-server)');
	return missing;
}

/**
 * Makes sure PostgreSQL and Redis are there: nothing to do when both are; otherwise installs them
 * (when this machine allows it) or throws the one-line message.
 */
export async function ensureQueueDeps(probe: QueueDepsProbe = systemProbe()): Promise<void> {
	const missing = missingOf(probe);
	if (!missing.length) return;
	const reason = await probe.cannotInstall();
	if (reason) throw new Error(missingMessage(missing, reason));
	probe.log(`[queue] ${missing.join(' and ')} missing: running scripts/install-queue-deps.sh`);
	try {
		await probe.install(INSTALL_SCRIPT);
	} catch (error) {
		throw new Error(missingMessage(missing, `scripts/install-queue-deps.sh failed: ${String((error as Error).message ?? error).split('\n')[0]}`));
	}
	const still = missingOf(probe);
	if (still.length) throw new Error(missingMessage(still, 'scripts/install-queue-deps.sh ran but they are still missing'));
}

let prepared: Promise<void> | undefined;
/** ensureQueueDeps() once per test process (several versions' clusters share the one install). */
export function ensureQueueDepsOnce(): Promise<void> {
	prepared ??= ensureQueueDeps().catch((error: unknown) => {
		prepared = undefined;
		throw error;
	});
	return prepared;
}

// ---------------------------------------------------------------- this machine

function isExecutable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/** A command on PATH (or a path), as `command -v` finds it. */
export function onPath(command: string, envPath = process.env.PATH ?? ''): string | null {
	if (command.includes('/')) return isExecutable(command) ? command : null;
	for (const dir of envPath.split(path.delimiter)) {
		if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
	}
	return null;
}

/** Where harness/queue.ts looks: QUEUE_PG_BIN, else Debian's /usr/lib/postgresql/<version>/bin. */
export function hasPostgres(env: NodeJS.ProcessEnv = process.env, root = '/usr/lib/postgresql'): boolean {
	if (env.QUEUE_PG_BIN) return isExecutable(path.join(env.QUEUE_PG_BIN, 'initdb'));
	if (!fs.existsSync(root)) return false;
	return fs.readdirSync(root).some((v) => isExecutable(path.join(root, v, 'bin', 'initdb')));
}

/** What harness/queue.ts starts: QUEUE_REDIS_SERVER, else redis-server on PATH. */
export function hasRedis(env: NodeJS.ProcessEnv = process.env): boolean {
	return onPath(env.QUEUE_REDIS_SERVER || 'redis-server', env.PATH ?? '') !== null;
}

export function systemProbe(): QueueDepsProbe {
	return {
		hasPostgres: () => hasPostgres(),
		hasRedis: () => hasRedis(),
		async cannotInstall() {
			if (!onPath('apt-get')) return 'no apt-get';
			if (process.getuid?.() === 0) return null;
			if (!onPath('sudo')) return 'not root and no sudo';
			// install-queue-deps.sh would use sudo: only without a password prompt (a test cannot answer one)
			const ok = await execFileP('sudo', ['-n', 'true'], { timeout: 10_000 }).then(
				() => true,
				() => false,
			);
			return ok ? null : 'not root and sudo asks for a password';
		},
		async install(script) {
			// apt-get update + two packages: minutes on a slow mirror
			try {
				await execFileP('bash', [script], { timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
			} catch (error) {
				// the script's (or apt-get's) own last words say why, not "Command failed: bash ..."
				const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').filter(Boolean);
				throw new Error(stderr.length ? stderr[stderr.length - 1]! : (error as Error).message);
			}
		},
		log: (line) => process.stderr.write(`${line}\n`),
	};
}
