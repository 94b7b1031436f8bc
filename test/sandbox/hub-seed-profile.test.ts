// The CRM hub's `seed` query profile: only what public sources show working on closeio.
import { Sandbox, startSandbox } from '../../sandbox';
import { json, ocAuth } from './helpers';

let sb: Sandbox;
let token: string;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, ceql: 'seed' });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.admin.reset();
	sb.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'ignore', tieSeed: 11 });
	token = String(sb.admin.createInstance().token);
});

async function hub(params: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
	const qs = new URLSearchParams(params).toString();
	const res = await fetch(`${sb.ocBaseUrl}/hubs/crm/accounts${qs ? '?' + qs : ''}`, { headers: ocAuth(sb, token) });
	return { status: res.status, body: await json(res), headers: res.headers };
}

const ids = (rows: any[]): string[] => rows.map((r) => r.id);
const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
const iso = (us: number) => `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, '0')}+00:00`;

describe('CRM hub, seed profile', () => {
	it('startSandbox({ ceql: "seed" }) selects it; the admin API reads and switches it', async () => {
		expect(sb.admin.queryProfile().ceql).toBe('seed');
		const res = await fetch(`${sb.url}/__admin/ceql`, { method: 'PUT', body: JSON.stringify({ ceql: 'full' }), headers: { 'Content-Type': 'application/json' } });
		expect(await res.json()).toMatchObject({ ceql: 'full', extraOrderBy: 'ignore' });
		expect((await hub({ where: "date_updated > '2024-01-01' OR id = 'x'" })).status).toBe(200);
		const bad = await fetch(`${sb.url}/__admin/ceql`, { method: 'PUT', body: JSON.stringify({ ceql: 'sql' }) });
		expect(bad.status).toBe(400);
		expect(((await (await fetch(`${sb.url}/__admin/ceql`)).json()) as { ceql: string }).ceql).toBe('full');
	});

	it.each([
		["date_updated > '2024-01-01' OR date_updated < '2023-01-01'", /OR is not supported/],
		["(date_updated > '2024-01-01')", /parentheses/],
		["id > 'lead_a'", /cannot query on 'id'/],
		["date_updated = '2024-01-01'", /operator '='/],
		["name LIKE 'a%'", /only comparisons/],
	])('answers the platform 400 for %s', async (where, message) => {
		const res = await hub({ where });
		expect(res.status).toBe(400);
		expect(res.body.message).toMatch(message);
		expect(res.body.requestId).toEqual(expect.any(String));
	});

	it('takes date_updated > >= < <= joined by AND', async () => {
		const leads = sb.admin.seed({ object: 'lead', count: 5, silent: true, dateUpdated: (i) => T0 + i });
		const res = await hub({ where: `date_updated >= '${iso(T0 + 1)}' AND date_updated < '${iso(T0 + 4)}'`, orderBy: 'date_updated asc' });
		expect(res.status).toBe(200);
		expect(ids(res.body)).toEqual(leads.slice(1, 4).map((l) => l.id));
		const gt = await hub({ where: `date_updated > '${iso(T0 + 1)}' AND date_updated <= '${iso(T0 + 3)}'`, orderBy: 'date_updated desc' });
		expect(ids(gt.body)).toEqual([leads[3].id, leads[2].id]);
	});

	it('a second orderBy field is ignored, or refused when switched to reject', async () => {
		sb.admin.seed({ object: 'lead', count: 3, silent: true, dateUpdated: (i) => T0 + i });
		expect((await hub({ orderBy: 'date_updated asc, id asc' })).status).toBe(200);
		sb.admin.setQueryProfile({ extraOrderBy: 'reject' });
		const res = await hub({ orderBy: 'date_updated asc, id asc' });
		expect(res.status).toBe(400);
		expect(res.body.message).toMatch(/one field/);
	});

	it('records of one instant come in a new order from one request to the next', async () => {
		const leads = sb.admin.seed({ object: 'lead', count: 20, silent: true, dateUpdated: () => T0 });
		const orders = new Set<string>();
		for (let i = 0; i < 5; i++) {
			const res = await hub({ orderBy: 'date_updated asc, id asc' });
			expect([...ids(res.body)].sort()).toEqual(leads.map((l) => l.id).sort());
			orders.add(ids(res.body).join());
		}
		expect(orders.size).toBeGreaterThan(1);
	});

	it('pages by offset over the live set, at most pagination.max (100) a page, with the total on request', async () => {
		const leads = sb.admin.seed({ object: 'lead', count: 150, silent: true, dateUpdated: (i) => T0 + i });
		const first = await hub({ orderBy: 'date_updated asc', pageSize: '200', returnCount: 'true' });
		expect(first.body).toHaveLength(100);
		expect(first.headers.get('elements-total-count')).toBe('150');
		// A record of the first page changes: it moves to the end, and the others shift left by one.
		sb.admin.update('lead', leads[0].id, { name: 'moved' }, { at: T0 + 1000 });
		const second = await hub({ orderBy: 'date_updated asc', pageSize: '200', nextPage: first.headers.get('elements-next-page-token')! });
		expect(ids(second.body)[0]).toBe(leads[101].id);
		expect(ids(second.body)).not.toContain(leads[100].id);
		expect(ids(second.body).at(-1)).toBe(leads[0].id);
	});
});
