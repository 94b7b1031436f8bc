/**
 * `npm start` (scripts/start.ts) for real: a real n8n 1.123.81 with the built package, the sandbox, the
 * active demo workflow and its executions, then Ctrl-C (SIGINT) and nothing left behind.
 *
 * Runs the script as `npm start` does (tsx), with --skip-build (`npm test` builds first, and a build here
 * would rewrite dist/ under the e2e tests running beside it), a throw-away n8n user folder and any free
 * ports (so a developer's own `npm start` on 5678/5680 is not disturbed). About 60 s with n8n cached.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const TSX_CLI = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

jest.setTimeout(30 * 60_000); // includes a first-time n8n install when it is not cached

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of live processes whose environment holds `N8N_USER_FOLDER=<folder>` (n8n and anything it spawned). */
function processesOf(userFolder: string): number[] {
	const needle = Buffer.from(`N8N_USER_FOLDER=${userFolder}\0`);
	const found: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (fs.readFileSync(`/proc/${entry}/environ`).includes(needle)) found.push(Number(entry));
		} catch {
			/* gone or not ours */
		}
	}
	return found;
}

async function refused(url: string): Promise<boolean> {
	try {
		await fetch(url, { signal: AbortSignal.timeout(3000) });
		return false;
	} catch {
		return true;
	}
}

function field(out: string, label: string): string {
	const m = new RegExp(`^ ${label}\\s+(\\S+)`, 'm').exec(out);
	if (!m) throw new Error(`no "${label}" line in the output:\n${out}`);
	return m[1]!;
}

describe('npm start', () => {
	let child: ChildProcess | undefined;
	let userFolder = '';
	let out = '';

	afterAll(async () => {
		if (child && child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL'); // the harness's watchdog then kills n8n's process group
			await sleep(2500);
		}
		if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	it('builds the demo (credential, active workflow, executions with summaries) and Ctrl-C stops everything', async () => {
		if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'CloseIoTrigger', 'CloseIoTrigger.node.js'))) {
			throw new Error('dist/ is not built: run `npm run build` first (npm test does)');
		}
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-test-'));
		const env: NodeJS.ProcessEnv = {};
		for (const [k, v] of Object.entries(process.env)) {
			if (!/^(DEMO_|npm_|JEST_|N8N_E2E_)/i.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
		}
		const t0 = Date.now();
		child = spawn(
			process.execPath,
			[TSX_CLI, 'scripts/start.ts', '--skip-build', `--user-folder=${userFolder}`, '--n8n-port=0', '--sandbox-port=0'],
			{ cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
		const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

		// ready: the banner ends with "Ctrl-C to stop."
		const deadline = Date.now() + 25 * 60_000;
		while (!/Ctrl-C to stop/.test(out)) {
			if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before it was ready:\n${out}`);
			if (Date.now() > deadline) throw new Error(`npm start not ready:\n${out}`);
			await sleep(250);
		}
		const readyMs = Date.now() - t0;

		const editor = field(out, 'Editor');
		const workflowUrl = field(out, 'Workflow');
		const sandboxUrl = field(out, 'Sandbox');
		const workflowId = workflowUrl.split('/').pop()!;
		const [email, password] = /^ Login\s+(\S+)\s+\/\s+(\S+)/m.exec(out)!.slice(1);
		expect(workflowUrl).toBe(`${editor}/workflow/${workflowId}`);

		// What it printed: one summary line per change, of each kind
		const lines = out.split('\n').filter((l) => l.includes('[n8n execution '));
		const summary = (re: RegExp) => lines.filter((l) => re.test(l));
		const at = String.raw` at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$`;
		expect(summary(new RegExp(String.raw`\] created lead Acme Rockets \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] created lead Globex Corporation \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] created lead Initech \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] updated lead Acme Rockets \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] merged lead Acme Rockets \(lead_\w{22}\) \(merged from lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] deleted lead Globex Corporation \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(summary(new RegExp(String.raw`\] deleted lead Initech \(lead_\w{22}\)${at}`))).toHaveLength(1);
		expect(lines).toHaveLength(7);

		// What n8n says, read independently with the printed login: the workflow is active, 7 successful webhook executions
		const login = await fetch(`${editor}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		expect(login.status).toBe(200);
		const cookie = login.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='))!.split(';')[0]!;
		const rest = async (p: string) => ((await (await fetch(`${editor}/rest${p}`, { headers: { cookie } })).json()) as { data: any }).data;
		const wf = await rest(`/workflows/${workflowId}`);
		expect(wf.name).toBe('Close.io demo: lead changes');
		expect(wf.active).toBe(true);
		const creds = await rest('/credentials');
		expect(creds.map((c: { name: string }) => c.name)).toContain('SAP Open Connectors API (sandbox)');
		const executions = await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
		expect(executions.count).toBe(7);
		expect(executions.results.map((e: { status: string; mode: string }) => `${e.mode}:${e.status}`)).toEqual(Array(7).fill('webhook:success'));

		// The printed "More changes" command works: a new lead becomes a new execution, printed as it arrives
		const more = /More changes: curl -su (\S+): .* -d '(\{.*\})' (\S+)$/m.exec(out)!;
		expect(more[3]!.startsWith(sandboxUrl)).toBe(true);
		const res = await fetch(more[3]!, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from(`${more[1]}:`).toString('base64')}`, 'content-type': 'application/json' },
			body: more[2],
		});
		expect(res.status).toBe(200);
		const until = Date.now() + 30_000;
		while (!/\] created lead Wayne Enterprises \(lead_\w{22}\)/.test(out)) {
			if (Date.now() > until) throw new Error(`the new lead never showed up:\n${out}`);
			await sleep(250);
		}

		// Ctrl-C: exits 0, n8n and the sandbox are gone, no process of this n8n is left
		expect(processesOf(userFolder).length).toBeGreaterThan(0);
		const t1 = Date.now();
		child.kill('SIGINT');
		let timer: NodeJS.Timeout | undefined;
		const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000)))]);
		clearTimeout(timer);
		expect(code).toBe(0);
		const stopMs = Date.now() - t1;
		expect(out).toMatch(/n8n stopped/);
		expect(out).toMatch(/sandbox stopped/);
		expect(processesOf(userFolder)).toEqual([]);
		expect(await refused(`${editor}/healthz`)).toBe(true);
		expect(await refused(`${sandboxUrl}/__admin/stats`)).toBe(true);
		expect(fs.existsSync(path.join(userFolder, 'demo.pid'))).toBe(false);
		process.stderr.write(`[npm start test] ready in ${readyMs} ms, stopped in ${stopMs} ms\n`);
	});
});
