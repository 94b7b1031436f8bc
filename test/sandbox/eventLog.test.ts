import { Sandbox, startSandbox } from '../../sandbox';
import { closeAuth, json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(() => sb.close());
beforeEach(() => sb.admin.reset());

async function close(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const res = await fetch(sb.closeBaseUrl + path, { method, headers: closeAuth(sb), body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: res.status, body: await json(res) };
}

describe('event types (Close "List of Event Types")', () => {
	it('tasks are logged as task.lead', () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		const task = sb.admin.create('task', { lead_id: lead.id, text: 'call' });
		expect(sb.admin.events().find((e) => e.object_id === task.id)!.object_type).toBe('task.lead');
	});

	it('a subscription naming an event type Close does not have is a 400 naming the field', async () => {
		const bare = await close('POST', '/webhook/', { url: 'http://x.test/h', events: [{ object_type: 'task', action: 'created' }] });
		expect(bare.status).toBe(400);
		expect(bare.body['field-errors']['events.0.object_type']).toMatch(/"task" is not a valid choice/);
		const action = await close('POST', '/webhook/', { url: 'http://x.test/h', events: [{ object_type: 'lead', action: 'exploded' }] });
		expect(action.body['field-errors']['events.0.action']).toMatch(/not a valid choice/);
		const ok = await close('POST', '/webhook/', {
			url: 'http://x.test/h',
			events: [
				{ object_type: 'task.lead', action: 'created' },
				{ object_type: 'activity.task_completed', action: 'created' },
			],
		});
		expect(ok.status).toBe(201);
		const put = await close('PUT', `/webhook/${ok.body.id}/`, { events: [{ object_type: 'task', action: 'updated' }] });
		expect(put.status).toBe(400);
	});
});

describe('GET /event/ as Close documents it', () => {
	const ids = async (q: string) => {
		const r = await close('GET', `/event/?${q}`);
		expect(r.status).toBe(200);
		return r.body.data.map((e: any) => e.object_id);
	};

	it('answers only the documented filter combinations (date_updated optional with any), 400 otherwise', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		const user = sb.admin.events()[0].user_id;
		const request = sb.admin.events()[0].request_id;
		for (const q of [
			`object_type=lead&object_id=${lead.id}`,
			'object_type=lead&action=created',
			`object_id=${lead.id}&action=created`,
			`lead_id=${lead.id}&object_type=lead`,
			`lead_id=${lead.id}&object_type=lead&action=created`,
			`lead_id=${lead.id}&user_id=${user}&object_type=lead`,
			`lead_id=${lead.id}&user_id=${user}&object_type=lead&action=created`,
			`lead_id=${lead.id}&user_id=${user}`,
			`user_id=${user}&object_id=${lead.id}`,
			`user_id=${user}&object_id=${lead.id}&action=created`,
			`user_id=${user}&object_type=lead`,
			`user_id=${user}&object_type=lead&action=created`,
			`lead_id=${lead.id}`,
			`user_id=${user}`,
			`request_id=${request}`,
			'object_type=lead&action=created&date_updated__gte=2000-01-01T00:00:00&date_updated__lt=2100-01-01T00:00:00',
		]) {
			expect({ q, ids: await ids(q) }).toEqual({ q, ids: [lead.id] });
		}
		for (const q of ['', 'object_type=lead', 'action=created', `object_id=${lead.id}`, 'date_updated__gte=2000-01-01T00:00:00', `lead_id=${lead.id}&action=created`, 'object_type=lead&action=created&_skip=0']) {
			const r = await close('GET', `/event/?${q}`);
			expect({ q, status: r.status }).toEqual({ q, status: 400 });
			expect(r.body.errors[0]).toMatch(/combination of filters|_skip/);
		}
	});

	it('a cursor goes with the same filters (date_updated may be left out); another filter set is a 400', async () => {
		for (let i = 0; i < 4; i++) sb.admin.create('lead', { name: `L${i}` });
		const first = await close('GET', '/event/?object_type=lead&action=created&_limit=2&date_updated__gte=2000-01-01T00:00:00');
		const next = first.body.cursor_next;
		expect((await ids(`object_type=lead&action=created&_limit=2&_cursor=${next}`)).length).toBe(2);
		expect((await close('GET', `/event/?object_type=contact&action=created&_cursor=${next}`)).status).toBe(400);
	});

	it('lists by date, newest first, even an event logged late with an earlier date (admin `at`)', async () => {
		const t = Date.parse('2024-05-01T10:00:00Z');
		const iso = (ms: number) => new Date(ms).toISOString();
		const a = sb.admin.create('lead', {}, { at: iso(t) });
		const b = sb.admin.create('lead', {}, { at: iso(t + 120_000) });
		const late = sb.admin.create('lead', {}, { at: iso(t + 30_000) });
		expect(await ids('object_type=lead&action=created')).toEqual([b.id, late.id, a.id]);
		const p1 = await close('GET', '/event/?object_type=lead&action=created&_limit=1');
		const p2 = await close('GET', `/event/?object_type=lead&action=created&_limit=1&_cursor=${p1.body.cursor_next}`);
		expect(p2.body.data.map((e: any) => e.object_id)).toEqual([late.id]);
		expect(await ids(`object_type=lead&action=created&date_updated__gt=${iso(t + 60_000).replace('Z', '')}`)).toEqual([b.id]);
	});

	it('consolidation (knob): a later update of one object within the window folds into the earlier event', async () => {
		sb.admin.setEventConsolidation(60_000);
		try {
			const lead = sb.admin.create('lead', { name: 'A', description: 'x' });
			sb.admin.update('lead', lead.id, { name: 'B' });
			const first = sb.admin.events().at(-1)!;
			sb.admin.update('lead', lead.id, { description: 'y' });
			const updates = sb.admin.events().filter((e) => e.action === 'updated');
			expect(updates).toHaveLength(1);
			expect(updates[0].id).toBe(first.id);
			expect(updates[0].date_updated > first.date_updated).toBe(true);
			expect(updates[0].changed_fields.sort()).toEqual(['description', 'name']);
			expect(updates[0].data).toMatchObject({ name: 'B', description: 'y' });
			expect(updates[0].previous_data).toMatchObject({ name: 'A', description: 'x' });
		} finally {
			sb.admin.setEventConsolidation(0);
		}
	});
});
