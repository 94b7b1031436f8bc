import { fromList } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();

describe('opportunity', () => {
	it('create, get, update, getAll by lead and status, delete', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const [created] = await f.ok({
			resource: 'opportunity',
			operation: 'create',
			leadId: fromList(l.id),
			fields: { value: 250000, value_period: 'annual', confidence: 60, note: 'Renewal', user_id: 'user_SandboxSecondUser00000001', date_won: '2024-06-01T00:00:00' },
		});
		expect(created).toMatchObject({ lead_id: l.id, value: 250000, value_period: 'annual', confidence: 60, note: 'Renewal', user_id: 'user_SandboxSecondUser00000001', date_won: '2024-06-01' });
		const [got] = await f.ok({ resource: 'opportunity', operation: 'get', opportunityId: created.id });
		expect(got.id).toBe(created.id);
		const [updated] = await f.ok({ resource: 'opportunity', operation: 'update', opportunityId: created.id, updateFields: { confidence: 90 } });
		expect(updated).toMatchObject({ id: created.id, confidence: 90, value: 250000 });
		a.create('opportunity', { lead_id: a.create('lead', { name: 'Other' }).id });
		const listed = await f.ok({ resource: 'opportunity', operation: 'getAll', returnAll: true, filters: { leadId: l.id } });
		expect(listed.map((o) => o.id)).toEqual([created.id]);
		expect(await f.ok({ resource: 'opportunity', operation: 'delete', opportunityId: created.id })).toEqual([{ id: created.id, deleted: true }]);
	});

	it('create without a lead fails before any request', async () => {
		const result = await f.run({ resource: 'opportunity', operation: 'create', leadId: fromList('') });
		expect(result.error?.message).toMatch(/Lead: choose a lead/);
		expect(calls(result)).toEqual([]);
	});
});

describe('task', () => {
	it('create with assignee and due date, update to complete, getAll of incomplete tasks, delete', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const [created] = await f.ok({
			resource: 'task',
			operation: 'create',
			leadId: fromList(l.id),
			text: 'Call back',
			fields: { assigned_to: 'user_SandboxSecondUser00000001', date: '2024-07-01' },
		});
		expect(created).toMatchObject({ _type: 'lead', lead_id: l.id, text: 'Call back', assigned_to: 'user_SandboxSecondUser00000001', date: '2024-07-01', is_complete: false });
		const other = a.create('task', { lead_id: l.id, text: 'Done already', is_complete: true });
		const open = await f.ok({ resource: 'task', operation: 'getAll', returnAll: true, filters: { is_complete: false } });
		expect(open.map((t) => t.id)).toEqual([created.id]);
		const [updated] = await f.ok({ resource: 'task', operation: 'update', taskId: created.id, updateFields: { is_complete: true } });
		expect(updated.is_complete).toBe(true);
		expect(await f.ok({ resource: 'task', operation: 'get', taskId: other.id })).toEqual([expect.objectContaining({ text: 'Done already' })]);
		expect(await f.ok({ resource: 'task', operation: 'delete', taskId: created.id })).toEqual([{ id: created.id, deleted: true }]);
		const missing = await f.run({ resource: 'task', operation: 'delete', taskId: created.id });
		expect(missing.error?.httpCode).toBe('404');
	});
});
