import crypto from 'node:crypto';
import { Sandbox, startSandbox } from '../../sandbox';
import { startReceiver, waitFor } from './helpers';

const PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
function pollerConfig(resources: string[]): Record<string, unknown> {
	return Object.fromEntries(
		resources.map((r) => [
			r,
			{
				url: `/hubs/crm/${r}?where=date_updated>'\${gmtDate:${PATTERN}}'`,
				idField: 'id',
				datesConfiguration: { updatedDateField: 'date_updated', updatedDateFormat: PATTERN, createdDateField: 'date_created', createdDateFormat: PATTERN },
			},
		]),
	);
}

describe('platform poller (event.vendor.type = polling)', () => {
	let sb: Sandbox;
	let rx: Awaited<ReturnType<typeof startReceiver>>;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, retryScale: 0.001 });
	});
	afterAll(() => sb.close());
	beforeEach(async () => {
		sb.admin.reset();
		rx = await startReceiver();
	});
	afterEach(() => rx.close());

	function pollingInstance(resources: string[], extra: Record<string, unknown> = {}): number {
		const inst = sb.admin.createInstance({
			configuration: {
				'event.notification.enabled': 'true',
				'event.vendor.type': 'polling',
				'event.notification.callback.url': rx.url,
				'event.notification.signature.key': 'poll-key',
				'event.poller.refresh_interval': '15',
				'event.poller.configuration': pollerConfig(resources),
				...extra,
			},
		});
		return Number(inst.id);
	}

	it('notifies changes since the last poll in signed batches of 10, CREATED vs UPDATED', async () => {
		const id = pollingInstance(['contacts', 'accounts']);
		const lead = sb.admin.create('lead', { name: 'P' });
		for (let i = 0; i < 11; i++) sb.admin.create('contact', { lead_id: lead.id, name: `c${i}` });
		await sb.admin.runPoller(id);
		await waitFor(() => rx.received.length >= 3);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(3);
		for (const r of rx.received) {
			const expected = 'sha256=' + crypto.createHmac('sha256', 'poll-key').update(r.raw).digest('base64');
			expect(r.headers['elements-webhook-signature']).toBe(expected);
			const m = r.json.message;
			expect(m.instanceId).toBe(id);
			expect(m.events.length).toBeLessThanOrEqual(10);
			expect(m.raw.objectType).toBe(m.events[0].objectType);
			expect(m.raw[m.raw.objectType].map((x: any) => x.id)).toEqual(m.events.map((e: any) => e.objectId));
			for (const e of m.events) expect(e.eventType).toBe('CREATED');
		}
		const contactEvents = rx.received.filter((r) => r.json.message.raw.objectType === 'contacts').flatMap((r) => r.json.message.events);
		expect(contactEvents).toHaveLength(11);
		expect(rx.received.filter((r) => r.json.message.raw.objectType === 'accounts')[0].json.message.events[0].objectId).toBe(lead.id);

		// only what changed since the previous poll, now as UPDATED
		rx.received.length = 0;
		const contact = sb.admin.records('contact')[0];
		// more than the 1 s created-vs-updated tolerance after its creation
		sb.admin.clock.advance(2000);
		sb.admin.update('contact', contact.id, { title: 'CEO' });
		await sb.admin.runPoller(id);
		await waitFor(() => rx.received.length >= 1);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(1);
		expect(rx.received[0].json.message.events).toEqual([
			expect.objectContaining({ objectType: 'contacts', objectId: contact.id, eventType: 'UPDATED', elementKey: 'closeio' }),
		]);
		expect(rx.received[0].json.message.raw.contacts[0].title).toBe('CEO');

		rx.received.length = 0;
		await sb.admin.runPoller(id);
		await sb.admin.idle();
		expect(rx.received).toHaveLength(0);
	});

	it('runs on its own every refresh interval x pollerScale, and stops when events are disabled', async () => {
		const fast = await startSandbox({ port: 0, pollerScale: 0.001 }); // 1 minute -> 60 ms
		try {
			const inst = fast.admin.createInstance({
				configuration: {
					'event.notification.enabled': 'true',
					'event.vendor.type': 'polling',
					'event.notification.callback.url': rx.url,
					'event.poller.refresh_interval': '1',
					'event.poller.configuration': JSON.stringify(pollerConfig(['accounts'])),
				},
			});
			fast.admin.create('lead', { name: 'auto' });
			await waitFor(() => rx.received.length >= 1, 3000);
			expect(rx.received[0].json.message.events[0]).toMatchObject({ objectType: 'accounts', eventType: 'CREATED' });
			expect(rx.received[0].headers['elements-webhook-signature']).toBeUndefined();
			await fetch(`${fast.ocBaseUrl}/instances/${String(inst.id)}`, {
				method: 'PATCH',
				headers: {
					Authorization: `User ${fast.secrets.userSecret}, Organization ${fast.secrets.organizationSecret}`,
					'Content-Type': 'application/json',
				},
				body: JSON.stringify({ configuration: { 'event.notification.enabled': 'false' } }),
			});
			const count = rx.received.length;
			fast.admin.create('lead', { name: 'ignored' });
			await new Promise((r) => setTimeout(r, 200));
			expect(rx.received.length).toBe(count);
		} finally {
			await fast.close();
		}
	});
});
