import { Sandbox, startSandbox } from '../../sandbox';
import { filterError, matchesFilter } from '../../sandbox/extraFilter';
import { closeAuth, json, startReceiver, waitFor } from './helpers';

let sb: Sandbox;
const receivers: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(async () => {
	await sb.close();
});
beforeEach(() => sb.admin.reset());
afterEach(async () => {
	await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const res = await fetch(sb.closeBaseUrl + path, { method, headers: closeAuth(sb), body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: res.status, body: await json(res) };
}

describe('statuses', () => {
	it('lists lead and opportunity statuses in Close shapes', async () => {
		const leads = await call('GET', '/status/lead/');
		expect(leads.status).toBe(200);
		expect(leads.body.has_more).toBe(false);
		expect(leads.body.data.map((s: any) => s.label)).toEqual(['Potential', 'Bad Fit', 'Qualified', 'Customer']);
		for (const s of leads.body.data) expect(Object.keys(s).sort()).toEqual(['id', 'label', 'organization_id']);
		const opps = await call('GET', '/status/opportunity/');
		expect(opps.body.data.map((s: any) => [s.label, s.type])).toEqual([
			['Active', 'active'],
			['Won', 'won'],
			['Lost', 'lost'],
		]);
		expect(opps.body.data[0].pipeline_id).toMatch(/^pipe_/);
		const one = await call('GET', `/status/lead/${leads.body.data[2].id}/`);
		expect(one.body.label).toBe('Qualified');
		expect((await call('GET', '/status/lead/stat_nope/')).status).toBe(404);
	});

	it('creates a status; a duplicate label or a missing opportunity type is a 400', async () => {
		const created = await call('POST', '/status/lead/', { label: 'Churned' });
		expect(created.status).toBe(200);
		expect(created.body.id).toMatch(/^stat_/);
		expect((await call('GET', '/status/lead/')).body.data.map((s: any) => s.label)).toContain('Churned');
		expect((await call('POST', '/status/lead/', { label: 'churned' })).status).toBe(400);
		const bad = await call('POST', '/status/opportunity/', { label: 'Maybe' });
		expect(bad.status).toBe(400);
		expect(bad.body['field-errors'].type).toBeDefined();
	});

	it('sets status_id and status_label together; a bad status id is a 400 naming status_id', async () => {
		const qualified = sb.admin.statuses('lead').find((s) => s.label === 'Qualified')!;
		const byId = await call('POST', '/lead/', { name: 'A', status_id: qualified.id });
		expect([byId.body.status_id, byId.body.status_label]).toEqual([qualified.id, 'Qualified']);
		const byLabel = await call('POST', '/lead/', { name: 'B', status: 'customer' });
		expect(byLabel.body.status_label).toBe('Customer');
		const bad = await call('PUT', `/lead/${byId.body.id}/`, { status_id: 'stat_DoesNotExist' });
		expect(bad.status).toBe(400);
		expect(bad.body['field-errors'].status_id).toBeDefined();
		expect(sb.admin.get('lead', byId.body.id)!.status_id).toBe(qualified.id);
		const won = sb.admin.statuses('opportunity').find((s) => s.label === 'Won')!;
		const opp = await call('POST', '/opportunity/', { lead_id: byId.body.id, status_id: won.id });
		expect([opp.body.status_label, opp.body.status_type]).toEqual(['Won', 'won']);
	});
});

describe('status changes and task completion', () => {
	it('a lead status change logs lead updated then activity.lead_status_change created', async () => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		const qualified = sb.admin.statuses('lead').find((s) => s.label === 'Qualified')!;
		await call('PUT', `/lead/${lead.id}/`, { status_id: qualified.id });
		const events = sb.admin.events().slice(-2);
		expect(events.map((e) => [e.object_type, e.action])).toEqual([
			['lead', 'updated'],
			['activity.lead_status_change', 'created'],
		]);
		expect(events[0].changed_fields).toEqual(['status_id', 'status_label']);
		expect(events[0].previous_data).toEqual({ status_id: 'stat_SandboxPotential00000001', status_label: 'Potential' });
		const change = events[1];
		expect(change.lead_id).toBe(lead.id);
		expect(change.object_id).toMatch(/^acti_/);
		expect(change.request_id).toBe(events[0].request_id);
		expect(change.data).toMatchObject({
			_type: 'LeadStatusChange',
			lead_id: lead.id,
			old_status_id: 'stat_SandboxPotential00000001',
			old_status_label: 'Potential',
			new_status_id: qualified.id,
			new_status_label: 'Qualified',
		});
		const listed = await call('GET', `/activity/status_change/lead/?lead_id=${lead.id}`);
		expect(listed.body.data.map((a: any) => a.id)).toEqual([change.object_id]);
		// An update that leaves the status alone logs no status change.
		sb.admin.update('lead', lead.id, { name: 'Acme 2', status_id: qualified.id });
		expect(sb.admin.events().at(-1)!.object_type).toBe('lead');
	});

	it('an opportunity status change logs activity.opportunity_status_change with ids, labels and types', async () => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		const opp = sb.admin.create('opportunity', { lead_id: lead.id, value: 5000 });
		const lost = sb.admin.statuses('opportunity').find((s) => s.label === 'Lost')!;
		sb.admin.update('opportunity', opp.id, { status_id: lost.id });
		const change = sb.admin.events().at(-1)!;
		expect([change.object_type, change.action, change.lead_id]).toEqual(['activity.opportunity_status_change', 'created', lead.id]);
		expect(change.data).toMatchObject({
			_type: 'OpportunityStatusChange',
			opportunity_id: opp.id,
			old_status_id: 'stat_SandboxActive0000000001',
			old_status_label: 'Active',
			old_status_type: 'active',
			new_status_id: lost.id,
			new_status_label: 'Lost',
			new_status_type: 'lost',
			opportunity_value: 5000,
		});
	});

	it('completing a task logs activity.task_completed; re-opening it does not', async () => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		const task = sb.admin.create('task', { lead_id: lead.id, text: 'Call back' });
		sb.admin.update('task', task.id, { is_complete: true });
		const done = sb.admin.events().at(-1)!;
		expect([done.object_type, done.action]).toEqual(['activity.task_completed', 'created']);
		expect(done.data).toMatchObject({ _type: 'TaskCompleted', task_id: task.id, task_text: 'Call back', lead_id: lead.id });
		sb.admin.update('task', task.id, { is_complete: false });
		expect(sb.admin.events().at(-1)!.object_type).toBe('task.lead');
		expect(sb.admin.events().filter((e) => e.object_type === 'activity.task_completed')).toHaveLength(1);
	});
});

describe('activities', () => {
	it.each(['note', 'call', 'email', 'sms', 'meeting'])('%s: create, get, list by lead, update, delete, with activity.%s events', async (type) => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		const other = sb.admin.create('lead', { name: 'Other' });
		// Close's API creates no meetings (they come from calendars): the sandbox makes them in-process.
		const post = async (leadId: string) => (type === 'meeting' ? { status: 200, body: sb.admin.create('meeting', { lead_id: leadId }) as any } : await call('POST', `/activity/${type}/`, { lead_id: leadId }));
		if (type === 'meeting') expect((await call('POST', '/activity/meeting/', { lead_id: lead.id })).status).toBe(405);
		const created = await post(lead.id);
		expect(created.status).toBe(200);
		expect(created.body.id).toMatch(/^acti_/);
		expect(created.body.lead_id).toBe(lead.id);
		expect(created.body._type).toBe({ note: 'Note', call: 'Call', email: 'Email', sms: 'SMS', meeting: 'Meeting' }[type]);
		await post(other.id);
		expect((await call('GET', `/activity/${type}/${created.body.id}/`)).body.id).toBe(created.body.id);
		const listed = await call('GET', `/activity/${type}/?lead_id=${lead.id}`);
		expect(listed.body.data.map((a: any) => a.id)).toEqual([created.body.id]);
		const field = { note: 'note', call: 'note', email: 'subject', sms: 'text', meeting: 'title' }[type]!;
		const updated = await call('PUT', `/activity/${type}/${created.body.id}/`, { [field]: 'hello' });
		expect(updated.body[field]).toBe('hello');
		expect((await call('DELETE', `/activity/${type}/${created.body.id}/`)).status).toBe(200);
		expect((await call('GET', `/activity/${type}/${created.body.id}/`)).status).toBe(404);
		const mine = sb.admin.events().filter((e) => e.object_id === created.body.id);
		expect(mine.map((e) => [e.object_type, e.action])).toEqual([
			[`activity.${type}`, 'created'],
			[`activity.${type}`, 'updated'],
			[`activity.${type}`, 'deleted'],
		]);
		expect(mine[1].changed_fields).toEqual([field]);
		expect(mine.every((e) => e.lead_id === lead.id)).toBe(true);
	});

	it('needs an existing lead; goes with its lead on delete and moves on merge', async () => {
		expect((await call('POST', '/activity/note/', { note: 'x' })).status).toBe(400);
		expect((await call('POST', '/activity/note/', { lead_id: 'lead_nope', note: 'x' })).status).toBe(400);
		const a = sb.admin.create('lead', { name: 'A' });
		const b = sb.admin.create('lead', { name: 'B' });
		const noteA = sb.admin.create('note', { lead_id: a.id, note: 'on A' });
		const noteB = sb.admin.create('note', { lead_id: b.id, note: 'on B' });
		sb.admin.merge(a.id, b.id);
		expect(sb.admin.get('note', noteA.id)!.lead_id).toBe(b.id);
		sb.admin.delete('lead', b.id);
		expect(sb.admin.get('note', noteA.id)).toBeUndefined();
		expect(sb.admin.get('note', noteB.id)).toBeUndefined();
		expect(sb.admin.events().filter((e) => e.object_type === 'activity.note' && e.action === 'deleted')).toHaveLength(2);
	});

	it('the event log filters by an activity object_type', async () => {
		const lead = sb.admin.create('lead', { name: 'Acme' });
		sb.admin.create('note', { lead_id: lead.id });
		sb.admin.create('call', { lead_id: lead.id });
		const res = await call('GET', '/event/?object_type=activity.note&action=created');
		expect(res.body.data.map((e: any) => e.object_type)).toEqual(['activity.note']);
	});
});

describe('extra_filter', () => {
	const statusIs = (id: string) => ({
		type: 'field_accessor',
		field: 'data',
		filter: { type: 'field_accessor', field: 'new_status_id', filter: { type: 'equals', value: id } },
	});

	it('delivers only the events a subscription filter accepts', async () => {
		const rx = await startReceiver();
		receivers.push(rx);
		const qualified = sb.admin.statuses('lead').find((s) => s.label === 'Qualified')!;
		const customer = sb.admin.statuses('lead').find((s) => s.label === 'Customer')!;
		const sub = await call('POST', '/webhook/', {
			url: rx.url,
			events: [
				{ object_type: 'activity.lead_status_change', action: 'created', extra_filter: statusIs(qualified.id) },
				{
					object_type: 'lead',
					action: 'updated',
					extra_filter: { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'description' } },
				},
			],
		});
		expect(sub.status).toBe(201);
		expect(sub.body.events[0].extra_filter).toEqual(statusIs(qualified.id));
		const lead = sb.admin.create('lead', { name: 'Acme' });
		sb.admin.update('lead', lead.id, { status_id: customer.id }); // filtered out (both)
		sb.admin.update('lead', lead.id, { status_id: qualified.id }); // status change delivered
		sb.admin.update('lead', lead.id, { description: 'big' }); // lead updated delivered
		await waitFor(() => rx.received.length >= 2);
		await sb.admin.idle();
		expect(rx.received.map((r) => [r.json.event.object_type, r.json.event.action])).toEqual(
			expect.arrayContaining([
				['activity.lead_status_change', 'created'],
				['lead', 'updated'],
			]),
		);
		expect(rx.received).toHaveLength(2);
		expect(sb.admin.deliveries().filter((d) => d.subscriptionId === sub.body.id)).toHaveLength(2);
	});

	it('a PUT replaces the events and their filters in place', async () => {
		const rx = await startReceiver();
		receivers.push(rx);
		const won = sb.admin.statuses('opportunity').find((s) => s.label === 'Won')!;
		const sub = await call('POST', '/webhook/', { url: rx.url, events: [{ object_type: 'activity.note', action: 'created' }] });
		const put = await call('PUT', `/webhook/${sub.body.id}/`, {
			events: [{ object_type: 'activity.opportunity_status_change', action: 'created', extra_filter: statusIs(won.id) }],
		});
		expect(put.status).toBe(200);
		expect(put.body.id).toBe(sub.body.id);
		expect(sb.admin.webhooks()).toHaveLength(1);
		const lead = sb.admin.create('lead', { name: 'Acme' });
		sb.admin.create('note', { lead_id: lead.id });
		const opp = sb.admin.create('opportunity', { lead_id: lead.id });
		sb.admin.update('opportunity', opp.id, { status_id: won.id });
		await waitFor(() => rx.received.length >= 1);
		await sb.admin.idle();
		expect(rx.received.map((r) => r.json.event.object_type)).toEqual(['activity.opportunity_status_change']);
	});

	it('rejects a malformed filter with a 400 naming the event', async () => {
		const res = await call('POST', '/webhook/', {
			url: 'http://127.0.0.1:9/x',
			events: [{ object_type: 'lead', action: 'updated', extra_filter: { type: 'field_accessor', field: 'data', filter: { type: 'like' } } }],
		});
		expect(res.status).toBe(400);
		expect(res.body['field-errors']['events.0.extra_filter']).toMatch(/unknown filter type "like"/);
	});

	it('evaluates every operator as documented', () => {
		const ev = { data: { name: 'Travel Co', custom: { x: 1 }, 'custom.cf_a': 'p1', tags: ['a', 'b'], user_id: null }, changed_fields: ['name'] };
		const on = (field: string, filter: object) => ({ type: 'field_accessor', field: 'data', filter: { type: 'field_accessor', field, filter } });
		const cases: Array<[object, boolean]> = [
			[on('name', { type: 'equals', value: 'Travel Co' }), true],
			[on('name', { type: 'not_equals', value: 'Travel Co' }), false],
			[on('name', { type: 'contains', value: 'Travel' }), true],
			[on('tags', { type: 'contains', value: 'b' }), true],
			[on('tags', { type: 'contains', value: 'c' }), false],
			[on('user_id', { type: 'is_null' }), true],
			[on('missing', { type: 'is_null' }), true],
			[on('name', { type: 'non_null' }), true],
			[on('custom.cf_a', { type: 'equals', value: 'p1' }), true],
			[on('custom.x', { type: 'equals', value: 1 }), true],
			[on('tags', { type: 'any_array_value', filter: { type: 'equals', value: 'a' } }), true],
			[{ type: 'not', filter: on('name', { type: 'equals', value: 'Travel Co' }) }, false],
			[{ type: 'and', filters: [on('name', { type: 'non_null' }), { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'status_id' } }] }, false],
			[{ type: 'or', filters: [on('name', { type: 'is_null' }), { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'name' } }] }, true],
		];
		for (const [filter, expected] of cases) {
			expect(filterError(filter)).toBeUndefined();
			expect([filter, matchesFilter(filter as any, ev)]).toEqual([filter, expected]);
		}
		expect(filterError({ type: 'and', filters: [] })).toMatch(/non-empty/);
		expect(filterError({ type: 'equals' })).toMatch(/needs a value/);
	});
});
