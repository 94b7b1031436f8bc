// `npm run bench`: every performance goal of the project, measured side by side in one run.
// Figures are printed, never asserted: tests check behaviour, this checks speed.

import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PollSources } from '../lib/polling';
import { readPollState, runPoll } from '../lib/polling';
import { signClose, signOpenConnectors } from '../lib/signatures';
import { receiveWebhook } from '../lib/webhookReceiver';
import { benchSandbox } from '../sandbox/bench';

const N = Number(process.env.BENCH_RECORDS ?? 100000);
const PAGE = 200;

function line(label: string, value: string): void {
	console.log(`${label.padEnd(58)} ${value}`);
}

async function startSeededSandbox(count: number) {
	const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'seededSandbox.ts'), String(count)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
	return { info: JSON.parse(first), stop: () => child.kill('SIGTERM') };
}

async function pollingBench(): Promise<void> {
	console.log(`\n## Polling (issue 4): sandbox with ${N} changed records, page size ${PAGE}`);
	const { info, stop } = await startSeededSandbox(N);
	const dir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
	const infoFile = join(dir, 'info.json');
	const urlsFile = join(dir, 'urls.json');
	writeFileSync(infoFile, JSON.stringify(info));
	const worker = (mode: 'poll' | 'bare') =>
		JSON.parse(
			execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'pollWorker.ts'), mode, infoFile, urlsFile], {
				encoding: 'utf8',
			}),
		) as { ms: number; maxRssMb: number; items: number; hubRequests: number };
	try {
		// The first run also makes the sandbox serve (and cache) every page; then each side twice,
		// alternating, each in its own process, keeping its best run.
		const warm = worker('poll');
		const runs = { bare: [worker('bare')], poll: [worker('poll')] };
		runs.bare.push(worker('bare'));
		runs.poll.push(worker('poll'));
		const best = (xs: Array<{ ms: number; maxRssMb: number }>) => ({
			ms: Math.min(...xs.map((x) => x.ms)),
			rss: Math.min(...xs.map((x) => x.maxRssMb)),
		});
		const poll = best(runs.poll);
		const bare = best(runs.bare);
		line('items delivered', String(warm.items));
		line('list requests / ceil(N / pageSize)   (goal 1.00)', `${warm.hubRequests} / ${Math.ceil(N / PAGE)} = ${(warm.hubRequests / Math.ceil(N / PAGE)).toFixed(3)}`);
		line('poll() wall time / bare fetch+parse loop   (goal <= 1.15)', `${poll.ms.toFixed(0)} ms / ${bare.ms.toFixed(0)} ms = ${(poll.ms / bare.ms).toFixed(3)}`);
		line('process peak RSS, poll() / bare loop   (goal <= 1.5)', `${poll.rss.toFixed(0)} MB / ${bare.rss.toFixed(0)} MB = ${(poll.rss / bare.rss).toFixed(2)}`);
	} finally {
		stop();
	}

	// The cursor after 1M records: a synthetic in-memory hub (no HTTP), the real poller.
	const M = 1_000_000;
	const t0 = Date.UTC(2024, 0, 1) * 1000;
	const pad = (n: number, w: number) => String(n).padStart(w, '0');
	const iso = (us: number) => {
		const d = new Date(Math.floor(us / 1000));
		return `${d.toISOString().slice(0, 19)}.${pad(us % 1_000_000, 6)}+00:00`;
	};
	const records = Array.from({ length: M }, (_, i) => {
		const us = t0 + Math.floor(i / 5) * 1000 + (i % 3);
		return { id: `lead_${pad(i, 22)}`, date_created: iso(us), date_updated: iso(us) };
	}).sort((a, b) => (a.date_updated < b.date_updated ? -1 : a.date_updated > b.date_updated ? 1 : a.id < b.id ? -1 : 1));
	let position = 0;
	const sources: PollSources = {
		listHub: async (_resource, query) => {
			if (query.orderBy.includes('desc')) return { records: records.slice(-1) };
			const page = records.slice(position, position + query.pageSize);
			position += page.length;
			return { records: page };
		},
		listEvents: async () => ({ data: [] }),
	};
	const result = await runPoll(sources, { objects: ['lead'], events: ['created', 'updated'], pageSize: 500, maxItemsPerPoll: 0, datePattern: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", includeRaw: false, startFrom: { mode: 'all' } }, readPollState(undefined));
	line(`stored cursor size after ${M} records   (goal <= 10 KB)`, `${JSON.stringify(result.state).length} bytes`);
}

function webhookBench(): void {
	console.log('\n## Webhook receive (issue 5): signature check + parse + normalize, one core');
	{
		// The floor: node's own HMAC-SHA256 over 2 KB on this machine, nothing else (warmed up first).
		const { createHmac } = require('node:crypto') as typeof import('node:crypto');
		const body = Buffer.alloc(2048, 97);
		const hmacAll = (n: number) => {
			for (let i = 0; i < n; i++) createHmac('sha256', 'k').update(body).digest();
		};
		hmacAll(5000);
		const t0 = performance.now();
		hmacAll(40000);
		line('floor: crypto HMAC-SHA256 alone, 2 KB', `${Math.round(40000 / ((performance.now() - t0) / 1000)).toLocaleString('en')} /s`);
	}
	const sample = JSON.parse(readFileSync(join(__dirname, '..', '..', 'shared', 'reference', 'samples', 'close-webhook-lead-updated.json'), 'utf8'));
	for (const size of [2 * 1024, 200 * 1024]) {
		const event = { ...sample.event, data: { ...sample.event.data, description: '' } };
		let body = JSON.stringify({ subscription_id: sample.subscription_id, event });
		event.data.description = 'x'.repeat(Math.max(0, size - body.length));
		body = JSON.stringify({ subscription_id: sample.subscription_id, event });
		const raw = Buffer.from(body);
		const ocBody = Buffer.from(JSON.stringify({ message: { eventId: 'e1', elementKey: 'closeio', instanceId: 1, events: [{ objectType: 'accounts', objectId: event.object_id, eventType: 'UPDATED' }], raw: JSON.parse(body) } }));
		const ocKey = 'k'.repeat(64);
		const closeKey = 'ab'.repeat(32);
		const now = Math.floor(Date.now() / 1000);
		const cases = [
			{ name: 'direct (Close signature)', route: 'direct' as const, raw, headers: { 'content-type': 'application/json', 'close-sig-timestamp': String(now), 'close-sig-hash': signClose(closeKey, String(now), raw) } },
			{ name: 'Open Connectors relay', route: 'openConnectors' as const, raw: ocBody, headers: { 'content-type': 'application/json', 'elements-webhook-signature': signOpenConnectors(ocKey, ocBody) } },
		];
		for (const c of cases) {
			const iterations = size > 10000 ? 2000 : 50000;
			const receiveAll = (n: number) => {
				let items = 0;
				for (let i = 0; i < n; i++) {
					const d = receiveWebhook({ method: 'POST', headers: c.headers, rawBody: c.raw }, { route: c.route, openConnectorsSignatureKey: ocKey, closeSignatureKey: closeKey, objects: ['lead'], events: ['updated'], includeRaw: false, nowSeconds: now });
					items += d.items.length;
				}
				return items;
			};
			receiveAll(iterations / 10); // warm-up (JIT), not counted
			const t0 = performance.now();
			const items = receiveAll(iterations);
			const seconds = (performance.now() - t0) / 1000;
			if (items !== iterations) throw new Error(`bench payload rejected (${c.name})`);
			line(`${c.name}, ${(c.raw.length / 1024).toFixed(0)} KB   (goal >= 100k/s at 2 KB)`, `${Math.round(iterations / seconds).toLocaleString('en')} events/s`);
		}
	}
}

async function main(): Promise<void> {
	// BENCH_ONLY=receive,polling,sandbox,n8n,filter picks sections (default: all, in this order)
	const only = new Set((process.env.BENCH_ONLY ?? 'receive,polling,sandbox,n8n,filter').split(',').map((x) => x.trim()));
	if (only.has('receive')) webhookBench();
	if (only.has('polling')) await pollingBench();
	if (only.has('sandbox')) {
		console.log('\n## Sandbox (issue 2): 1,000,000 records, 200-record keyset page');
		const s = await benchSandbox({ records: 1_000_000, pages: 200 });
		line('page over HTTP p50 / p99   (goal well under 10 ms)', `${s.pageMs.toFixed(2)} ms / ${s.pageP99Ms.toFixed(2)} ms`);
		line('inside the server p50 / p99', `${s.serverP50Ms.toFixed(2)} ms / ${s.serverP99Ms.toFixed(2)} ms`);
		line('seeding 1M records', `${(s.seedMs / 1000).toFixed(1)} s`);
	}
	if (only.has('n8n')) await (await import('./n8nWebhook')).benchN8nWebhooks();
	if (only.has('filter')) await (await import('./statusFilter')).benchStatusFilter();
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
