// Polling mode of the Close.io Trigger through poll(), against the real sandbox.
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { INSTANCE_TOKENS } from '../../../nodes/shared/instanceTokens';
import {
	CONTRACT_KEYS,
	instanceIdOf,
	MICROS_DATE,
	jsonOf,
	pollCtx,
	trigger,
	uniqueNodeId,
	type Params,
	useSandboxInstance,
} from './helpers';

let sandbox: Sandbox;
let instanceId: string;

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
});

function setup(params: Partial<Params> = {}) {
	const staticData: { node?: IDataObject } = {};
	const nodeId = uniqueNodeId();
	const p: Params = { mode: 'polling', instanceId, objects: ['lead'], events: ['created', 'updated', 'deleted', 'merged'], ...params };
	const poll = async (extra: Parameters<typeof pollCtx>[0]['extra'] = {}) => {
		const ctx = pollCtx({ sandbox, params: p, staticData, nodeId, extra });
		const result = await trigger.poll.call(ctx);
		return { result, items: jsonOf(result), ctx };
	};
	return { staticData, poll };
}

function hubRequests(): number {
	return sandbox.admin.requests().filter((r) => r.path.includes('/hubs/crm/')).length;
}

describe('CloseIoTrigger polling mode', () => {
	test('startFrom now: the first poll stores a cursor and emits nothing; later records come once each, in contract shape', async () => {
		const before = sandbox.admin.create('lead', { name: 'Existing before activation' });
		const { staticData, poll } = setup();

		const first = await poll();
		expect(first.result).toBeNull();
		const state = staticData.node?.polling as { records: Record<string, { at: string }> };
		expect(state).toBeDefined();
		expect(state.records.lead.at).toBe(before.date_updated);

		const a = sandbox.admin.create('lead', { name: 'Alpha' });
		const b = sandbox.admin.create('lead', { name: 'Beta' });
		const second = await poll();
		expect(second.items.map((i) => i.id)).toEqual([a.id, b.id]);
		for (const item of second.items) {
			expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
			expect(item.event).toBe('created');
			expect(item.object).toBe('lead');
			expect(item.source).toBe('polling');
			expect(item.occurredAt).toMatch(MICROS_DATE);
			expect(item.mergedFrom).toBeNull();
			expect(item.mergedInto).toBeNull();
			expect(item).not.toHaveProperty('raw');
		}
		expect(second.items[0].occurredAt).toBe(a.date_updated);
		expect((second.items[0].data as IDataObject).name).toBe('Alpha');
		expect((second.items[0].data as IDataObject).id).toBe(a.id);
		// The cursor keeps the provider's full precision.
		expect((staticData.node?.polling as { records: Record<string, { at: string }> }).records.lead.at).toBe(b.date_updated);

		const third = await poll();
		expect(third.result).toBeNull();
	});

	test('created vs updated: a record created then updated since the last poll is one "created"; a later update is "updated"', async () => {
		const old = sandbox.admin.create('lead', { name: 'Old' });
		const { poll } = setup();
		expect((await poll()).result).toBeNull();

		const fresh = sandbox.admin.create('lead', { name: 'Fresh' });
		sandbox.admin.update('lead', fresh.id as string, { name: 'Fresh, renamed' });
		const changed = sandbox.admin.update('lead', old.id as string, { name: 'Old, renamed' });
		const { items } = await poll();
		expect(items.map((i) => [i.id, i.event])).toEqual([
			[fresh.id, 'created'],
			[old.id, 'updated'],
		]);
		expect((items[0].data as IDataObject).name).toBe('Fresh, renamed');
		expect(items[1].occurredAt).toBe(changed.date_updated);

		sandbox.admin.update('lead', fresh.id as string, { name: 'Fresh, again' });
		const next = await poll();
		expect(next.items.map((i) => [i.id, i.event])).toEqual([[fresh.id, 'updated']]);
	});

	test('only the selected events come out: updated only skips creations', async () => {
		const old = sandbox.admin.create('lead', { name: 'Old' });
		const { poll } = setup({ events: ['updated'] });
		expect((await poll()).result).toBeNull();
		sandbox.admin.create('lead', { name: 'New' });
		sandbox.admin.update('lead', old.id as string, { name: 'Changed' });
		const { items } = await poll();
		expect(items.map((i) => [i.id, i.event])).toEqual([[old.id, 'updated']]);
	});

	test('deleted and merged leads come from Close\'s event log, once each', async () => {
		const doomed = sandbox.admin.create('lead', { name: 'Doomed' });
		const source = sandbox.admin.create('lead', { name: 'Source' });
		const destination = sandbox.admin.create('lead', { name: 'Destination' });
		const { poll } = setup({ events: ['deleted', 'merged'] });
		expect((await poll()).result).toBeNull();

		sandbox.admin.delete('lead', doomed.id as string);
		sandbox.admin.merge(source.id as string, destination.id as string);
		const { items } = await poll();
		const deleted = items.filter((i) => i.event === 'deleted');
		const merged = items.filter((i) => i.event === 'merged');
		// A merge deletes its source lead as well; the explicit delete must be there exactly once.
		expect(deleted.filter((i) => i.id === doomed.id)).toHaveLength(1);
		expect(merged).toHaveLength(1);
		expect(merged[0]).toMatchObject({
			object: 'lead',
			id: destination.id,
			mergedFrom: source.id,
			mergedInto: destination.id,
			source: 'polling',
		});
		for (const item of items) {
			expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
			expect(item.occurredAt).toMatch(MICROS_DATE);
			expect(typeof item.deliveryId).toBe('string');
		}
		const del = deleted.find((i) => i.id === doomed.id)!;
		expect((del.previousData as IDataObject).name).toBe('Doomed');
		expect(new Set(items.map((i) => i.deliveryId)).size).toBe(items.length);

		expect((await poll()).result).toBeNull();
	});

	test('manual mode returns the newest record per object and leaves static data untouched', async () => {
		sandbox.admin.create('lead', { name: 'Lead one' });
		const newestLead = sandbox.admin.create('lead', { name: 'Lead two' });
		const newestContact = sandbox.admin.create('contact', { name: 'Contact one', lead_id: newestLead.id });
		const { staticData, poll } = setup({ objects: ['lead', 'contact'], events: ['created', 'updated'] });
		staticData.node = { marker: 'untouched' };
		const snapshot = JSON.stringify(staticData);

		const { items } = await poll({ mode: 'manual' });
		expect(items.map((i) => [i.object, i.id])).toEqual([
			['lead', newestLead.id],
			['contact', newestContact.id],
		]);
		for (const item of items) expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
		expect(JSON.stringify(staticData)).toBe(snapshot);
	});

	test('a failing poll throws a NodeApiError without secrets, keeps the cursor, and the next poll delivers everything', async () => {
		sandbox.admin.create('lead', { name: 'Before' });
		const { staticData, poll } = setup({ events: ['created', 'updated'] });
		expect((await poll()).result).toBeNull();
		const cursorBefore = JSON.stringify(staticData.node?.polling);

		const a = sandbox.admin.create('lead', { name: 'During outage A' });
		const b = sandbox.admin.create('lead', { name: 'During outage B' });
		// 403 is not retried: one request, one failure (a 400 would mean "query form not supported").
		sandbox.admin.addFault({ path: /\/hubs\/crm\/accounts/, status: 403, body: { message: `bad ${sandbox.secrets.userSecret}` }, times: 1 });
		const error = await poll().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		const text = JSON.stringify(error) + String((error as Error).message) + String((error as NodeApiError).description);
		for (const secret of Object.values(sandbox.secrets)) expect(text).not.toContain(secret);
		expect(JSON.stringify(staticData.node?.polling)).toBe(cursorBefore);

		const { items } = await poll();
		expect(items.map((i) => i.id)).toEqual([a.id, b.id]);
		expect((await poll()).result).toBeNull();
	});

	test('retries are exhausted by repeated 429s (Retry-After 0): the error is reported and the cursor kept', async () => {
		sandbox.admin.create('lead', { name: 'Before' });
		const { staticData, poll } = setup({ events: ['created', 'updated'] });
		await poll();
		const cursorBefore = JSON.stringify(staticData.node?.polling);
		const c = sandbox.admin.create('lead', { name: 'Later' });
		const fault = sandbox.admin.addFault({ path: /\/hubs\/crm\/accounts/, status: 429, retryAfter: 0, times: 5 });
		const error = await poll().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('429');
		expect(fault.hits).toBe(5);
		expect(JSON.stringify(staticData.node?.polling)).toBe(cursorBefore);
		const { items } = await poll();
		expect(items.map((i) => i.id)).toEqual([c.id]);
	});

	test('a fault mid-way through the pages keeps the cursor; the next poll delivers every record once', async () => {
		const { staticData, poll } = setup({ events: ['created', 'updated'], options: { pageSize: 2 } });
		// A cursor, so the next poll asks for a page of 2 newest records, then walks.
		sandbox.admin.create('lead', { name: 'Before' });
		await poll();
		const cursorBefore = JSON.stringify(staticData.node?.polling);
		const created = Array.from({ length: 5 }, (_, i) => sandbox.admin.create('lead', { name: `Paged ${i}` }));
		let seen = 0;
		const stop = sandbox.admin.onRequest((info) => {
			if (info.path.includes('/hubs/crm/accounts')) {
				seen += 1;
				if (seen === 2) sandbox.admin.addFault({ path: /\/hubs\/crm\/accounts/, status: 403, times: 1 });
			}
		});
		await expect(poll()).rejects.toBeInstanceOf(NodeApiError);
		stop();
		expect(seen).toBeGreaterThanOrEqual(2);
		expect(JSON.stringify(staticData.node?.polling)).toBe(cursorBefore);
		const { items } = await poll();
		expect(items.map((i) => i.id)).toEqual(created.map((r) => r.id));
	});

	test('Page Size above the instance\'s 100 (saved when 500 was allowed) asks for 100; every record of a 230-record backlog comes once', async () => {
		const { poll } = setup({ events: ['created', 'updated'], options: { pageSize: 500, startFrom: 'all' } });
		sandbox.admin.seed({ object: 'lead', count: 230, silent: true });
		sandbox.admin.clearLogs();
		const { items } = await poll();
		const asked = sandbox.admin.requests().filter((r) => r.path.endsWith('/hubs/crm/accounts')).map((r) => Number(r.query.pageSize));
		expect(asked.length).toBeGreaterThan(0);
		expect(Math.max(...asked)).toBeLessThanOrEqual(100);
		expect(new Set(items.map((i) => i.id)).size).toBe(230);
		expect(items).toHaveLength(230);
	});

	test.each(['full', 'seed'] as const)(
		'a page shorter than asked is not the end (instance pages 30, Page Size 100; %s query profile): every record comes once',
		async (ceql) => {
			sandbox.admin.setQueryProfile({ ceql });
			try {
				const { staticData, poll } = setup({ events: ['created', 'updated'], instanceId: instanceIdOf(sandbox, { 'pagination.max': '30' }), options: { pageSize: 100 } });
				await poll();
				expect(staticData.node?.polling).toBeDefined();
				const created = Array.from({ length: 75 }, (_, i) => sandbox.admin.create('lead', { name: `Short page ${i}` }));
				sandbox.admin.clearLogs();
				const { items } = await poll();
				const pages = sandbox.admin.requests().filter((r) => r.path.endsWith('/hubs/crm/accounts') && r.query.pageSize === '100');
				expect(pages.length).toBeGreaterThan(2);
				expect(items.map((i) => i.id)).toEqual(created.map((r) => r.id));
			} finally {
				sandbox.admin.setQueryProfile({ ceql: 'full' });
			}
		},
	);

	test('the instance token is fetched once while n8n runs, and again when the platform refuses the kept one', async () => {
		const tokenRequests = () => sandbox.admin.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/instances/${instanceId}`)).length;
		const hubRefusals = () => sandbox.admin.requests().filter((r) => r.path.includes('/hubs/crm/') && r.status === 401).length;
		sandbox.admin.create('lead', { name: 'Before' });
		const { staticData, poll } = setup({ events: ['created', 'updated'] });
		expect((await poll()).result).toBeNull();
		const a = sandbox.admin.create('lead', { name: 'A' });
		expect((await poll()).items.map((i) => i.id)).toEqual([a.id]);
		expect((await poll()).result).toBeNull();
		// three polls, one token request: an idle poll costs only the requests of the sources it reads
		expect(tokenRequests()).toBe(1);

		// The kept token goes stale (as when an instance's token changes): the hub answers 401, the
		// token is fetched again and the refused request sent again.
		INSTANCE_TOKENS.clear();
		const owner = {
			baseUrl: sandbox.ocBaseUrl,
			userSecret: sandbox.secrets.userSecret,
			organizationSecret: sandbox.secrets.organizationSecret,
			instanceId,
		};
		await INSTANCE_TOKENS.requests(owner, async () => 'stale0token0that0the0platform0refuses', async () => ({ statusCode: 200, headers: {}, body: null })).token();
		const b = sandbox.admin.create('lead', { name: 'B' });
		const c = sandbox.admin.create('lead', { name: 'C' });
		const { items } = await poll();
		expect(items.map((i) => i.id)).toEqual([b.id, c.id]);
		expect(hubRefusals()).toBe(1);
		expect(tokenRequests()).toBe(2);
		expect((staticData.node?.polling as { records: Record<string, { at: string }> }).records.lead.at).toBe(c.date_updated);
		expect((await poll()).result).toBeNull();
		expect(tokenRequests()).toBe(2);
	});

	test('webhook mode: poll() returns null without any HTTP request', async () => {
		const { poll } = setup({ mode: 'webhook' });
		sandbox.admin.clearLogs();
		const { result, ctx } = await poll();
		expect(result).toBeNull();
		expect(ctx.recorder.requests).toHaveLength(0);
		expect(sandbox.admin.requests()).toHaveLength(0);
	});

	test.each([
		['objects', { objects: [] as string[] }, /Objects/],
		['events', { events: [] as string[] }, /Events/],
	])('missing %s -> NodeOperationError naming them, before any request', async (_name, params, message) => {
		const { poll } = setup(params);
		sandbox.admin.clearLogs();
		const error = await poll().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(message);
		expect(hubRequests()).toBe(0);
	});
});
