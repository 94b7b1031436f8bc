import crypto from 'node:crypto';
import { Sandbox, startSandbox } from '../../sandbox';
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

async function receiver(statuses?: number[]) {
	const r = await startReceiver(statuses);
	receivers.push(r);
	return r;
}

async function subscribe(url: string, events: Array<[string, string]>): Promise<any> {
	const res = await fetch(sb.closeBaseUrl + '/webhook/', {
		method: 'POST',
		headers: closeAuth(sb),
		body: JSON.stringify({ url, events: events.map(([object_type, action]) => ({ object_type, action })) }),
	});
	return json(res);
}

// Written here from the documentation, independent of the sandbox's own code.
function closeSignature(signatureKeyHex: string, timestamp: string, raw: Buffer): string {
	return crypto.createHmac('sha256', Buffer.from(signatureKeyHex, 'hex')).update(timestamp + raw.toString('utf8')).digest('hex');
}
function ocSignature(key: string, raw: Buffer): string {
	return 'sha256=' + crypto.createHmac('sha256', key).update(raw).digest('base64');
}

describe('Close webhook deliveries', () => {
	it('delivers {subscription_id, event} signed with close-sig-hash / close-sig-timestamp', async () => {
		const rx = await receiver();
		const sub = await subscribe(rx.url, [['lead', 'created'], ['lead', 'updated']]);
		const lead = sb.admin.create('lead', { name: 'Acme' });
		sb.admin.update('lead', lead.id, { name: 'Acme 2' });
		sb.admin.create('contact', { lead_id: lead.id }); // not subscribed
		await waitFor(() => rx.received.length >= 2);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(2);
		for (const r of rx.received) {
			const ts = String(r.headers['close-sig-timestamp']);
			expect(ts).toMatch(/^\d{10}$/);
			expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
			expect(r.headers['close-sig-hash']).toBe(closeSignature(sub.signature_key, ts, r.raw));
			expect(r.headers['content-type']).toMatch(/application\/json/);
			expect(r.json.subscription_id).toBe(sub.id);
		}
		const actions = rx.received.map((r) => r.json.event.action).sort();
		expect(actions).toEqual(['created', 'updated']);
		const upd = rx.received.find((r) => r.json.event.action === 'updated')!.json.event;
		expect(upd).toMatchObject({ object_type: 'lead', object_id: lead.id, lead_id: lead.id, changed_fields: ['name'], previous_data: { name: 'Acme' } });
		expect(upd.date_updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
		expect(upd.data.date_updated).toMatch(/\+00:00$/);
		// a tampered body does not verify
		expect(closeSignature(sub.signature_key, String(rx.received[0].headers['close-sig-timestamp']), Buffer.from('{}'))).not.toBe(
			rx.received[0].headers['close-sig-hash'],
		);
	});

	it('delivers deletes (previous_data) and merges (meta ids); paused subscriptions get nothing', async () => {
		const rx = await receiver();
		const sub = await subscribe(rx.url, [['lead', 'deleted'], ['lead', 'merged']]);
		const a = sb.admin.create('lead', { name: 'A' });
		const b = sb.admin.create('lead', { name: 'B' });
		sb.admin.merge(a.id, b.id);
		await waitFor(() => rx.received.length >= 2);
		const merged = rx.received.find((r) => r.json.event.action === 'merged')!.json.event;
		expect(merged.meta).toEqual(expect.objectContaining({ merge_source_lead_id: a.id, merge_destination_lead_id: b.id }));
		const deleted = rx.received.find((r) => r.json.event.action === 'deleted')!.json.event;
		expect(deleted).toMatchObject({ object_id: a.id, data: null, previous_data: { id: a.id, name: 'A' } });
		await fetch(`${sb.closeBaseUrl}/webhook/${sub.id}/`, { method: 'PUT', headers: closeAuth(sb), body: '{"status":"paused"}' });
		sb.admin.delete('lead', b.id);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(2);
	});

	it('retries failures with the scaled back-off until a 2xx', async () => {
		const rx = await receiver([500, 503, 200]);
		await subscribe(rx.url, [['lead', 'created']]);
		const t0 = Date.now();
		sb.admin.create('lead');
		await waitFor(() => rx.received.length >= 3);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(3);
		// 10 s then 20 s at scale 0.001 = 10 ms + 20 ms at least
		expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
		const ids = new Set(rx.received.map((r) => r.json.event.id));
		expect(ids.size).toBe(1);
		const log = sb.admin.deliveries().filter((d) => d.kind === 'close');
		expect(log.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 503],
			[3, 200],
		]);
	});

	it('a retry keeps its first timestamp and hash by default; re-signed on request; timestamps can be set back', async () => {
		const header = (r: { headers: Record<string, unknown> }) => [String(r.headers['close-sig-timestamp']), String(r.headers['close-sig-hash'])];
		const rx = await receiver([500, 500, 200]);
		await subscribe(rx.url, [['lead', 'created']]);
		// a first attempt made 10 minutes ago (an outage already under way)
		expect(sb.admin.closeDeliverySigning({ timestampOffsetSeconds: -600 })).toEqual({ resignRetries: false, timestampOffsetSeconds: -600 });
		const before = Math.floor(Date.now() / 1000);
		sb.admin.create('lead');
		await waitFor(() => rx.received.length >= 3);
		await sb.admin.idle();
		const signed = rx.received.map(header);
		expect(new Set(signed.map((s) => s.join(' '))).size).toBe(1);
		expect(Number(signed[0]![0])).toBeLessThanOrEqual(before - 600 + 1);

		const again = await receiver([500, 200]);
		await subscribe(again.url, [['lead', 'created']]);
		// the first attempt is signed as the event is written; its retry after the offset is gone
		sb.admin.closeDeliverySigning({ resignRetries: true, timestampOffsetSeconds: -1000 });
		sb.admin.create('lead');
		sb.admin.closeDeliverySigning({ timestampOffsetSeconds: 0 });
		await waitFor(() => again.received.length >= 2);
		await sb.admin.idle();
		// the retry is signed with the timestamp of its own attempt, and the signature matches it
		const [firstTry, retry] = again.received.map(header);
		expect(firstTry![0]).not.toBe(retry![0]);
		const sub = sb.admin.webhooks().find((w) => w.url === again.url)!;
		expect(retry![1]).toBe(closeSignature(sub.signature_key, retry![0]!, again.received[1]!.raw));
	});

	it('legacy format {model, event, data} per subscription, set through the admin API', async () => {
		const rx = await receiver();
		const sub = await subscribe(rx.url, [['lead', 'created'], ['lead', 'updated'], ['lead', 'deleted'], ['lead', 'merged']]);
		const res = await fetch(`${sb.url}/__admin/webhooks/${sub.id}/legacy`, { method: 'POST', body: '{"legacy":true}' });
		expect(res.status).toBe(200);
		const a = sb.admin.create('lead', { name: 'A' });
		const b = sb.admin.create('lead', { name: 'B' });
		sb.admin.update('lead', a.id, { name: 'A2' });
		sb.admin.merge(a.id, b.id);
		await waitFor(() => rx.received.length >= 5);
		await sb.admin.idle();
		const byEvent = (e: string) => rx.received.filter((r) => r.json.event === e).map((r) => r.json);
		expect(byEvent('create')).toHaveLength(2);
		expect(byEvent('create')[0]).toMatchObject({ model: 'lead', data: { id: expect.stringMatching(/^lead_/) } });
		expect(byEvent('update')[0].data).toMatchObject({ id: a.id, name: 'A2' });
		expect(byEvent('delete')[0]).toEqual({ model: 'lead', event: 'delete', data: a.id });
		expect(byEvent('merge')[0]).toMatchObject({ model: 'lead', source_id: a.id, destination_id: b.id, data: { id: b.id } });
		expect(sb.admin.webhooks()[0]).toMatchObject({ id: sub.id, legacy: true });
	});
});

describe('Open Connectors relay', () => {
	async function instance(config: Record<string, unknown>): Promise<any> {
		return sb.admin.createInstance({ configuration: config });
	}
	const b64 = (id: number) => Buffer.from(String(id)).toString('base64');

	it('turns a Close payload into a signed notification for the callback', async () => {
		const rx = await receiver();
		const inst = await instance({
			'event.notification.enabled': 'true',
			'event.vendor.type': 'webhook',
			'event.notification.callback.url': rx.url,
			'event.notification.signature.key': 'shh',
		});
		const payload = {
			subscription_id: 'whsub_x',
			event: { id: 'ev_1', object_type: 'lead', object_id: 'lead_abc', action: 'updated', data: { id: 'lead_abc' } },
		};
		const raw = JSON.stringify(payload);
		const res = await fetch(`${sb.ocBaseUrl}/events/closeio/${b64(inst.id)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: raw });
		expect(res.status).toBe(200);
		await waitFor(() => rx.received.length >= 1);
		const r = rx.received[0];
		expect(r.headers['elements-webhook-signature']).toBe(ocSignature('shh', r.raw));
		expect(r.headers['elements-webhook-id']).toBeTruthy();
		expect(r.headers['content-type']).toMatch(/application\/json/);
		const m = r.json.message;
		expect(m.eventId).toMatch(/^[0-9a-f-]{36}$/);
		expect(m).toMatchObject({ elementKey: 'closeio', instanceId: inst.id, raw: payload });
		expect(m.events).toEqual([
			{ objectType: 'accounts', objectId: 'lead_abc', eventType: 'UPDATED', elementKey: 'closeio', date: expect.stringMatching(/^\d{4}-.*Z$/) },
		]);
	});

	it('maps the legacy payload, contacts and merges; unknown instance is 404; no key, no signature', async () => {
		const rx = await receiver();
		const inst = await instance({ 'event.notification.enabled': 'true', 'event.vendor.type': 'webhook', 'event.notification.callback.url': rx.url });
		const post = (body: unknown, id = b64(inst.id)) =>
			fetch(`${sb.ocBaseUrl}/events/closeio/${id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		expect((await post({ model: 'lead', event: 'delete', data: 'lead_del' })).status).toBe(200);
		expect((await post({ model: 'lead', event: 'merge', source_id: 'lead_s', destination_id: 'lead_d', data: { id: 'lead_d' } })).status).toBe(200);
		expect((await post({ subscription_id: 's', event: { object_type: 'contact', object_id: 'cont_1', action: 'created' } })).status).toBe(200);
		expect((await post({}, b64(999999))).status).toBe(404);
		expect((await post({}, 'not-base64-of-a-number')).status).toBe(404);
		await waitFor(() => rx.received.length >= 3);
		const events = rx.received.map((r) => r.json.message.events[0]);
		expect(events).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ objectType: 'accounts', objectId: 'lead_del', eventType: 'DELETED' }),
				expect.objectContaining({ objectType: 'accounts', objectId: 'lead_d', eventType: 'MERGED' }),
				expect.objectContaining({ objectType: 'contacts', objectId: 'cont_1', eventType: 'CREATED' }),
			]),
		);
		expect(rx.received[0].headers['elements-webhook-signature']).toBeUndefined();
	});

	it('sends nothing when events are disabled or the vendor type is polling', async () => {
		const rx = await receiver();
		const off = await instance({ 'event.notification.enabled': 'false', 'event.notification.callback.url': rx.url });
		const poll = await instance({ 'event.notification.enabled': 'true', 'event.vendor.type': 'polling', 'event.notification.callback.url': rx.url });
		for (const i of [off, poll]) {
			const r = await fetch(`${sb.ocBaseUrl}/events/closeio/${b64(i.id)}`, { method: 'POST', body: JSON.stringify({ model: 'lead', event: 'create', data: { id: 'lead_1' } }) });
			expect(r.status).toBe(200);
		}
		await sb.admin.idle();
		expect(rx.received).toHaveLength(0);
	});

	it('retries a failing callback at 4^n s x retryScale with the same eventId and bytes', async () => {
		const rx = await receiver([500, 502, 200]);
		const inst = await instance({
			'event.notification.enabled': 'true',
			'event.vendor.type': 'webhook',
			'event.notification.callback.url': rx.url,
			'event.notification.signature.key': 'k',
		});
		const t0 = Date.now();
		await fetch(`${sb.ocBaseUrl}/events/closeio/${b64(inst.id)}`, { method: 'POST', body: JSON.stringify({ model: 'lead', event: 'update', data: { id: 'lead_1' } }) });
		await waitFor(() => rx.received.length >= 3);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(3);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(4 + 16);
		expect(new Set(rx.received.map((r) => r.json.message.eventId)).size).toBe(1);
		expect(new Set(rx.received.map((r) => r.raw.toString('utf8'))).size).toBe(1);
		for (const r of rx.received) expect(r.headers['elements-webhook-signature']).toBe(ocSignature('k', r.raw));
		expect(sb.admin.deliveries().map((d) => [d.kind, d.attempt, d.status])).toEqual([
			['openConnectors', 1, 500],
			['openConnectors', 2, 502],
			['openConnectors', 3, 200],
		]);
	});

	it('gives up after 9 retries (10 attempts); a refused connection counts as a failure', async () => {
		const fast = await startSandbox({ port: 0, retryScale: 0.000002 });
		try {
			const inst = fast.admin.createInstance({
				configuration: { 'event.notification.enabled': 'true', 'event.vendor.type': 'webhook', 'event.notification.callback.url': 'http://127.0.0.1:9/closed' },
			});
			await fetch(`${fast.ocBaseUrl}/events/closeio/${b64(Number(inst.id))}`, { method: 'POST', body: JSON.stringify({ model: 'lead', event: 'update', data: { id: 'lead_1' } }) });
			await waitFor(() => fast.admin.deliveries().length >= 10, 10000);
			await fast.admin.idle();
			const log = fast.admin.deliveries();
			expect(log).toHaveLength(10);
			expect(log.every((d) => d.error && d.status === undefined)).toBe(true);
		} finally {
			await fast.close();
		}
	});

	it('end to end: Close delivers to the OC receive URL, OC notifies the callback', async () => {
		const rx = await receiver();
		const inst = await instance({ 'event.notification.enabled': 'true', 'event.vendor.type': 'webhook', 'event.notification.callback.url': rx.url });
		await subscribe(`${sb.ocBaseUrl}/events/closeio/${b64(inst.id)}`, [['lead', 'created']]);
		const lead = sb.admin.create('lead', { name: 'E2E' });
		await waitFor(() => rx.received.length >= 1);
		const m = rx.received[0].json.message;
		expect(m.events[0]).toMatchObject({ objectType: 'accounts', objectId: lead.id, eventType: 'CREATED' });
		expect(m.raw.event.data.name).toBe('E2E');
	});
});
