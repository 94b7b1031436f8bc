// Webhook mode with the issue-13 selections: the subscription carries exactly the needed event
// types with Close-side filters, a changed selection updates it in place, and arrivals are still
// filtered by the selection (older subscriptions, relays).
import { createHmac } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { hookCtx, jsonOf, trigger, uniqueNodeId, webhookCtx, type Params, useSandboxInstance } from './helpers';

// Many HTTP requests per poll: generous on a loaded machine.
jest.setTimeout(60_000);

let sandbox: Sandbox;
let instanceId: string;
const URL = 'http://n8n.example.test/webhook/sel-123/webhook';
const QUALIFIED = 'stat_SandboxQualified00000001';
const CUSTOMER = 'stat_SandboxCustomer00000001';

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
});

/** One node whose parameters can change between calls (the user edits the workflow). */
function node(initial: Omit<Params, 'instanceId'>) {
	const nodeId = uniqueNodeId();
	const staticData: { node?: IDataObject } = {};
	let params: Params = { instanceId, ...initial };
	const ctx = () => hookCtx({ sandbox, params, staticData, nodeId, url: URL });
	return {
		set(next: Omit<Params, 'instanceId'>) {
			params = { instanceId, ...next };
		},
		checkExists: () => trigger.webhookMethods.default.checkExists.call(ctx()),
		create: () => trigger.webhookMethods.default.create.call(ctx()),
		receive: (body: unknown, signatureKey: string) => {
			const raw = Buffer.from(JSON.stringify(body));
			const ts = String(Math.floor(Date.now() / 1000));
			const hash = createHmac('sha256', Buffer.from(signatureKey, 'hex')).update(ts).update(raw).digest('hex');
			const headers = { 'content-type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': hash };
			return trigger.webhook.call(webhookCtx({ sandbox, params, staticData, nodeId, url: URL, request: { method: 'POST', headers, rawBody: raw } }));
		},
	};
}

const statusFilter = (field: string, ids: string[]) => ({
	type: 'field_accessor',
	field: 'data',
	filter: {
		type: 'field_accessor',
		field,
		filter: ids.length === 1 ? { type: 'equals', value: ids[0] } : { type: 'or', filters: ids.map((value) => ({ type: 'equals', value })) },
	},
});

describe('webhook mode selections', () => {
	test('subscribes to exactly the needed event types with Close-side filters', async () => {
		const n = node({
			objects: ['lead', 'opportunity', 'task', 'call'],
			events: ['statusChanged', 'completed', 'updated'],
			options: { delivery: 'direct', toStatus: [QUALIFIED], fieldsToWatch: 'status_id, name' },
		});
		await n.create();
		const [sub] = sandbox.admin.webhooks();
		const byType = Object.fromEntries(sub.events.map((e) => [`${e.object_type}.${e.action}`, e.extra_filter]));
		expect(Object.keys(byType).sort()).toEqual([
			'activity.call.updated',
			'activity.lead_status_change.created',
			'activity.opportunity_status_change.created',
			'activity.task_completed.created',
			'lead.updated',
			'opportunity.updated',
			'task.lead.updated',
		]);
		expect(byType['activity.lead_status_change.created']).toEqual(statusFilter('new_status_id', [QUALIFIED]));
		expect(byType['activity.task_completed.created']).toBeUndefined();
		expect(byType['lead.updated']).toEqual({
			type: 'field_accessor',
			field: 'changed_fields',
			filter: { type: 'or', filters: [{ type: 'contains', value: 'status_id' }, { type: 'contains', value: 'name' }] },
		});
		expect(await n.checkExists()).toBe(true);
	});

	test('a changed selection updates the subscription in place: same id and key, no delete, no second one', async () => {
		const n = node({ objects: ['lead'], events: ['statusChanged'], options: { delivery: 'direct', toStatus: [QUALIFIED] } });
		await n.create();
		const [first] = sandbox.admin.webhooks();
		sandbox.admin.clearLogs();
		n.set({ objects: ['lead', 'note'], events: ['statusChanged', 'created'], options: { delivery: 'direct', fromStatus: [CUSTOMER], toStatus: [QUALIFIED] } });
		expect(await n.checkExists()).toBe(false);
		await n.create();
		const subs = sandbox.admin.webhooks();
		expect(subs).toHaveLength(1);
		expect(subs[0].id).toBe(first.id);
		expect(subs[0].signature_key).toBe(first.signature_key);
		expect(subs[0].events.find((e) => e.object_type === 'activity.lead_status_change')!.extra_filter).toEqual({
			type: 'and',
			filters: [statusFilter('old_status_id', [CUSTOMER]), statusFilter('new_status_id', [QUALIFIED])],
		});
		const writes = sandbox.admin.requests().filter((r) => r.path.includes('/webhook/') && r.method !== 'GET');
		expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/webhook/${first.id}/`]);
		expect(await n.checkExists()).toBe(true);
	});

	test('what arrives is still filtered by the selection (an older, wider subscription)', async () => {
		const n = node({ objects: ['lead'], events: ['statusChanged'], options: { delivery: 'direct', toStatus: [QUALIFIED] } });
		await n.create();
		const [sub] = sandbox.admin.webhooks();
		const lead = sandbox.admin.create('lead', { name: 'x' });
		sandbox.admin.update('lead', lead.id, { status_id: CUSTOMER });
		sandbox.admin.update('lead', lead.id, { status_id: QUALIFIED });
		const events = sandbox.admin.events();
		const toCustomer = events.find((e) => e.object_type === 'activity.lead_status_change' && e.data?.new_status_id === CUSTOMER)!;
		const toQualified = events.find((e) => e.object_type === 'activity.lead_status_change' && e.data?.new_status_id === QUALIFIED)!;
		const leadUpdated = events.find((e) => e.object_type === 'lead' && e.action === 'updated')!;
		for (const ev of [toCustomer, leadUpdated]) {
			const res = await n.receive({ subscription_id: sub.id, event: ev }, sub.signature_key);
			expect(res.workflowData).toBeUndefined();
		}
		const res = await n.receive({ subscription_id: sub.id, event: toQualified }, sub.signature_key);
		const items = jsonOf(res.workflowData ?? null);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'statusChanged',
			object: 'lead',
			id: lead.id,
			statusChange: { fromId: CUSTOMER, fromLabel: 'Customer', toId: QUALIFIED, toLabel: 'Qualified' },
			deliveryId: toQualified.id,
		});
	});

	test('the platform-polling delivery refuses what only Close events give, naming it, and changes nothing', async () => {
		const before = JSON.stringify(sandbox.admin.instances().find((i) => String(i.id) === instanceId)!.configuration);
		const n = node({ objects: ['lead', 'note'], events: ['created', 'statusChanged'], options: { delivery: 'openConnectorsPolling' } });
		await expect(n.create()).rejects.toThrow(/cannot give: note, statusChanged/);
		expect(JSON.stringify(sandbox.admin.instances().find((i) => String(i.id) === instanceId)!.configuration)).toBe(before);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});

	test('a selection that cannot work fails before any request, naming the problem', async () => {
		sandbox.admin.clearLogs();
		await expect(node({ objects: ['contact'], events: ['statusChanged'], options: { delivery: 'direct' } }).create()).rejects.toThrow(
			/"statusChanged" applies to none of the selected objects/,
		);
		await expect(node({ objects: ['lead'], events: ['created'], options: { toStatus: [QUALIFIED] } }).create()).rejects.toThrow(/From Status/);
		expect(sandbox.admin.requests()).toHaveLength(0);
	});
});
