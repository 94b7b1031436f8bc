import { Sandbox, startSandbox } from '../../sandbox';
import { json, ocAuth } from './helpers';

let sb: Sandbox;
let token: string;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.admin.reset();
	token = String(sb.admin.createInstance().token);
});

async function hub(resource: string, params: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
	const qs = new URLSearchParams(params).toString();
	const res = await fetch(`${sb.ocBaseUrl}/hubs/crm/${resource}${qs ? '?' + qs : ''}`, { headers: ocAuth(sb, token) });
	return { status: res.status, body: await json(res), headers: res.headers };
}

const ids = (rows: any[]): string[] => rows.map((r) => r.id);

describe('CRM hub reads the Close store', () => {
	it('serves accounts (leads), contacts, opportunities, tasks and single records', async () => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		const contact = sb.admin.create('contact', { lead_id: lead.id, name: 'Jo' });
		const opp = sb.admin.create('opportunity', { lead_id: lead.id });
		const task = sb.admin.create('task', { lead_id: lead.id });
		expect(ids((await hub('accounts')).body)).toEqual([lead.id]);
		expect(ids((await hub('contacts')).body)).toEqual([contact.id]);
		expect(ids((await hub('opportunities')).body)).toEqual([opp.id]);
		expect(ids((await hub('tasks')).body)).toEqual([task.id]);
		const one = await hub(`accounts/${lead.id}`);
		expect(one.body).toMatchObject({ id: lead.id, name: 'Acme' });
		expect(one.body.contacts.map((c: any) => c.id)).toEqual([contact.id]);
		expect(lead.id).toMatch(/^lead_[0-9A-Za-z]{22}$/);
		expect(contact.lead_id).toBe(lead.id);
		expect((await hub('accounts/lead_missing')).status).toBe(404);
		expect((await hub('widgets')).status).toBe(404);
	});

	it('pages to the end with nextPage tokens; the token is present on the last, empty page', async () => {
		sb.admin.seed({ object: 'lead', count: 25, dateUpdated: (i) => `2024-05-01T10:00:00.${String(i).padStart(6, '0')}+00:00` });
		const seen: string[] = [];
		let next: string | null = null;
		let pages = 0;
		for (;;) {
			const r = await hub('accounts', { pageSize: '10', ...(next ? { nextPage: next } : {}) });
			pages++;
			expect(r.headers.get('elements-returned-count')).toBe(String(r.body.length));
			next = r.headers.get('elements-next-page-token');
			expect(next).toBeTruthy();
			expect(JSON.parse(Buffer.from(next!, 'base64').toString('utf8')).offset).toBe(pages * 10);
			if (r.body.length === 0) break;
			seen.push(...ids(r.body));
		}
		expect(pages).toBe(4);
		expect(seen).toEqual(ids(sb.admin.records('lead')));
	});

	it('page, returnCount; at most pagination.max (100) records a page, whatever pageSize asks', async () => {
		sb.admin.seed({ object: 'lead', count: 520, silent: true });
		expect((await hub('accounts')).body).toHaveLength(100);
		expect((await hub('accounts', { pageSize: '1000' })).body).toHaveLength(100);
		const p6 = await hub('accounts', { pageSize: '100', page: '6', returnCount: 'true' });
		expect(p6.body).toHaveLength(20);
		expect(p6.headers.get('elements-total-count')).toBe('520');
		expect(ids(p6.body)).toEqual(ids(sb.admin.records('lead').slice(500)));
		// A page shorter than asked is not the end: its token goes on right after it.
		const seen: string[] = [];
		let next: string | undefined;
		for (;;) {
			const r = await hub('accounts', { pageSize: '250', ...(next ? { nextPage: next } : {}) });
			if (r.body.length === 0) break;
			expect(r.body.length).toBeLessThanOrEqual(100);
			seen.push(...ids(r.body));
			next = r.headers.get('elements-next-page-token')!;
		}
		expect(seen).toEqual(ids(sb.admin.records('lead')));
		expect((await hub('accounts', { nextPage: 'garbage' })).status).toBe(400);
	});

	it('a record changing between two page requests shifts offsets (as the platform does)', async () => {
		sb.admin.seed({ object: 'lead', count: 6, dateUpdated: (i) => `2024-05-01T10:00:0${i}.000000+00:00` });
		const before = ids(sb.admin.records('lead'));
		const p1 = await hub('accounts', { pageSize: '3' });
		expect(ids(p1.body)).toEqual(before.slice(0, 3));
		// Between the pages, the first record moves to the end: the page-2 offset skips one record.
		sb.admin.beforeNext({ path: '/elements/api-v2/hubs/crm/accounts' }, () => {
			sb.admin.update('lead', before[0], { name: 'moved' }, { at: '2024-06-01T00:00:00+00:00' });
		});
		const p2 = await hub('accounts', { pageSize: '3', nextPage: p1.headers.get('elements-next-page-token')! });
		expect(ids(p2.body)).toEqual([before[4], before[5], before[0]]);
		expect(ids(p2.body)).not.toContain(before[3]);
	});
});

describe('CEQL', () => {
	const T = '2024-05-01T10:00:00';
	let leads: any[];
	beforeEach(() => {
		// equal microseconds, a millisecond shared by different microseconds, and plain order
		leads = [
			...sb.admin.seed({ object: 'lead', count: 3, dateUpdated: `${T}.123456+00:00`, fields: { status_label: 'Won' } }),
			...sb.admin.seed({ object: 'lead', count: 1, dateUpdated: `${T}.123457+00:00`, fields: { status_label: "O'Brien" } }),
			...sb.admin.seed({ object: 'lead', count: 1, dateUpdated: `${T}.123999+00:00` }),
			...sb.admin.seed({ object: 'lead', count: 1, dateUpdated: `${T}.100000+00:00` }),
			...sb.admin.seed({ object: 'lead', count: 1, dateUpdated: `${T}.124000+00:00` }),
		];
	});
	const where = async (w: string, extra: Record<string, string> = {}) => hub('accounts', { where: w, ...extra });

	it('orders by (date_updated, id) by default at microsecond precision', async () => {
		const r = await hub('accounts');
		const expected = [...leads].sort((a, b) => (a.date_updated < b.date_updated ? -1 : a.date_updated > b.date_updated ? 1 : a.id < b.id ? -1 : 1));
		expect(ids(r.body)).toEqual(ids(expected));
		expect(r.body[0].date_updated).toBe(`${T}.100000+00:00`);
	});

	it('compares instants, not strings: fraction digits and offsets', async () => {
		// .1 = .100000
		expect((await where(`date_updated = '${T}.1+00:00'`)).body).toHaveLength(1);
		expect((await where(`date_updated = '${T}.1Z'`)).body).toHaveLength(1);
		expect((await where(`date_updated = '${T}.1'`)).body).toHaveLength(1);
		// same instant written at another offset
		expect((await where(`date_updated = '2024-05-01T12:00:00.123456+02:00'`)).body).toHaveLength(3);
		// the millisecond .123 holds .123456, .123457 and .123999: microseconds separate them
		expect((await where(`date_updated > '${T}.123456+00:00'`)).body).toHaveLength(3);
		expect((await where(`date_updated >= '${T}.123456+00:00'`)).body).toHaveLength(6);
		expect((await where(`date_updated < '${T}.123457+00:00'`)).body).toHaveLength(4);
		expect((await where(`date_updated <= '${T}.123+00:00'`)).body).toHaveLength(1);
		expect((await where(`date_updated != '${T}.123456+00:00'`)).body).toHaveLength(4);
	});

	it('runs the keyset query the node uses, walking equal timestamps by id', async () => {
		const all = ids((await hub('accounts')).body);
		const walked: string[] = [];
		let cursor = { date: '1970-01-01T00:00:00.000000+00:00', id: '' };
		for (;;) {
			const r = await where(`date_updated > '${cursor.date}' OR (date_updated = '${cursor.date}' AND id > '${cursor.id}')`, {
				orderBy: 'date_updated asc, id asc',
				pageSize: '2',
			});
			if (r.body.length === 0) break;
			walked.push(...ids(r.body));
			const last = r.body[r.body.length - 1];
			cursor = { date: last.date_updated, id: last.id };
		}
		expect(walked).toEqual(all);
	});

	it('AND, OR, parentheses, LIKE, IN, IS NULL, quotes, numbers', async () => {
		const won = ids(leads.slice(0, 3)).sort();
		expect(ids((await where(`status_label = 'Won'`)).body).sort()).toEqual(won);
		expect((await where(`status_label = 'O''Brien'`)).body).toHaveLength(1);
		expect((await where(`status_label = 'Won' AND date_updated > '${T}.123456Z'`)).body).toHaveLength(0);
		expect((await where(`status_label = 'Won' OR date_updated > '${T}.123456Z'`)).body).toHaveLength(6);
		expect((await where(`(status_label = 'Won' OR status_label = 'Potential') AND date_updated >= '${T}.123999Z'`)).body).toHaveLength(2);
		expect((await where(`status_label LIKE 'W%'`)).body).toHaveLength(3);
		expect((await where(`status_label LIKE '%Brien'`)).body).toHaveLength(1);
		expect((await where(`status_label IN ('Won', 'O''Brien')`)).body).toHaveLength(4);
		expect((await where(`url IS NULL`)).body).toHaveLength(7);
		expect((await where(`url IS NOT NULL`)).body).toHaveLength(0);
		expect((await where(`id = '${leads[0].id}'`)).body).toHaveLength(1);
		expect((await where(`id > '${leads[0].id}'`)).body.every((r: any) => r.id > leads[0].id)).toBe(true);
	});

	it('orderBy with several fields and desc', async () => {
		const r = await hub('accounts', { orderBy: 'date_updated desc, id desc' });
		expect(ids(r.body)).toEqual(ids((await hub('accounts')).body).reverse());
		const byLabel = await hub('accounts', { orderBy: 'status_label asc, date_updated asc' });
		expect(byLabel.body[0].status_label).toBe("O'Brien");
		expect((await hub('accounts', { orderBy: 'date_updated sideways' })).status).toBe(400);
	});

	it('a bad where is a 400 naming the problem', async () => {
		for (const [w, msg] of [
			[`date_updated > '2024`, /unterminated/],
			[`date_updated >`, /value/],
			[`(status_label = 'a'`, /parenthesis/],
			[`date_updated > 'yesterday'`, /not a valid date/],
			[`status_label ~ 'x'`, /unexpected character/],
			[`status_label = 'a' AND`, /field name/],
		] as const) {
			const r = await where(w);
			expect(r.status).toBe(400);
			expect(r.body.message).toMatch(msg);
			expect(r.body.requestId).toBeTruthy();
		}
	});
});
