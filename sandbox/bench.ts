// Seeds a million leads and times 200-record keyset pages over real HTTP (what the node does)
// and in-process (the query alone).

import http from 'node:http';
import { startSandbox } from './index';
import { formatCloseDate } from './time';

export interface SandboxBenchResult {
	records: number;
	seedMs: number;
	/** p50 of a 200-record keyset page over HTTP, ms. */
	pageMs: number;
	pageP99Ms: number;
	/** p50 / p99 of the time the server spent on the page (request received to response written), ms. */
	serverP50Ms: number;
	serverP99Ms: number;
	pages: number;
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
			})
			.on('error', reject);
	});
}

function pct(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

export async function benchSandbox(options: { records?: number; pages?: number } = {}): Promise<SandboxBenchResult> {
	const records = options.records ?? 1_000_000;
	const pages = options.pages ?? 300;
	const sandbox = await startSandbox({ port: 0 });
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const base = Date.UTC(2024, 0, 1) * 1000;
		const t0 = process.hrtime.bigint();
		// Bursts share one microsecond (every 7th) and one millisecond (every 3rd), like real imports.
		sandbox.admin.seed({
			object: 'lead',
			count: records,
			silent: true,
			dateUpdated: (i) => base + Math.floor(i / 7) * 1000 + (i % 3),
		});
		const seedMs = Number(process.hrtime.bigint() - t0) / 1e6;
		const inst = sandbox.admin.createInstance({ name: 'bench' });
		const s = sandbox.secrets;
		const headers = { Authorization: `User ${s.userSecret}, Organization ${s.organizationSecret}, Element ${String(inst.token)}` };
		const spanMicros = Math.floor(records / 7) * 1000;
		const times: number[] = [];
		let cursorDate = formatCloseDate(base);
		let cursorId = '';
		for (let p = 0; p < pages; p++) {
			// Half the pages start at random points, half continue a walk.
			if (p % 2 === 0) {
				cursorDate = formatCloseDate(base + Math.floor(Math.random() * spanMicros));
				cursorId = 'lead_';
			}
			const where = `date_updated > '${cursorDate}' OR (date_updated = '${cursorDate}' AND id > '${cursorId}')`;
			const url = `${sandbox.ocBaseUrl}/hubs/crm/accounts?where=${encodeURIComponent(where)}&orderBy=${encodeURIComponent('date_updated asc, id asc')}&pageSize=200`;
			const t = process.hrtime.bigint();
			const res = await get(agent, url, headers);
			times.push(Number(process.hrtime.bigint() - t) / 1e6);
			if (res.status !== 200) throw new Error(`bench page failed: ${res.status} ${res.body}`);
			const rows = JSON.parse(res.body) as Array<{ id: string; date_updated: string }>;
			if (rows.length) {
				cursorDate = rows[rows.length - 1].date_updated;
				cursorId = rows[rows.length - 1].id;
			}
		}
		const warm = times.slice(10).sort((a, b) => a - b);
		const server = sandbox.admin
			.requests()
			.filter((r) => r.path.endsWith('/hubs/crm/accounts'))
			.map((r) => r.durationMs)
			.slice(10)
			.sort((a, b) => a - b);
		return {
			records,
			seedMs: Math.round(seedMs),
			pageMs: +pct(warm, 0.5).toFixed(3),
			pageP99Ms: +pct(warm, 0.99).toFixed(3),
			serverP50Ms: +pct(server, 0.5).toFixed(3),
			serverP99Ms: +pct(server, 0.99).toFixed(3),
			pages,
		};
	} finally {
		agent.destroy();
		await sandbox.close();
	}
}

if (require.main === module) {
	benchSandbox().then(
		(r) => console.log(JSON.stringify(r, null, 2)),
		(e) => {
			console.error(e);
			process.exit(1);
		},
	);
}
