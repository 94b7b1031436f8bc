/**
 * The queue suite prepares PostgreSQL and Redis itself (test/e2e/harness/queueDeps.ts, run by the queue
 * project's globalSetup and by startQueueCluster): with injected probes, nothing is uninstalled from
 * this shared machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as queueDeps from '../e2e/harness/queueDeps';
import { INSTALL_SCRIPT, type QueueDepsProbe, ensureQueueDeps, hasPostgres, hasRedis, onPath } from '../e2e/harness/queueDeps';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A machine where `present` says what is installed; install() installs `installs` (default: both). */
function machine(opts: { pg: boolean; redis: boolean; cannotInstall?: string | null; installs?: { pg: boolean; redis: boolean }; installFails?: string }) {
	const state = { pg: opts.pg, redis: opts.redis };
	const calls = { install: [] as string[], cannotInstall: 0, log: [] as string[] };
	const probe: QueueDepsProbe = {
		hasPostgres: () => state.pg,
		hasRedis: () => state.redis,
		cannotInstall: async () => {
			calls.cannotInstall++;
			return opts.cannotInstall ?? null;
		},
		install: async (script) => {
			calls.install.push(script);
			if (opts.installFails) throw new Error(`${opts.installFails}\nsecond line of apt-get output`);
			const after = opts.installs ?? { pg: true, redis: true };
			state.pg ||= after.pg;
			state.redis ||= after.redis;
		},
		log: (line) => calls.log.push(line),
	};
	return { probe, calls, state };
}

describe('ensureQueueDeps: PostgreSQL and Redis for the queue-mode suite', () => {
	it('does nothing when both are there (no install, no install check)', async () => {
		const m = machine({ pg: true, redis: true });
		await ensureQueueDeps(m.probe);
		expect(m.calls).toEqual({ install: [], cannotInstall: 0, log: [] });
	});

	it.each([
		['redis-server missing', { pg: true, redis: false }, 'Redis (redis-server)'],
		['initdb missing', { pg: false, redis: true }, 'PostgreSQL (initdb)'],
		['both missing', { pg: false, redis: false }, 'PostgreSQL (initdb) and Redis (redis-server)'],
	])('%s and installing allowed: runs scripts/install-queue-deps.sh once, then both are there', async (_name, present, what) => {
		const m = machine(present);
		await ensureQueueDeps(m.probe);
		expect(m.calls.install).toEqual([INSTALL_SCRIPT]);
		expect(m.state).toEqual({ pg: true, redis: true });
		expect(m.calls.log).toEqual([`[queue] ${what} missing: running scripts/install-queue-deps.sh`]);
	});

	it('the installer it runs is the repository script .ci/run uses', () => {
		expect(INSTALL_SCRIPT).toBe(path.join(REPO_ROOT, 'scripts', 'install-queue-deps.sh'));
		expect(fs.existsSync(INSTALL_SCRIPT)).toBe(true);
		expect(fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8')).toContain('scripts/install-queue-deps.sh');
	});

	it.each(['no apt-get', 'not root and no sudo', 'not root and sudo asks for a password'])(
		'cannot install (%s): one line naming what to install and how, no install attempted',
		async (reason) => {
			const m = machine({ pg: true, redis: false, cannotInstall: reason });
			const error = await ensureQueueDeps(m.probe).then(
				() => undefined,
				(e: Error) => e,
			);
			expect(m.calls.install).toEqual([]);
			expect(error?.message).toBeDefined();
			const message = error!.message;
			expect(message).not.toContain('\n');
			expect(message).toContain('Redis (redis-server)');
			expect(message).not.toContain('PostgreSQL (initdb)'); // only what is missing
			expect(message).toContain(`(${reason})`);
			expect(message).toContain('scripts/install-queue-deps.sh');
			expect(message).toContain('apt-get install -y postgresql redis-server');
			expect(message).toContain('QUEUE_PG_BIN=');
			expect(message).toContain('QUEUE_REDIS_SERVER=');
		},
	);

	it('the installer fails: one line with its first line of output', async () => {
		const m = machine({ pg: false, redis: true, installFails: 'E: Unable to locate package postgresql' });
		await expect(ensureQueueDeps(m.probe)).rejects.toThrow(
			/^the queue-mode suite needs PostgreSQL \(initdb\), missing here and not installed \(scripts\/install-queue-deps\.sh failed: E: Unable to locate package postgresql\): run/,
		);
		await expect(ensureQueueDeps(m.probe)).rejects.not.toThrow(/second line/);
	});

	it('the installer "succeeds" but a binary is still missing: says which', async () => {
		const m = machine({ pg: false, redis: false, installs: { pg: true, redis: false } });
		await expect(ensureQueueDeps(m.probe)).rejects.toThrow(/needs Redis \(redis-server\), missing here and not installed \(scripts\/install-queue-deps\.sh ran but they are still missing\)/);
	});
});

describe('the probes look where harness/queue.ts looks', () => {
	let dir: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-deps-'));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
	const executable = (file: string) => {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
		return file;
	};

	it('Redis: QUEUE_REDIS_SERVER when set, else redis-server on PATH', () => {
		const bin = path.join(dir, 'bin');
		expect(hasRedis({ PATH: bin })).toBe(false);
		executable(path.join(bin, 'redis-server'));
		expect(hasRedis({ PATH: bin })).toBe(true);
		expect(hasRedis({ PATH: bin, QUEUE_REDIS_SERVER: path.join(dir, 'nowhere', 'redis-server') })).toBe(false);
		expect(hasRedis({ PATH: '', QUEUE_REDIS_SERVER: path.join(bin, 'redis-server') })).toBe(true);
		fs.writeFileSync(path.join(dir, 'not-executable'), '');
		expect(onPath(path.join(dir, 'not-executable'))).toBeNull();
	});

	it('the real installer call reports the script\'s last line on stderr when it fails', async () => {
		const script = path.join(dir, 'failing-install.sh');
		fs.writeFileSync(script, 'echo "Reading package lists..." >&2\necho "install-queue-deps.sh: apt-get finished but PostgreSQL or Redis is missing" >&2\nexit 1\n');
		await expect(queueDeps.systemProbe().install(script)).rejects.toThrow(/^install-queue-deps\.sh: apt-get finished but PostgreSQL or Redis is missing$/);
	});

	it('PostgreSQL: QUEUE_PG_BIN/initdb when set, else any /usr/lib/postgresql/<version>/bin/initdb', () => {
		const root = path.join(dir, 'postgresql');
		expect(hasPostgres({}, root)).toBe(false);
		fs.mkdirSync(path.join(root, '16', 'bin'), { recursive: true });
		expect(hasPostgres({}, root)).toBe(false);
		executable(path.join(root, '16', 'bin', 'initdb'));
		expect(hasPostgres({}, root)).toBe(true);
		expect(hasPostgres({ QUEUE_PG_BIN: path.join(dir, 'empty') }, root)).toBe(false);
		expect(hasPostgres({ QUEUE_PG_BIN: path.join(root, '16', 'bin') }, path.join(dir, 'none'))).toBe(true);
	});
});

describe('the queue project prepares them before any case', () => {
	afterEach(() => jest.restoreAllMocks());

	it('jest.config.js gives the queue project a globalSetup that runs the installer when redis-server is missing', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const config = require(path.join(REPO_ROOT, 'jest.config.js')) as { projects: Array<{ displayName: string; globalSetup?: string }> };
		const queue = config.projects.find((p) => p.displayName === 'queue');
		expect(queue?.globalSetup).toBe('<rootDir>/test/queue/globalSetup.ts');
		const m = machine({ pg: true, redis: false });
		jest.spyOn(queueDeps, 'systemProbe').mockReturnValue(m.probe);
		const { default: globalSetup } = (await import(path.join(REPO_ROOT, 'test', 'queue', 'globalSetup.ts'))) as { default: () => Promise<void> };
		await globalSetup();
		expect(m.calls.install).toEqual([INSTALL_SCRIPT]);
	});

	it('and stops in one line (no stack) when it cannot install', async () => {
		const m = machine({ pg: false, redis: false, cannotInstall: 'no apt-get' });
		jest.spyOn(queueDeps, 'systemProbe').mockReturnValue(m.probe);
		const { default: globalSetup } = (await import(path.join(REPO_ROOT, 'test', 'queue', 'globalSetup.ts'))) as { default: () => Promise<void> };
		const error = await globalSetup().then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.stack).toBe(`Error: ${error?.message}`);
		expect(error?.stack).not.toContain('\n');
		expect(m.calls.install).toEqual([]);
	});
});
