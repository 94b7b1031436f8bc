import { Sandbox, startSandbox } from '../../sandbox';
import { closeAuth, json, ocAuth } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.admin.reset());

const getLeads = () => fetch(sb.closeBaseUrl + '/lead/', { headers: closeAuth(sb) });

describe('faults', () => {
	it('status + Retry-After + RateLimit reset on the Close side, for the next k requests', async () => {
		sb.admin.addFault({ path: '/api/v1/lead', status: 429, retryAfter: 7, rateLimitReset: 5, times: 2 });
		for (let i = 0; i < 2; i++) {
			const r = await getLeads();
			expect(r.status).toBe(429);
			expect(r.headers.get('retry-after')).toBe('7');
			expect(r.headers.get('ratelimit')).toMatch(/remaining=0, reset=5$/);
			expect((await json(r)).error).toBeTruthy();
		}
		expect((await getLeads()).status).toBe(200);
	});

	it('Open Connectors faults carry {message, requestId}; method and RegExp matching; custom body', async () => {
		sb.admin.addFault({ method: 'POST', path: /\/instances$/, status: 503 });
		expect((await fetch(sb.ocBaseUrl + '/instances', { headers: ocAuth(sb) })).status).toBe(200);
		const r = await fetch(sb.ocBaseUrl + '/instances', { method: 'POST', headers: ocAuth(sb), body: '{}' });
		expect(r.status).toBe(503);
		const body = await json(r);
		expect(body.requestId).toBe(r.headers.get('elements-request-id'));
		sb.admin.clearFaults();
		sb.admin.addFault({ path: '/api/v1/', status: 500, body: { custom: true }, times: 1 });
		expect(await json(await getLeads())).toEqual({ custom: true });
	});

	it('delays a response', async () => {
		sb.admin.addFault({ path: '/api/v1/lead', delayMs: 150, times: 1 });
		const t0 = Date.now();
		const r = await getLeads();
		expect(r.status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
	});

	it('latencyMs: the answer leaves that long after arrival and shows the state at arrival; delayMs waits first', async () => {
		const names = async (r: Response) => ((await json(r)).data as Array<{ name: string }>).map((lead) => lead.name);
		const during = async (fault: { latencyMs?: number; delayMs?: number }, name: string) => {
			sb.admin.clearFaults();
			sb.admin.addFault({ path: '/api/v1/lead', times: 1, ...fault });
			const t0 = Date.now();
			const answer = getLeads();
			// Written while the request waits: after it arrived, before its answer left.
			await new Promise((resolve) => setTimeout(resolve, 100));
			sb.admin.create('lead', { name });
			const r = await answer;
			return { elapsed: Date.now() - t0, names: await names(r) };
		};
		const latency = await during({ latencyMs: 300 }, 'after arrival');
		expect(latency.elapsed).toBeGreaterThanOrEqual(290);
		expect(latency.names).not.toContain('after arrival');
		expect(sb.admin.requests().at(-1)?.durationMs).toBeGreaterThanOrEqual(290);
		const delay = await during({ delayMs: 300 }, 'during the delay');
		expect(delay.elapsed).toBeGreaterThanOrEqual(290);
		expect(delay.names).toContain('during the delay');
	});

	it('drops the connection without a response', async () => {
		sb.admin.addFault({ path: '/api/v1/lead', drop: true, times: 1 });
		await expect(getLeads()).rejects.toThrow();
		expect((await getLeads()).status).toBe(200);
		expect(sb.admin.requests().some((r) => r.status === 0 && r.fault !== undefined)).toBe(true);
	});

	it('applies to a seeded fraction of requests, reproducibly', async () => {
		const run = async (): Promise<number[]> => {
			sb.admin.clearFaults();
			sb.admin.addFault({ path: '/api/v1/lead', status: 500, fraction: 0.3, seed: 42 });
			const out: number[] = [];
			for (let i = 0; i < 40; i++) out.push((await getLeads()).status);
			return out;
		};
		const a = await run();
		const b = await run();
		expect(a).toEqual(b);
		const failed = a.filter((s) => s === 500).length;
		expect(failed).toBeGreaterThan(3);
		expect(failed).toBeLessThan(25);
	});

	it('faults can be added over HTTP', async () => {
		const r = await fetch(sb.url + '/__admin/faults', { method: 'POST', body: JSON.stringify({ pathRegex: '^/api/v1/lead', status: 502, times: 1 }) });
		expect(r.status).toBe(200);
		expect((await getLeads()).status).toBe(502);
		expect((await getLeads()).status).toBe(200);
	});
});

describe('clock', () => {
	it('defaults to real time at microsecond resolution, never decreasing', () => {
		const a = sb.admin.clock.now();
		const b = sb.admin.clock.now();
		expect(b).toBeGreaterThanOrEqual(a);
		expect(Math.abs(a / 1000 - Date.now())).toBeLessThan(1000);
	});

	it('set / advance / freeze drive record timestamps; frozen writes share one microsecond', async () => {
		sb.admin.clock.freeze();
		sb.admin.clock.set('2024-05-01T10:00:00.123456+00:00');
		const a = sb.admin.create('lead');
		const b = sb.admin.create('lead');
		expect(a.date_updated).toBe('2024-05-01T10:00:00.123456+00:00');
		expect(b.date_updated).toBe(a.date_updated);
		sb.admin.clock.advance(1.5);
		expect(sb.admin.create('lead').date_created).toBe('2024-05-01T10:00:00.124956+00:00');
		sb.admin.clock.unfreeze();
		const later = sb.admin.create('lead');
		expect(later.date_created >= '2024-05-01T10:00:00.124956+00:00').toBe(true);
		expect(later.date_created < '2024-05-01T10:01:00').toBe(true);
		const viaHttp = await json(await fetch(sb.url + '/__admin/clock', { method: 'POST', body: JSON.stringify({ set: '2030-01-01T00:00:00Z', freeze: true }) }));
		expect(viaHttp).toMatchObject({ iso: '2030-01-01T00:00:00.000000+00:00', frozen: true });
		const ev = sb.admin.events().pop()!;
		expect(ev.date_created).toMatch(/^2024-05-01T10:0\d:\d\d\.\d{6}$/);
	});

	it('explicit timestamps through create/update {at}', () => {
		const l = sb.admin.create('lead', {}, { at: '2024-01-01T00:00:00.000001Z' });
		expect(l.date_created).toBe('2024-01-01T00:00:00.000001+00:00');
		const u = sb.admin.update('lead', l.id, { name: 'x' }, { at: '2024-01-02T00:00:00.5+00:00' });
		expect(u.date_updated).toBe('2024-01-02T00:00:00.500000+00:00');
		expect(u.date_created).toBe(l.date_created);
	});
});

describe('admin', () => {
	it('seeds with chosen timestamps (single, array, function) and created != updated', () => {
		const one = sb.admin.seed({ object: 'lead', count: 3, dateUpdated: '2024-05-01T10:00:00.123456Z' });
		expect(new Set(one.map((r) => r.date_updated))).toEqual(new Set(['2024-05-01T10:00:00.123456+00:00']));
		const arr = sb.admin.seed({ object: 'contact', count: 4, dateUpdated: ['2024-05-01T10:00:00.123001Z', '2024-05-01T10:00:00.123999Z'] });
		expect(arr.map((r) => r.date_updated.slice(20, 26))).toEqual(['123001', '123999', '123001', '123999']);
		const both = sb.admin.seed({ object: 'lead', count: 1, dateCreated: '2024-01-01T00:00:00Z', dateUpdated: '2024-02-01T00:00:00Z' });
		expect(both[0]).toMatchObject({ date_created: '2024-01-01T00:00:00.000000+00:00', date_updated: '2024-02-01T00:00:00.000000+00:00' });
		const fn = sb.admin.seed({ object: 'task', count: 2, silent: true, dateUpdated: (i) => `2024-03-0${i + 1}T00:00:00Z`, fields: { text: 'T' } });
		expect(fn.map((t) => t.text)).toEqual(['T', 'T']);
		expect(sb.admin.records('task').map((t) => t.date_updated.slice(0, 10))).toEqual(['2024-03-01', '2024-03-02']);
	});

	it('logs requests with the Authorization value redacted', async () => {
		await fetch(sb.ocBaseUrl + '/instances?x=1', { headers: ocAuth(sb) });
		await getLeads();
		const log = sb.admin.requests();
		expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
			['GET', '/elements/api-v2/instances', 200],
			['GET', '/api/v1/lead/', 200],
		]);
		expect(log[0].query).toEqual({ x: '1' });
		expect(JSON.stringify(log)).not.toContain(sb.secrets.userSecret);
		expect(JSON.stringify(log)).not.toContain(Buffer.from(sb.secrets.closeApiKey + ':').toString('base64'));
		expect(log[0].headers.authorization).toBe('[redacted]');
	});

	it('onRequest hooks see every request; beforeNext runs once before the matching request', async () => {
		const seen: string[] = [];
		const off = sb.admin.onRequest((i) => void seen.push(i.path));
		let ran = 0;
		sb.admin.beforeNext({ method: 'GET', path: '/api/v1/lead' }, () => {
			ran++;
			sb.admin.create('lead', { name: 'injected' });
		});
		const first = await json(await getLeads());
		expect(first.data.map((l: any) => l.name)).toEqual(['injected']);
		await getLeads();
		expect(ran).toBe(1);
		off();
		await getLeads();
		expect(seen).toEqual(['/api/v1/lead/', '/api/v1/lead/']);
	});

	it('HTTP admin: seed, records, mutations, before-next action, reset', async () => {
		const post = (p: string, b: unknown, method = 'POST') => fetch(sb.url + '/__admin' + p, { method, body: JSON.stringify(b) }).then(json);
		const seeded = await post('/seed', { object: 'lead', count: 2, dateUpdated: '2024-05-01T00:00:00Z' });
		expect(seeded.count).toBe(2);
		const created = await post('/records/lead', { fields: { name: 'H' }, at: '2024-05-02T00:00:00Z' });
		expect(created.date_created).toBe('2024-05-02T00:00:00.000000+00:00');
		const updated = await post(`/records/lead/${created.id}`, { fields: { name: 'H2' } }, 'PUT');
		expect(updated.name).toBe('H2');
		await post('/merge', { source: seeded.records[0].id, destination: seeded.records[1].id });
		await post('/before-next', { path: '/api/v1/lead', action: { op: 'delete', object: 'lead', id: created.id } });
		const list = await json(await getLeads());
		expect(list.data.map((l: any) => l.id)).toEqual([seeded.records[1].id]);
		const events: any[] = await json(await fetch(sb.url + '/__admin/events'));
		expect(events.map((e: any) => e.action)).toContain('merged');
		await post('/reset', {});
		expect((await (await fetch(sb.url + '/__admin/records/lead')).json())).toEqual([]);
	});
});
