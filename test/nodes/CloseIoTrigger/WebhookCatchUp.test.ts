// Webhook mode's poll(): the catch-up from Close's event log, through the node, against the sandbox.
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { keyDigest, SEEN_BUCKET_SECONDS } from '../../../lib/webhooks/seenKeys';
import { forgetCatchUpStart } from '../../../nodes/CloseIoTrigger/webhook/catchUpPoll';
import { hookCtx, jsonOf, pollCtx, savedDigests, trigger, uniqueNodeId, type Params, useSandboxInstance } from './helpers';

let sandbox: Sandbox;
let instanceId: string;

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
});

const HOUR = 3600_000;

function setup(params: Partial<Params>, node: IDataObject) {
	const staticData: { node?: IDataObject } = { node };
	const nodeId = uniqueNodeId();
	const p: Params = { mode: 'webhook', instanceId, objects: ['lead'], events: ['created', 'updated'], ...params };
	const poll = async () => {
		const ctx = pollCtx({ sandbox, params: p, staticData, nodeId, extra: {} });
		const result = await trigger.poll.call(ctx);
		return { result, items: jsonOf(result), ctx };
	};
	const hooks = (url: string) => {
		const ctx = () => hookCtx({ sandbox, params: p, staticData, nodeId, url });
		return {
			create: async () => await trigger.webhookMethods.default.create.call(ctx()),
			delete: async () => await trigger.webhookMethods.default.delete.call(ctx()),
		};
	};
	return { staticData, poll, hooks };
}

const PROD_URL = 'http://n8n.example.test/webhook/catch-up/webhook';
const TEST_URL = 'http://n8n.example.test/webhook-test/catch-up/webhook';

/** Static data of a node whose last delivery was `ago` ms before now. */
function deliveredAgo(ago: number): IDataObject {
	const bucket = Math.floor((Date.now() - ago) / 1000 / SEEN_BUCKET_SECONDS) * SEEN_BUCKET_SECONDS;
	return { seenDigests: keyDigest('close:ev_delivered_before'), seenAt: [[bucket, 1]] };
}

describe('CloseIoTrigger webhook mode catch-up', () => {
	test('the first poll() after a 2 h gap emits what Close logged since, once, in order, as webhook items; the next poll() nothing', async () => {
		sandbox.admin.create('lead', { name: 'Long before' }, { at: Date.now() - 5 * HOUR });
		const a = sandbox.admin.create('lead', { name: 'A' });
		const b = sandbox.admin.update('lead', a.id, { name: 'B' });
		const { staticData, poll } = setup({}, deliveredAgo(2 * HOUR));
		const first = await poll();
		expect(first.items.map((i) => [i.event, (i.data as IDataObject).name, i.source])).toEqual([
			['created', 'A', 'webhook'],
			['updated', 'B', 'webhook'],
		]);
		expect(first.items[1].occurredAt).toBe(b.date_updated);
		// The keys went into the memory of delivered keys and its static-data copy.
		expect(savedDigests(staticData.node)).toEqual(
			[keyDigest('close:ev_delivered_before'), ...first.items.map((i) => keyDigest(`close:${String(i.deliveryId)}`))],
		);
		expect((await poll()).result).toBeNull();
	});

	test('activated again (after delete()): checks again, from the last delivery (the catch-up counts), never repeating an event', async () => {
		const a = sandbox.admin.create('lead', { name: 'A' });
		const { poll } = setup({}, deliveredAgo(2 * HOUR));
		const first = await poll();
		expect(first.items.map((i) => i.id)).toEqual([a.id]);
		sandbox.admin.update('lead', a.id, { name: 'B' });
		// Still active: later polls read nothing.
		expect((await poll()).result).toBeNull();
		// Deactivated and activated again at once: the last delivery (the catch-up) is recent.
		forgetCatchUpStart(first.ctx);
		expect((await poll()).result).toBeNull();
		// Activated again three hours later (n8n's clock moved; Close's log keeps its dates).
		forgetCatchUpStart(first.ctx);
		const realNow = Date.now();
		const later = jest.spyOn(Date, 'now').mockReturnValue(realNow + 3 * HOUR);
		try {
			const again = await poll();
			expect(again.items.map((i) => [i.event, (i.data as IDataObject).name])).toEqual([['updated', 'B']]);
		} finally {
			later.mockRestore();
		}
	});

	test('deactivated minutes after a delivery (delete() removed the subscription): what changed meanwhile is caught up on activation', async () => {
		const { staticData, poll, hooks } = setup({ options: { delivery: 'direct' } }, deliveredAgo(5 * 60_000));
		const prod = hooks(PROD_URL);
		await prod.create();
		expect((await poll()).result).toBeNull(); // activation: the last delivery is recent, n8n was not off
		await prod.delete();
		expect(typeof staticData.node?.stoppedAt).toBe('number');
		const a = sandbox.admin.create('lead', { name: 'While off' });
		await prod.create();
		const again = await poll();
		expect(again.items.map((i) => [i.id, (i.data as IDataObject).name, i.source])).toEqual([[a.id, 'While off', 'webhook']]);
		expect((await poll()).result).toBeNull();
	});

	test('an editor test listener ending is no deactivation: no stop is noted, a restart within the hour reads nothing', async () => {
		const { staticData, poll, hooks } = setup({ options: { delivery: 'direct' } }, deliveredAgo(5 * 60_000));
		const listener = hooks(TEST_URL);
		await listener.create();
		await listener.delete();
		expect(staticData.node?.stoppedAt).toBeUndefined();
		sandbox.admin.create('lead', { name: 'Delivered live by Close' });
		const before = sandbox.admin.requests().length;
		expect((await poll()).result).toBeNull();
		expect(sandbox.admin.requests().slice(before).filter((r) => r.path.includes('/event/'))).toEqual([]);
	});

	test('Close failing at activation: the activation does not fail; the next poll() catches up, or reports the error', async () => {
		const a = sandbox.admin.create('lead', { name: 'A' });
		const { poll } = setup({}, deliveredAgo(2 * HOUR));
		sandbox.admin.addFault({ path: /\/event\/?$/, status: 403, body: { error: 'forbidden' } });
		try {
			expect((await poll()).result).toBeNull();
			await expect(poll()).rejects.toThrow();
		} finally {
			sandbox.admin.clearFaults();
		}
		expect((await poll()).items.map((i) => i.id)).toEqual([a.id]);
		expect((await poll()).result).toBeNull();
	});

	test('no catch-up (and no request) when the last delivery is recent, on a first activation, or with Catch Up off', async () => {
		sandbox.admin.create('lead', { name: 'A' });
		sandbox.admin.clearLogs();
		expect((await setup({}, deliveredAgo(10 * 60_000)).poll()).result).toBeNull();
		expect((await setup({}, {}).poll()).result).toBeNull();
		expect((await setup({ options: { catchUp: false } }, deliveredAgo(2 * HOUR)).poll()).result).toBeNull();
		expect(sandbox.admin.requests()).toHaveLength(0);
	});
});
