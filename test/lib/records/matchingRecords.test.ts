// getAll's read on both platform query forms: the rich where first, the portable read after a
// refusal of that where (once per execution), the filters the seed cannot take applied in the node.
import type { HttpRequest } from '../../../lib/clients/http';
import { ApiError } from '../../../lib/clients/errors';
import { screenedCount } from '../../../lib/clients/secretScreen';
import { listMatching } from '../../../lib/records/matchingRecords';
import { QueryFormFinding, QueryFormMemory } from '../../../lib/records/queryForm';
import { RecordsClient } from '../../../lib/records/recordsClient';
import type { FilterClause } from '../../../lib/records/where';
import { startSandbox } from '../../../sandbox';
import type { Sandbox } from '../../../sandbox';
import { plainRequest } from '../../helpers/plainRequest';
import { json, scriptedRequest } from '../../helpers/scriptedRequest';

const BASE = 'https://oc.example/elements/api-v2';
const refused = json(400, { message: "Invalid where clause: the closeio element cannot query on 'name'" });

function finding(memory = new QueryFormMemory(), now = () => 0): QueryFormFinding {
	return new QueryFormFinding(memory, BASE, now);
}

function scriptedClient(...steps: Parameters<typeof scriptedRequest>) {
	const request = scriptedRequest(...steps);
	const client = new RecordsClient(request, { ocBaseUrl: BASE, closeBaseUrl: 'https://close.example', elementToken: 't' });
	const wheres = () => request.calls.map((c: HttpRequest) => c.qs?.where);
	return { request, client, wheres };
}

/** The rows a where of date_updated comparisons (the seed's form) selects. */
function inDates<T extends { date_updated: string }>(rows: T[], where: unknown): T[] {
	// The node writes UTC as Z, the records +00:00: the instants' digits are compared.
	const digits = (text: string) => text.slice(0, 26);
	const tests = [...String(where ?? '').matchAll(/date_updated (>=|<=|>|<) '([^']+)'/g)].map(([, op, at]) => (r: T) => {
		const a = digits(r.date_updated);
		const b = digits(at);
		return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
	});
	return rows.filter((r) => tests.every((t) => t(r)));
}

const lead = (id: string, name: string, us: number) => ({ id, name, date_updated: `2024-05-01T10:00:00.${String(us).padStart(6, '0')}+00:00` });

describe('listMatching, rich where accepted', () => {
	it('one request per page with every filter in the where; the finding stays on the rich way', async () => {
		const { client, wheres } = scriptedClient(json(200, [lead('lead_1', 'A', 1)], { 'elements-total-count': '1' }));
		const f = finding();
		const out = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, f);
		expect(out.map((r) => r.id)).toEqual(['lead_1']);
		expect(wheres()).toEqual(["name = 'A'"]);
		expect(f.mode()).toBe('keyset');
	});
});

describe('listMatching, pages screened for secrets (lib/clients/secretScreen.ts)', () => {
	const page = (ids: string[], screened: number | undefined, next?: string) => ({
		...json(200, ids.map((id, i) => lead(id, 'A', i)), { 'elements-total-count': '4', ...(next ? { 'elements-next-page-token': next } : {}) }),
		...(screened === undefined ? {} : { screened }),
	});

	it('the list is marked screened against the fewest secrets any of its pages was', async () => {
		const { client } = scriptedClient(page(['lead_1', 'lead_2'], 5, 'p2'), page(['lead_3', 'lead_4'], 4));
		const out = await listMatching(client, 'lead', { clauses: [] });
		expect(out.map((r) => r.id)).toEqual(['lead_1', 'lead_2', 'lead_3', 'lead_4']);
		expect(screenedCount(out)).toBe(4);
	});

	it('one page not screened: the list is not marked (its records are walked before output)', async () => {
		const { client } = scriptedClient(page(['lead_1', 'lead_2'], 5, 'p2'), page(['lead_3', 'lead_4'], undefined));
		const out = await listMatching(client, 'lead', { clauses: [] });
		expect(out).toHaveLength(4);
		expect(screenedCount(out)).toBeUndefined();
	});
});

describe('listMatching, offset pages in no stable order', () => {
	it('a record served twice means another was skipped: the read is redone in date windows', async () => {
		// Three records share one date; the offset pages (2 a page) serve lead_b twice, never lead_c.
		const rows = [lead('lead_a', 'A', 1), lead('lead_b', 'A', 5), lead('lead_c', 'A', 5), lead('lead_d', 'A', 9)];
		const hub = (request: HttpRequest) => {
			if (request.qs?.orderBy === 'date_updated desc') return json(200, [rows[3]]);
			if (request.qs?.orderBy === 'date_updated asc') return json(200, inDates(rows, request.qs.where).slice(0, Number(request.qs.pageSize)));
			const head = { 'elements-total-count': '4', 'elements-next-page-token': 'p2' };
			return request.qs?.nextPage ? json(200, [rows[1], rows[3]], head) : json(200, [rows[0], rows[1]], head);
		};
		const { client, request } = scriptedClient(hub);
		const f = finding();
		const out = await listMatching(client, 'lead', { clauses: [], pageSize: 2 }, f);
		expect(out.map((r) => r.id).sort()).toEqual(['lead_a', 'lead_b', 'lead_c', 'lead_d']);
		expect(request.calls.some((c) => c.qs?.orderBy === 'date_updated asc')).toBe(true);
		// Not a refused form: nothing learnt about the platform.
		expect(f.mode()).toBe('keyset');
	});
});

describe('listMatching, rich where refused (400/422)', () => {
	const page = [lead('lead_1', 'A', 1), lead('lead_2', 'B', 2), lead('lead_3', 'A', 3)];
	const portable = (request: HttpRequest) =>
		request.qs?.orderBy === 'date_updated desc' ? json(200, [page[2]]) : json(200, page);

	it('falls back in the same call: dates stay in the where, the rest is filtered here', async () => {
		for (const status of [400, 422]) {
			const { client, wheres, request } = scriptedClient({ ...refused, statusCode: status }, portable);
			const f = finding();
			const clauses: FilterClause[] = [
				{ field: 'name', value: 'A' },
				{ field: 'date_updated', operator: '>', value: '2024-01-01T00:00:00.000000+00:00' },
			];
			const out = await listMatching(client, 'lead', { clauses }, f);
			expect(out.map((r) => r.id)).toEqual(['lead_1', 'lead_3']);
			expect(wheres()[0]).toBe("name = 'A' AND date_updated > '2024-01-01T00:00:00.000000+00:00'");
			// Every later request carries only date_updated comparisons joined with AND.
			for (const where of wheres().slice(1)) expect(where).toMatch(/^date_updated [<>]=? '[^']+'( AND date_updated [<>]=? '[^']+')*$/);
			expect(request.calls[1].qs?.orderBy).toBe('date_updated desc');
			expect(f.mode()).toBe('portable');
			expect(f.reason()).toMatch(/where=name = 'A'.*refused \(HTTP \d+: .*cannot query on 'name'/);
		}
	});

	it('once per execution: the next read goes the portable way at once', async () => {
		const { client, wheres } = scriptedClient(refused, portable);
		const f = finding();
		await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, f);
		const before = wheres().length;
		const second = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'B' }] }, f);
		expect(second.map((r) => r.id)).toEqual(['lead_2']);
		expect(wheres().slice(before).some((w) => String(w ?? '').includes('name'))).toBe(false);
		expect(wheres().filter((w) => String(w ?? '').includes('name'))).toHaveLength(1);
	});

	it('the finding is shared through the memory by base URL, and re-checked after 100 reads', async () => {
		const memory = new QueryFormMemory();
		const first = scriptedClient(refused, portable);
		await listMatching(first.client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, finding(memory));
		// A later execution on the same platform: no refused request.
		for (let i = 0; i < 100; i++) {
			const next = scriptedClient(portable);
			await listMatching(next.client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, finding(memory));
			expect(next.wheres().some((w) => String(w ?? '').includes('name'))).toBe(false);
		}
		// The 101st tries the rich way again (the platform may have changed); accepted, it stays rich.
		const recheck = scriptedClient(json(200, [page[0]], { 'elements-total-count': '1' }));
		await listMatching(recheck.client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, finding(memory));
		expect(recheck.wheres()).toEqual(["name = 'A'"]);
		expect(memory.get(BASE)).toBeUndefined();
		// Another platform knows nothing of it.
		expect(new QueryFormFinding(memory, 'https://other/elements/api-v2', () => 0).mode()).toBe('keyset');
	});

	it('Limit counts matching records and stops paging once they are found', async () => {
		const many = Array.from({ length: 300 }, (_, i) => lead(`lead_${String(i).padStart(3, '0')}`, i % 10 === 0 ? 'A' : 'B', i + 1));
		const hub = (request: HttpRequest) => {
			if (request.qs?.where && String(request.qs.where).includes('name')) return refused;
			if (request.qs?.orderBy === 'date_updated desc') return json(200, [many[many.length - 1]]);
			const lower = /date_updated >= '([^']+)'/.exec(String(request.qs?.where ?? ''))?.[1];
			const from = lower ? many.findIndex((r) => r.date_updated.slice(0, 26) >= lower.slice(0, 26)) : 0;
			return json(200, many.slice(from, from + Number(request.qs?.pageSize)));
		};
		const { client, request } = scriptedClient(hub);
		const out = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'A' }], limit: 7, pageSize: 20 }, finding());
		expect(out.map((r) => r.id)).toEqual(['lead_000', 'lead_010', 'lead_020', 'lead_030', 'lead_040', 'lead_050', 'lead_060']);
		// refused + newest + pages up to lead_060 (20 a page, each starting at the last date read), and
		// the check of the newest record (this fake answers it again for "after the newest": 2 requests).
		expect(request.calls.length).toBeLessThanOrEqual(2 + 4 + 2);
	});
});

describe('listMatching, what is not a refused query form', () => {
	it('a 400 on a later page, a 401, 404 or 429 on the first: the error, no fallback, no finding', async () => {
		const later = scriptedClient(json(200, [lead('lead_1', 'A', 1)], { 'elements-next-page-token': 'p2' }), json(400, { message: 'Invalid nextPage token' }));
		const f = finding();
		await expect(listMatching(later.client, 'lead', { clauses: [{ field: 'name', value: 'A' }], pageSize: 1 }, f)).rejects.toThrow(/Invalid nextPage token/);
		expect(f.mode()).toBe('keyset');
		for (const status of [401, 404, 429]) {
			const other = scriptedClient(json(status, { message: `status ${status}` }));
			await expect(listMatching(other.client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, f)).rejects.toBeInstanceOf(ApiError);
			expect(other.request.calls).toHaveLength(1);
			expect(f.mode()).toBe('keyset');
		}
	});

	it('a 400 of a create (unknown field) leaves the finding alone', async () => {
		const { client, wheres } = scriptedClient(json(400, { message: "Unknown field 'colour'" }), json(200, [], { 'elements-total-count': '0' }));
		const f = finding();
		await expect(client.create('lead', { colour: 'red' })).rejects.toThrow(/Unknown field/);
		await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'A' }] }, f);
		expect(wheres()[1]).toBe("name = 'A'");
		expect(f.mode()).toBe('keyset');
	});

	it('a refused where with nothing the node could take over is the platform’s error', async () => {
		const { client } = scriptedClient(json(400, { message: 'Invalid where clause: bad date' }));
		const f = finding();
		await expect(
			listMatching(client, 'lead', { clauses: [{ field: 'date_updated', operator: '>', value: '2024-05-01T00:00:00.000000+00:00' }] }, f),
		).rejects.toThrow(/bad date/);
		expect(f.mode()).toBe('keyset');
	});
});

describe('listMatching, the expert’s raw where', () => {
	it('sent as typed; refused, a clear error naming it and what to do, never a silent fallback', async () => {
		const { client, request } = scriptedClient(json(400, { message: 'Invalid where clause: OR is not supported by the closeio element' }));
		const f = finding();
		const error = await listMatching(client, 'lead', { clauses: [], raw: "name = 'a' OR name = 'b'" }, f).catch((e: Error) => e);
		expect(request.calls).toHaveLength(1);
		expect(request.calls[0].qs?.where).toBe("name = 'a' OR name = 'b'");
		expect((error as Error).message).toMatch(/refused the Where \(CEQL\) filter "name = 'a' OR name = 'b'"/);
		expect((error as Error).message).toMatch(/OR is not supported/);
		expect((error as Error).message).toMatch(/date_updated compared with >, >=, < or <=.*use the other Filters fields/);
		expect(f.mode()).toBe('keyset');
	});

	it('with UI filters: not wrapped without an OR; after a refusal the raw where stays, the UI filters move to the node', async () => {
		const rows = [lead('lead_1', 'A', 1), lead('lead_2', 'B', 2)];
		const seedLike = (request: HttpRequest) => {
			const where = String(request.qs?.where ?? '');
			if (/name|\(/.test(where)) return refused;
			return request.qs?.orderBy === 'date_updated desc' ? json(200, [rows[1]]) : json(200, rows);
		};
		const { client, wheres } = scriptedClient(seedLike);
		const raw = "date_updated > '2024-01-01T00:00:00.000000+00:00'";
		const out = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'B' }], raw }, finding());
		expect(out.map((r) => r.id)).toEqual(['lead_2']);
		expect(wheres()[0]).toBe(`name = 'B' AND ${raw}`);
		expect(wheres().slice(1).every((w) => String(w).endsWith(raw))).toBe(true);
	});

	it('with UI filters and a raw where the platform refuses even alone: the error names it', async () => {
		const { client } = scriptedClient((request: HttpRequest) =>
			String(request.qs?.where ?? '').includes('stage') ? json(400, { message: "cannot query on 'stage'" }) : json(200, []),
		);
		await expect(
			listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'B' }], raw: "stage = 'x'" }, finding()),
		).rejects.toThrow(/refused the Where \(CEQL\) filter "stage = 'x'" \(sent as where=date_updated <= '.*' AND stage = 'x'|refused the Where \(CEQL\) filter "stage = 'x'" \(sent as where=stage = 'x'/);
	});
});

describe('listMatching against the sandbox, full and seed profiles', () => {
	let sb: Sandbox;
	let client: RecordsClient;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterAll(() => sb.close());

	const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
	beforeEach(() => {
		sb.admin.reset();
		sb.admin.setQueryProfile({ orderBy: 'honor' });
		const token = String(sb.admin.createInstance().token);
		client = new RecordsClient(plainRequest(sb.secrets, sb.closeBaseUrl), { ocBaseUrl: sb.ocBaseUrl, closeBaseUrl: sb.closeBaseUrl, elementToken: token });
		const statuses = ['stat_SandboxPotential00000001', 'stat_SandboxQualified00000001', 'stat_SandboxCustomer00000001'];
		sb.admin.seed({
			object: 'lead',
			count: 240,
			silent: true,
			// Groups of 7 records sharing one date_updated, so ties straddle page boundaries.
			dateUpdated: (i) => T0 + Math.floor(i / 7) * 1000,
			dateCreated: (i) => T0 - (240 - i) * 60_000_000,
			fields: (i) => ({ name: `Lead ${i % 5}`, status_id: statuses[i % 3], 'custom.cf_tier': i % 4 === 0 ? 'Gold' : 'Silver' }),
		});
	});

	/** An empty sandbox on the seed profile with orderBy dropped (records come by id), and a client for it. */
	function useUnorderedSeed(): void {
		sb.admin.reset();
		sb.admin.setQueryProfile({ ceql: 'seed', orderBy: 'ignore' });
		const token = String(sb.admin.createInstance().token);
		client = new RecordsClient(plainRequest(sb.secrets, sb.closeBaseUrl), { ocBaseUrl: sb.ocBaseUrl, closeBaseUrl: sb.closeBaseUrl, elementToken: token });
	}

	const iso = (us: number) => `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, '0')}+00:00`;
	const FILTERS: Array<{ name: string; clauses: FilterClause[] }> = [
		{ name: 'none', clauses: [] },
		{ name: 'name', clauses: [{ field: 'name', value: 'Lead 3' }] },
		{ name: 'status', clauses: [{ field: 'status_id', value: 'stat_SandboxQualified00000001' }] },
		{ name: 'updated after', clauses: [{ field: 'date_updated', operator: '>', value: iso(T0 + 10_000) }] },
		{ name: 'created after', clauses: [{ field: 'date_created', operator: '>', value: iso(T0 - 100 * 60_000_000) }] },
		{ name: 'custom field', clauses: [{ field: 'custom.cf_tier', value: 'Gold' }] },
		{
			name: 'all together',
			clauses: [
				{ field: 'name', value: 'Lead 1' },
				{ field: 'status_id', value: 'stat_SandboxCustomer00000001' },
				{ field: 'date_updated', operator: '>', value: iso(T0 + 5_000) },
				{ field: 'date_created', operator: '>', value: iso(T0 - 200 * 60_000_000) },
			],
		},
	];

	it.each(FILTERS)('same records on both profiles: $name', async ({ clauses }) => {
		sb.admin.setQueryProfile({ ceql: 'full' });
		const full = await listMatching(client, 'lead', { clauses, pageSize: 20 }, finding());
		sb.admin.setQueryProfile({ ceql: 'seed', tieSeed: 3 });
		const seedFinding = finding();
		const seed = await listMatching(client, 'lead', { clauses, pageSize: 20 }, seedFinding);
		const ids = (rows: Array<{ id?: string }>) => rows.map((r) => String(r.id)).sort();
		expect(full.length).toBeGreaterThan(0);
		expect(ids(seed)).toEqual(ids(full));
		expect(new Set(ids(seed)).size).toBe(seed.length);
		const needsNode = clauses.some((c) => c.field !== 'date_updated');
		expect(seedFinding.mode()).toBe(needsNode ? 'portable' : 'keyset');
		// A platform dropping orderBy altogether (records by id): the same records, once each.
		sb.admin.setQueryProfile({ ceql: 'seed', tieSeed: 3, orderBy: 'ignore' });
		const unordered = await listMatching(client, 'lead', { clauses, pageSize: 20 }, finding());
		expect(ids(unordered)).toEqual(ids(full));
		expect(new Set(ids(unordered)).size).toBe(unordered.length);
		sb.admin.setQueryProfile({ orderBy: 'honor' });
	});

	it('seed dropping orderBy, ids in date order: the first pages look sorted, the count check catches what they left out', async () => {
		useUnorderedSeed();
		const seeded = sb.admin.seed({ object: 'lead', count: 30, silent: true, dateUpdated: () => T0, fields: (i) => ({ name: `Lead ${i % 2}` }) });
		// By id: dates rise, except the last three, dated before all others.
		const byId = [...seeded].sort((x, y) => (String(x.id) < String(y.id) ? -1 : 1));
		byId.forEach((l, k) => sb.admin.update('lead', String(l.id), { description: `v${k}` }, { at: k >= 27 ? T0 - (30 - k) * 1000 : T0 + (k + 1) * 1000 }));
		const clauses: FilterClause[] = [{ field: 'name', value: 'Lead 1' }];
		const out = await listMatching(client, 'lead', { clauses, pageSize: 5 }, finding());
		const want = sb.admin.records('lead').filter((r) => r.name === 'Lead 1').map((r) => String(r.id)).sort();
		expect(out.map((r) => String(r.id)).sort()).toEqual(want);
		sb.admin.setQueryProfile({ orderBy: 'honor' });
	});

	it('seed dropping orderBy, ids in date order: "desc" answers the oldest lead, and the check of the newest record sees it', async () => {
		useUnorderedSeed();
		const seeded = sb.admin.seed({ object: 'lead', count: 8, silent: true, dateUpdated: () => T0, fields: () => ({ name: 'Lead 1' }) });
		const byId = [...seeded].sort((x, y) => (String(x.id) < String(y.id) ? -1 : 1));
		byId.forEach((l, k) => sb.admin.update('lead', String(l.id), { description: `v${k}` }, { at: T0 + (k + 1) * 1000 }));
		const out = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'Lead 1' }], pageSize: 20 }, finding());
		expect(out.map((r) => String(r.id))).toEqual(byId.map((r) => String(r.id)));
	});

	it('seed dropping orderBy, the newest lead first by id: "desc" looks kept, and only the count check sees a one-record page hid the rest', async () => {
		useUnorderedSeed();
		const seeded = sb.admin.seed({ object: 'lead', count: 8, silent: true, dateUpdated: () => T0, fields: () => ({ name: 'Lead 1' }) });
		const byId = [...seeded].sort((x, y) => (String(x.id) < String(y.id) ? -1 : 1));
		byId.forEach((l, k) => sb.admin.update('lead', String(l.id), { description: `v${k}` }, { at: k === 0 ? T0 + 100_000 : T0 + k * 1000 }));
		const out = await listMatching(client, 'lead', { clauses: [{ field: 'name', value: 'Lead 1' }], pageSize: 1 }, finding());
		expect(out.map((r) => String(r.id)).sort()).toEqual(byId.map((r) => String(r.id)));
		sb.admin.setQueryProfile({ orderBy: 'honor' });
	});

	it('Limit on seed: the first matches in date order, Limit of them', async () => {
		sb.admin.setQueryProfile({ ceql: 'full' });
		const clauses: FilterClause[] = [{ field: 'custom.cf_tier', value: 'Gold' }];
		const all = await listMatching(client, 'lead', { clauses }, finding());
		sb.admin.setQueryProfile({ ceql: 'seed', tieSeed: 5 });
		const limited = await listMatching(client, 'lead', { clauses, limit: 9, pageSize: 20 }, finding());
		expect(limited).toHaveLength(9);
		const dates = (rows: Array<Record<string, unknown>>) => rows.map((r) => String(r.date_updated));
		// Same dates as the first 9 of the full read (ties may come in another order).
		expect(dates(limited)).toEqual(dates(all.slice(0, 9)));
	});
});
