// Polling mode with the issue-13 selections: status changes, completions, activities and watched
// fields come from Close's event log, each once, filtered by the selection.
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { CONTRACT_KEYS, jsonOf, pollCtx, trigger, uniqueNodeId, type Params, useSandboxInstance } from './helpers';

// Many HTTP requests per poll: generous on a loaded machine.
jest.setTimeout(60_000);

let sandbox: Sandbox;
let instanceId: string;
const QUALIFIED = 'stat_SandboxQualified00000001';
const CUSTOMER = 'stat_SandboxCustomer00000001';

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
});

function setup(params: Omit<Params, 'instanceId'>) {
	const staticData: { node?: IDataObject } = {};
	const nodeId = uniqueNodeId();
	const p: Params = { mode: 'polling', instanceId, ...params };
	return {
		staticData,
		poll: async (extra: Parameters<typeof pollCtx>[0]['extra'] = {}) => jsonOf(await trigger.poll.call(pollCtx({ sandbox, params: p, staticData, nodeId, extra }))),
	};
}

describe('polling mode selections', () => {
	test('status changes to the watched status, completions and notes come once each from the event log', async () => {
		const old = sandbox.admin.create('lead', { name: 'Old' });
		sandbox.admin.update('lead', old.id, { status_id: QUALIFIED }); // before activation: not delivered
		// A task before activation too: from an empty hub table the first read cannot tell a task
		// created then completed since from an updated one (the hub poller's own rule).
		sandbox.admin.create('task', { lead_id: old.id, text: 'Old task' });
		const { poll } = setup({ objects: ['lead', 'task', 'note'], events: ['statusChanged', 'completed', 'created'], options: { toStatus: [QUALIFIED] } });
		expect(await poll()).toEqual([]);

		const lead = sandbox.admin.create('lead', { name: 'New' });
		sandbox.admin.update('lead', lead.id, { status_id: CUSTOMER });
		sandbox.admin.update('lead', lead.id, { status_id: QUALIFIED });
		const task = sandbox.admin.create('task', { lead_id: lead.id, text: 'Follow up' });
		sandbox.admin.update('task', task.id, { is_complete: true });
		const note = sandbox.admin.create('note', { lead_id: lead.id, note: 'hello' });
		const items = await poll();
		const summary = items.map((i) => `${String(i.event)} ${String(i.object)} ${String(i.id)}`).sort();
		expect(summary).toEqual(
			[`created lead ${lead.id}`, `created task ${task.id}`, `statusChanged lead ${lead.id}`, `completed task ${task.id}`, `created note ${note.id}`].sort(),
		);
		for (const item of items) expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
		const change = items.find((i) => i.event === 'statusChanged')!;
		expect(change.statusChange).toEqual({ fromId: CUSTOMER, fromLabel: 'Customer', toId: QUALIFIED, toLabel: 'Qualified' });
		expect(String(change.deliveryId)).toMatch(/^ev_/);
		expect(items.find((i) => i.event === 'completed')!.statusChange).toBeNull();
		expect(await poll()).toEqual([]);
	});

	test('with Fields to Watch, an update counts only when a watched field changed (read from the event log)', async () => {
		const lead = sandbox.admin.create('lead', { name: 'Acme' });
		const { poll } = setup({ objects: ['lead'], events: ['updated'], options: { fieldsToWatch: 'description, status_id' } });
		expect(await poll()).toEqual([]);
		sandbox.admin.update('lead', lead.id, { name: 'Acme 2' });
		sandbox.admin.update('lead', lead.id, { description: 'big account' });
		const items = await poll();
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ event: 'updated', object: 'lead', id: lead.id, changedFields: ['description'], source: 'polling' });
		expect((items[0].previousData as IDataObject).description).toBe('');
		expect(await poll()).toEqual([]);
	});

	test('Fetch Test Event with only activities returns the newest wanted one and keeps no cursor', async () => {
		const lead = sandbox.admin.create('lead', { name: 'Acme' });
		sandbox.admin.create('note', { lead_id: lead.id, note: 'first' });
		const newest = sandbox.admin.create('note', { lead_id: lead.id, note: 'second' });
		const { staticData, poll } = setup({ objects: ['note'], events: ['created'] });
		const items = await poll({ mode: 'manual' });
		expect(items.map((i) => [i.object, i.id])).toEqual([['note', newest.id]]);
		expect(staticData.node?.polling).toBeUndefined();
	});
});
