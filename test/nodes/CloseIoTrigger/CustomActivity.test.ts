// The trigger's Custom Activity object: Close's activity.custom_activity events, in webhook mode
// (subscription with extra_filter on the type; what Close delivers becomes items) and in polling
// mode (the event log, filtered by type here).
import { createHmac } from 'node:crypto';
import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { CloseIoTrigger } from '../../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { fakeLoadOptionsContext, sandboxCredentials } from '../../helpers/fakeContext';
import { CONTRACT_KEYS, hookCtx, jsonOf, pollCtx, trigger, uniqueNodeId, webhookCtx, type Params, useSandboxInstance } from './helpers';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let instanceId: string;
const URL = 'http://n8n.example.test/webhook/ca-123/webhook';
const DEMO = 'actitype_SandboxDemoRequest00001';
const TOPIC = 'custom.cf_SandboxDemoTopic00000000000001';

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
});

function otherType(): string {
	return sandbox.admin.closeActivities.createActivityType({ name: 'Other form' }).id;
}

const typeFilter = (field: string) => ({
	type: 'field_accessor',
	field,
	filter: { type: 'field_accessor', field: 'custom_activity_type_id', filter: { type: 'equals', value: DEMO } },
});

describe('Custom Activity in webhook mode', () => {
	test('subscribes to activity.custom_activity with the type as extra_filter; Close delivers only that type; items carry the activity', async () => {
		const other = otherType();
		const nodeId = uniqueNodeId();
		const staticData: { node?: IDataObject } = {};
		const params: Params = { instanceId, objects: ['customActivity'], events: ['created', 'updated', 'deleted'], options: { delivery: 'direct', customActivityTypes: [DEMO] } };
		await trigger.webhookMethods.default.create.call(hookCtx({ sandbox, params, staticData, nodeId, url: URL }));
		const [sub] = sandbox.admin.webhooks();
		const byAction = Object.fromEntries(sub.events.map((e) => [`${e.object_type}.${e.action}`, e.extra_filter]));
		expect(byAction).toEqual({
			'activity.custom_activity.created': typeFilter('data'),
			'activity.custom_activity.updated': typeFilter('data'),
			'activity.custom_activity.deleted': typeFilter('previous_data'),
		});
		expect(await trigger.webhookMethods.default.checkExists.call(hookCtx({ sandbox, params, staticData, nodeId, url: URL }))).toBe(true);

		const lead = sandbox.admin.create('lead', { name: 'Acme' });
		const wanted = sandbox.admin.create('custom_activity', { lead_id: lead.id, custom_activity_type_id: DEMO, [TOPIC]: 'Pricing' });
		sandbox.admin.create('custom_activity', { lead_id: lead.id, custom_activity_type_id: other });
		sandbox.admin.update('custom_activity', wanted.id, { [TOPIC]: 'Pricing and seats' });
		sandbox.admin.delete('custom_activity', wanted.id);
		const deliveries = await sandbox.admin.waitForDeliveries((d) => new Set(d.map((x) => x.deliveryKey)).size >= 3, 20_000);
		const bodies = [...new Map(deliveries.map((d) => [d.deliveryKey, d.rawBody])).values()];
		expect(bodies).toHaveLength(3);

		const items: IDataObject[] = [];
		for (const raw of bodies) {
			const ts = String(Math.floor(Date.now() / 1000));
			const hash = createHmac('sha256', Buffer.from(sub.signature_key, 'hex')).update(ts).update(raw).digest('hex');
			const headers = { 'content-type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': hash };
			const res = await trigger.webhook.call(webhookCtx({ sandbox, params, staticData, nodeId, url: URL, request: { method: 'POST', headers, rawBody: Buffer.from(raw) } }));
			items.push(...jsonOf(res.workflowData ?? null));
		}
		// Close does not promise delivery order (each event is its own POST, retried on its own), so the
		// items are compared as a set and picked by event.
		expect(items.map((i) => `${String(i.event)} ${String(i.object)} ${String(i.id)}`).sort()).toEqual(
			[`created customActivity ${wanted.id}`, `updated customActivity ${wanted.id}`, `deleted customActivity ${wanted.id}`].sort(),
		);
		for (const item of items) expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
		const byEvent = (event: string) => items.find((i) => i.event === event);
		expect(byEvent('created')).toMatchObject({ source: 'webhook', data: { custom_activity_type_id: DEMO, [TOPIC]: 'Pricing' } });
		expect(byEvent('updated')?.changedFields).toEqual([TOPIC]);
	});

	test('Custom Activity Types without the Custom Activity object is refused, naming the option', async () => {
		const params: Params = { instanceId, objects: ['lead'], events: ['created'], options: { delivery: 'direct', customActivityTypes: [DEMO] } };
		await expect(trigger.webhookMethods.default.create.call(hookCtx({ sandbox, params, staticData: {}, nodeId: uniqueNodeId(), url: URL }))).rejects.toThrow(
			/Custom Activity Types only applies to the "Custom Activity" object/,
		);
	});
});

describe('Custom Activity in polling mode', () => {
	test('created, updated and deleted custom activities of the chosen type come once each from the event log', async () => {
		const other = otherType();
		const staticData: { node?: IDataObject } = {};
		const nodeId = uniqueNodeId();
		const params: Params = { mode: 'polling', instanceId, objects: ['customActivity'], events: ['created', 'updated', 'deleted'], options: { customActivityTypes: [DEMO] } };
		const poll = async () => jsonOf(await trigger.poll.call(pollCtx({ sandbox, params, staticData, nodeId })));
		expect(await poll()).toEqual([]);
		const lead = sandbox.admin.create('lead', { name: 'Acme' });
		const wanted = sandbox.admin.create('custom_activity', { lead_id: lead.id, custom_activity_type_id: DEMO, [TOPIC]: 'Pricing' });
		sandbox.admin.create('custom_activity', { lead_id: lead.id, custom_activity_type_id: other });
		sandbox.admin.update('custom_activity', wanted.id, { [TOPIC]: 'Seats' });
		const first = await poll();
		expect(first.map((i) => `${String(i.event)} ${String(i.id)}`).sort()).toEqual([`created ${wanted.id}`, `updated ${wanted.id}`].sort());
		expect(first.every((i) => i.object === 'customActivity' && i.source === 'polling')).toBe(true);
		sandbox.admin.delete('custom_activity', wanted.id);
		expect((await poll()).map((i) => `${String(i.event)} ${String(i.id)}`)).toEqual([`deleted ${wanted.id}`]);
		expect(await poll()).toEqual([]);
	});

	test('the Custom Activity Types list comes from Close', async () => {
		const node = new CloseIoTrigger();
		const ctx = fakeLoadOptionsContext({ nodeType: node, credentials: { openConnectorsApi: sandboxCredentials(sandbox) } }) as ILoadOptionsFunctions;
		expect(await node.methods.loadOptions.getCustomActivityTypes.call(ctx)).toEqual([{ name: 'Demo Request', value: DEMO }]);
	});
});
