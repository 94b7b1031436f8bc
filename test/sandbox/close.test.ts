import { Sandbox, startSandbox } from '../../sandbox';
import { closeAuth, json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(() => sb.close());
beforeEach(() => sb.admin.reset());

async function close(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any; headers: Headers }> {
	const res = await fetch(sb.closeBaseUrl + path, {
		method,
		headers: closeAuth(sb, key),
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: await json(res), headers: res.headers };
}

const CLOSE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const EVENT_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

describe('Close auth and rate-limit header', () => {
	it('401 JSON {error} on a wrong or missing key; RateLimit on every response', async () => {
		const wrong = await close('GET', '/lead/', undefined, 'nope');
		expect(wrong.status).toBe(401);
		expect(typeof wrong.body.error).toBe('string');
		expect(wrong.headers.get('ratelimit')).toMatch(/^limit=\d+, remaining=\d+, reset=\d+$/);
		const none = await fetch(sb.closeBaseUrl + '/lead/');
		expect(none.status).toBe(401);
		const ok = await close('GET', '/lead/');
		expect(ok.status).toBe(200);
		expect(ok.headers.get('ratelimit')).toMatch(/^limit=\d+, remaining=\d+, reset=\d+$/);
		// any password is accepted
		const withPw = await fetch(sb.closeBaseUrl + '/lead/', {
			headers: { Authorization: 'Basic ' + Buffer.from(`${sb.secrets.closeApiKey}:whatever`).toString('base64') },
		});
		expect(withPw.status).toBe(200);
	});

	it('enforces limits when configured', async () => {
		const strict = await startSandbox({ port: 0, closeRateLimit: { limit: 2, windowMs: 60_000, enforce: true } });
		try {
			const get = () => fetch(strict.closeBaseUrl + '/lead/', { headers: closeAuth(strict) });
			expect((await get()).status).toBe(200);
			expect((await get()).status).toBe(200);
			const limited = await get();
			expect(limited.status).toBe(429);
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(limited.headers.get('ratelimit')).toMatch(/remaining=0/);
		} finally {
			await strict.close();
		}
	});
});

describe('Close objects', () => {
	it('create, get, update, list, delete leads with microsecond dates', async () => {
		const created = await close('POST', '/lead/', { name: 'Acme' });
		expect(created.status).toBe(200);
		const lead = created.body;
		expect(lead.id).toMatch(/^lead_[0-9A-Za-z]{22}$/);
		expect(lead.date_created).toMatch(CLOSE_DATE);
		expect(lead.date_updated).toBe(lead.date_created);
		expect((await close('GET', `/lead/${lead.id}/`)).body.name).toBe('Acme');
		const upd = await close('PUT', `/lead/${lead.id}/`, { description: 'hot' });
		expect(upd.body).toMatchObject({ name: 'Acme', description: 'hot' });
		expect(upd.body.date_updated > lead.date_updated).toBe(true);
		const list = await close('GET', '/lead/?_limit=10&_fields=id,name');
		expect(list.body).toEqual({ data: [{ id: lead.id, name: 'Acme' }], has_more: false, total_results: 1 });
		expect((await close('DELETE', `/lead/${lead.id}/`)).status).toBe(200);
		expect((await close('GET', `/lead/${lead.id}/`)).status).toBe(404);
	});

	it('contacts, opportunities and tasks carry lead_id; _skip/_limit/has_more', async () => {
		const lead = (await close('POST', '/lead/', { name: 'L' })).body;
		for (const o of ['contact', 'opportunity', 'task']) {
			const r = await close('POST', `/${o}/`, { lead_id: lead.id });
			expect(r.status).toBe(200);
			expect(r.body.lead_id).toBe(lead.id);
			expect(r.body.id).toMatch(new RegExp(`^${o === 'opportunity' ? 'oppo' : o === 'contact' ? 'cont' : 'task'}_`));
		}
		const bad = await close('POST', '/opportunity/', {});
		expect(bad.status).toBe(400);
		expect(bad.body['field-errors'].lead_id).toBeTruthy();
		expect(Array.isArray(bad.body.errors)).toBe(true);
		sb.admin.seed({ object: 'lead', count: 5 });
		const page = await close('GET', '/lead/?_skip=2&_limit=3');
		expect(page.body.data).toHaveLength(3);
		expect(page.body.has_more).toBe(true);
		expect(page.body.total_results).toBe(6);
		const full = await close('GET', `/lead/${lead.id}/`);
		expect(full.body.contacts).toHaveLength(1);
	});

	it('merge: source deleted, destination updated, children moved; events logged', async () => {
		const src = sb.admin.create('lead', { name: 'Src' });
		const dst = sb.admin.create('lead', { name: 'Dst' });
		const contact = sb.admin.create('contact', { lead_id: src.id });
		const r = await close('POST', '/lead/merge/', { source: src.id, destination: dst.id });
		expect(r.status).toBe(200);
		expect((await close('GET', `/lead/${src.id}/`)).status).toBe(404);
		const after = (await close('GET', `/lead/${dst.id}/`)).body;
		expect(after.contacts.map((c: any) => c.id)).toEqual([contact.id]);
		expect(after.date_updated > dst.date_updated).toBe(true);
		const events = sb.admin.events();
		const merged = events.find((e) => e.action === 'merged')!;
		expect(merged).toMatchObject({ object_type: 'lead', object_id: dst.id, lead_id: dst.id });
		expect(merged.meta).toMatchObject({ merge_source_lead_id: src.id, merge_destination_lead_id: dst.id });
		const deleted = events.find((e) => e.action === 'deleted' && e.object_id === src.id)!;
		expect(deleted.data).toBeNull();
		expect(deleted.previous_data).toMatchObject({ id: src.id, name: 'Src' });
		expect(events.find((e) => e.object_type === 'contact' && e.action === 'updated')!.changed_fields).toEqual(['lead_id']);
		expect((await close('POST', '/lead/merge/', { source: 'lead_x' })).status).toBe(400);
	});
});

describe('event log', () => {
	it('logs every mutation with Close event shapes, newest first', async () => {
		const lead = sb.admin.create('lead', { name: 'A', status_label: 'Potential' });
		sb.admin.update('lead', lead.id, { status_label: 'Won' });
		sb.admin.delete('lead', lead.id);
		const r = await close('GET', `/event/?lead_id=${lead.id}`);
		expect(r.body.data.map((e: any) => e.action)).toEqual(['deleted', 'updated', 'created']);
		const [del, upd] = r.body.data;
		expect(upd.changed_fields).toEqual(['status_label']);
		expect(upd.previous_data).toEqual({ status_label: 'Potential' });
		expect(upd.data.status_label).toBe('Won');
		expect(upd.date_updated).toMatch(EVENT_DATE);
		expect(upd.id).toMatch(/^ev_/);
		expect(upd).toEqual(
			expect.objectContaining({ organization_id: expect.any(String), user_id: expect.any(String), request_id: expect.any(String), meta: expect.any(Object) }),
		);
		expect(del.data).toBeNull();
		expect(del.previous_data.status_label).toBe('Won');
	});

	it('filters by date (microsecond precision), object, action, lead; _limit <= 50', async () => {
		const a = sb.admin.create('lead', {}, { at: '2024-05-01T10:00:00.123456+00:00' });
		const b = sb.admin.create('lead', {}, { at: '2024-05-01T10:00:00.123457+00:00' });
		sb.admin.create('contact', { lead_id: a.id }, { at: '2024-05-01T10:00:01+00:00' });
		const q = async (s: string) => (await close('GET', '/event/?' + s)).body.data.map((e: any) => e.object_id);
		const created = 'object_type=lead&action=created';
		expect(await q(`${created}&date_updated__gt=2024-05-01T10:00:00.123456`)).toEqual([b.id]);
		expect(await q(`lead_id=${a.id}&date_updated__gte=2024-05-01T10:00:00.123456`)).toHaveLength(2);
		expect(await q(`${created}&date_updated__lt=2024-05-01T10:00:00.123457`)).toEqual([a.id]);
		expect(await q(`date_updated__lte=2024-05-01T10:00:00.123457&${created}`)).toEqual([b.id, a.id]);
		expect(await q(`lead_id=${a.id}&object_type=contact`)).toHaveLength(1);
		expect(await q(`lead_id=${a.id}`)).toHaveLength(2);
		expect(await q('object_type=lead&action=deleted')).toEqual([]);
		expect(await q(`object_id=${b.id}&action=created`)).toEqual([b.id]);
		expect((await close('GET', `/event/?${created}&_limit=51`)).status).toBe(400);
		expect((await close('GET', `/event/?${created}&date_updated__gt=yesterday`)).status).toBe(400);
	});

	it('pages with a stable cursor even while new events arrive', async () => {
		for (let i = 0; i < 7; i++) sb.admin.create('lead', { name: `L${i}` });
		const all = sb.admin.events().map((e) => e.id).reverse();
		const p1 = await close('GET', '/event/?object_type=lead&action=created&_limit=3');
		expect(p1.body.data.map((e: any) => e.id)).toEqual(all.slice(0, 3));
		expect(p1.body.cursor_next).toBeTruthy();
		// new events must not shift the walk
		sb.admin.create('lead', { name: 'late' });
		const p2 = await close('GET', `/event/?object_type=lead&action=created&_limit=3&_cursor=${p1.body.cursor_next}`);
		expect(p2.body.data.map((e: any) => e.id)).toEqual(all.slice(3, 6));
		expect(p2.body.cursor_previous).toBeTruthy();
		const p3 = await close('GET', `/event/?object_type=lead&action=created&_limit=3&_cursor=${p2.body.cursor_next}`);
		expect(p3.body.data.map((e: any) => e.id)).toEqual(all.slice(6));
		expect(p3.body.cursor_next).toBeNull();
		const back = await close('GET', `/event/?object_type=lead&action=created&_limit=3&_cursor=${p2.body.cursor_previous}`);
		expect(back.body.data.map((e: any) => e.id)).toEqual(all.slice(0, 3));
		expect((await close('GET', '/event/?object_type=lead&action=created&_cursor=@@@')).status).toBe(400);
	});
});

describe('webhook subscriptions', () => {
	const body = { url: 'http://127.0.0.1:9/hook', events: [{ object_type: 'lead', action: 'created' }] };

	it('CRUD with the documented shapes', async () => {
		const created = await close('POST', '/webhook/', body);
		expect(created.status).toBe(201);
		const s = created.body;
		expect(s.id).toMatch(/^whsub_/);
		expect(s).toMatchObject({ url: body.url, events: body.events, status: 'active', verify_ssl: true });
		expect(s.signature_key).toMatch(/^[0-9a-f]{64}$/);
		expect(s.date_created).toBeTruthy();
		expect(s.health_status).toBeTruthy();
		const list = await close('GET', '/webhook/');
		// the key is documented on GET /webhook/{id}/ only, never in the list
		const { signature_key: _key, ...listed } = s;
		expect(list.body).toEqual({ data: [listed], has_more: false });
		expect((await close('GET', `/webhook/${s.id}/`)).body).toEqual(s);
		const paused = await close('PUT', `/webhook/${s.id}/`, { status: 'paused' });
		expect(paused.body).toMatchObject({ status: 'paused', url: body.url, events: body.events });
		expect((await close('PUT', `/webhook/${s.id}/`, { status: 'sleeping' })).status).toBe(400);
		expect((await close('DELETE', `/webhook/${s.id}/`)).status).toBe(200);
		expect((await close('GET', `/webhook/${s.id}/`)).status).toBe(404);
	});

	it('validates bodies with errors and field-errors', async () => {
		const r = await close('POST', '/webhook/', { url: 'not a url', events: [{ object_type: 'lead' }] });
		expect(r.status).toBe(400);
		expect(r.body['field-errors']).toMatchObject({ url: expect.any(String), 'events.0.action': expect.any(String) });
		expect(Array.isArray(r.body.errors)).toBe(true);
		expect((await close('POST', '/webhook/', { url: 'http://x' })).body['field-errors'].events).toBeTruthy();
	});

	it('allows 40 subscriptions per organization', async () => {
		for (let i = 0; i < 40; i++) expect((await close('POST', '/webhook/', body)).status).toBe(201);
		const r = await close('POST', '/webhook/', body);
		expect(r.status).toBe(400);
		expect(JSON.stringify(r.body)).toMatch(/40/);
	});
});
