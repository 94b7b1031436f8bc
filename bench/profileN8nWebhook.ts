// Where n8n spends its CPU per delivery: our Close.io Trigger vs n8n's Webhook node (issue 15).
// Two n8n processes in turn, each run under `node --cpu-prof`, each receiving the same number of
// signed deliveries on ONE side only (after a warm-up); the profiles (.cpuprofile, Chrome format)
// are summed by category (our package, static data, expressions, database, HTTP ...), and CPU
// milliseconds per delivery printed side by side.
//
// `npx tsx bench/profileN8nWebhook.ts`; knobs: PROFILE_N8N_DELIVERIES (default 1500),
// PROFILE_N8N_CONCURRENCY (12), N8N_E2E_VERSION, PROFILE_N8N_ENV (NAME=value,...), PROFILE_DIR (kept).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox } from '../sandbox';
import { type N8nInstance, startN8n } from '../test/e2e/harness/n8n';
import {
	KEEP_EXECUTIONS_ENV,
	N8N_WEBHOOK_WORKFLOW_FILE,
	driveLoad,
	loadWorkflow,
	makeNotifications,
	n8nSettingsFrom,
	setUpTrigger,
	waitForExecutionCount,
} from './n8nWebhook';
import { SEEN_PERSISTED } from '../nodes/CloseIoTrigger/webhook/memory';

/** A frame of our package as n8n loaded it (its community-package folder), not n8n's cache folder. */
const isOurs = (url: string) => url.includes('node_modules/n8n-nodes-open-connectors-closeio/');

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

/** The category a stack belongs to: the first rule matching a frame, innermost first. */
const CATEGORIES: Array<[string, (url: string, fn: string) => boolean]> = [
	['static data (observable, save)', (url, fn) => /observable-object|workflow-static-data/.test(url) || /StaticData/.test(fn)],
	['expressions', (url) => /expression|tmpl|riot|jssha|luxon|esprima|recast|ast-types/.test(url)],
	['database (sqlite, typeorm)', (url) => /typeorm|sqlite3|\/db\/|repositories/.test(url)],
	['JSON', (_url, fn) => fn === 'parse' || fn === 'stringify'],
	['webhook handling (cli)', (url) => /\/webhooks\//.test(url)],
	['execution engine', (url) => /execution-engine|workflow-runner|workflow-execute|active-executions/.test(url)],
	['HTTP (express, body parsing)', (url) => /express|body-parser|raw-body|node:_http|node:net|iconv|finalhandler|router/.test(url)],
	['GC', (_url, fn) => fn === '(garbage collector)'],
	['idle', (_url, fn) => fn === '(idle)' || fn === '(program)'],
];

function categorize(profile: CpuProfile): Map<string, number> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const cache = new Map<number, string>();
	const categoryOf = (id: number): string => {
		const hit = cache.get(id);
		if (hit) return hit;
		let cat = 'other';
		// what our code calls (n8n helpers, crypto) is ours; the rest goes by its innermost frame
		for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
			if (isOurs(byId.get(cur)!.callFrame.url)) {
				cache.set(id, 'our package (and what it calls)');
				return 'our package (and what it calls)';
			}
		}
		for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
			const f = byId.get(cur)!.callFrame;
			const rule = CATEGORIES.find(([, test]) => test(f.url, f.functionName));
			if (rule) {
				cat = rule[0];
				break;
			}
		}
		cache.set(id, cat);
		return cat;
	};
	const totals = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const cat = categoryOf(id);
		totals.set(cat, (totals.get(cat) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	});
	return totals;
}

/** Self time (ms) per function of our package, the heaviest first. */
function ourFunctions(profile: CpuProfile): Array<[string, number]> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const totals = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const f = byId.get(id)!.callFrame;
		if (!isOurs(f.url)) return;
		const key = `${f.functionName || '(anonymous)'} ${f.url.split('n8n-nodes-open-connectors-closeio/').pop()}:${f.lineNumber + 1}`;
		totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	});
	return [...totals.entries()];
}

async function profileSide(side: 'ours' | 'n8n', deliveries: number, concurrency: number, dir: string): Promise<{ totals: Map<string, number>; ours: Array<[string, number]> }> {
	const profDir = path.join(dir, side);
	fs.mkdirSync(profDir, { recursive: true });
	const sandbox = await startSandbox({ port: 0 });
	let n8n: N8nInstance | undefined;
	try {
		n8n = await startN8n({
			env: { ...KEEP_EXECUTIONS_ENV, ...n8nSettingsFrom(process.env.PROFILE_N8N_ENV) },
			nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
		});
		const trigger = await setUpTrigger(n8n, sandbox, 'profile');
		const { id: webhookWorkflowId } = await n8n.importWorkflow(loadWorkflow(N8N_WEBHOOK_WORKFLOW_FILE, {}));
		await n8n.activate(webhookWorkflowId);
		const url = side === 'ours' ? trigger.url : n8n.webhookUrl('bench-n8n-webhook');
		const workflowId = side === 'ours' ? trigger.workflowId : webhookWorkflowId;
		// warm-up as in the bench (ours reaches a full persisted memory), then the measured load
		const warm = makeNotifications(SEEN_PERSISTED, { instanceId: trigger.instanceId, signatureKey: trigger.signatureKey });
		await driveLoad(url, warm, { concurrency, timeoutMs: 60_000 });
		await waitForExecutionCount(n8n, workflowId, warm.length, { timeoutMs: 600_000, pollMs: 500 });
		const payloads = makeNotifications(deliveries, { instanceId: trigger.instanceId, signatureKey: trigger.signatureKey });
		await driveLoad(url, payloads, { concurrency, timeoutMs: 60_000 });
		await waitForExecutionCount(n8n, workflowId, warm.length + deliveries, { timeoutMs: 600_000, pollMs: 500 });
	} finally {
		await n8n?.stop();
		await sandbox.close();
	}
	return analyze(profDir);
}

/** Every thread's profile (main thread, event-bus writer worker ...) of one n8n process, summed. */
function analyze(profDir: string): { totals: Map<string, number>; ours: Array<[string, number]> } {
	const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
	if (files.length === 0) throw new Error(`no .cpuprofile written in ${profDir} (n8n did not exit cleanly?)`);
	const totals = new Map<string, number>();
	const ours = new Map<string, number>();
	for (const f of files) {
		const profile = JSON.parse(fs.readFileSync(path.join(profDir, f), 'utf8')) as CpuProfile;
		for (const [k, v] of categorize(profile)) totals.set(k, (totals.get(k) ?? 0) + v);
		for (const [k, v] of ourFunctions(profile)) ours.set(k, (ours.get(k) ?? 0) + v);
	}
	return { totals, ours: [...ours.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10) };
}

async function main(): Promise<void> {
	const deliveries = Number(process.env.PROFILE_N8N_DELIVERIES ?? 1500);
	const concurrency = Number(process.env.PROFILE_N8N_CONCURRENCY ?? 12);
	const dir = process.env.PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-profile-'));
	// PROFILE_ANALYZE_ONLY=1: read the profiles a previous run left in PROFILE_DIR
	const analyzeOnly = process.env.PROFILE_ANALYZE_ONLY === '1';
	const ours = analyzeOnly ? analyze(path.join(dir, 'ours')) : await profileSide('ours', deliveries, concurrency, dir);
	const theirs = analyzeOnly ? analyze(path.join(dir, 'n8n')) : await profileSide('n8n', deliveries, concurrency, dir);
	const total = SEEN_PERSISTED + deliveries;
	console.log(`\n## CPU per delivery in n8n (profiles in ${dir}; ${total} deliveries per side incl. warm-up; load average ${fs.readFileSync('/proc/loadavg', 'utf8').trim()})`);
	const cats = [...new Set([...ours.totals.keys(), ...theirs.totals.keys()])].sort((a, b) => (ours.totals.get(b) ?? 0) - (ours.totals.get(a) ?? 0));
	console.log(`${'category'.padEnd(34)} ${'ours ms/delivery'.padStart(18)} ${'Webhook node'.padStart(14)} ${'difference'.padStart(12)}`);
	let sumOurs = 0;
	let sumTheirs = 0;
	for (const c of cats) {
		const a = (ours.totals.get(c) ?? 0) / total;
		const b = (theirs.totals.get(c) ?? 0) / total;
		if (c !== 'idle') {
			sumOurs += a;
			sumTheirs += b;
		}
		console.log(`${c.padEnd(34)} ${a.toFixed(3).padStart(18)} ${b.toFixed(3).padStart(14)} ${(a - b).toFixed(3).padStart(12)}`);
	}
	console.log(`${'busy (all but idle)'.padEnd(34)} ${sumOurs.toFixed(3).padStart(18)} ${sumTheirs.toFixed(3).padStart(14)} ${(sumOurs - sumTheirs).toFixed(3).padStart(12)}`);
	console.log('\nour package, self time (ms, whole run):');
	for (const [fn, t] of ours.ours) console.log(`  ${t.toFixed(1).padStart(8)}  ${fn}`);
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
