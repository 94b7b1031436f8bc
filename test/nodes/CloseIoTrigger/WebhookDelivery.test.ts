// Real deliveries, end to end: the sandbox's Close posts (directly, or through its Open Connectors
// relay) to a tiny HTTP server that hands each request to the node's webhook(), as n8n would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../../sandbox';
import type { DeliveryRecord } from '../../../sandbox';
import { CONTRACT_KEYS, MICROS_DATE, hookCtx, instanceIdOf, savedDigests, trigger, uniqueNodeId, webhookCtx, type Params } from './helpers';

type StaticData = { node?: IDataObject; global?: IDataObject };

interface Received {
	method: string;
	headers: Record<string, string>;
	rawBody: Buffer;
}

interface Receiver {
	url: string;
	requests: Received[];
	/** Status answered per request. */
	statuses: number[];
	/** One entry per execution started (workflowData). */
	executions: IDataObject[][];
	items(): IDataObject[];
	/** Replays a captured request through the same path (as a redelivery would). */
	post(request: Received): Promise<{ status: number; body: string }>;
	close(): Promise<void>;
}

let sandbox: Sandbox;
const servers: Receiver[] = [];

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(async () => {
	for (const s of servers) await s.close();
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
});

/** Another load of the node module: a restarted n8n, or a second process (its memory starts empty). */
function freshTrigger(): typeof trigger {
	let fresh: typeof trigger | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require('../../../nodes/CloseIoTrigger/CloseIoTrigger.node') as typeof import('../../../nodes/CloseIoTrigger/CloseIoTrigger.node');
		fresh = new mod.CloseIoTrigger();
	});
	return fresh!;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

/**
 * Starts the receiver. `staticFor()` gives the static data for each webhook call: the shared
 * object (n8n saves what webhook() writes) or a fresh copy of what create() stored (a store that
 * keeps no write from webhook(), as n8n 2.x did while n8n answered `onReceived`).
 */
async function startReceiver(options: {
	params: Params;
	nodeId: string;
	staticFor: () => StaticData;
	/** Another load of the node module (a restarted n8n: its in-process memory is empty). */
	node?: typeof trigger;
	/** Date.now() as webhook() sees it (the rest of the test keeps the real clock). */
	clock?: () => number;
}): Promise<Receiver> {
	const node = options.node ?? trigger;
	const requests: Received[] = [];
	const statuses: number[] = [];
	const executions: IDataObject[][] = [];
	let url = '';
	const handle = async (received: Received): Promise<{ status: number; body: string }> => {
		const ctx = webhookCtx({
			sandbox,
			params: options.params,
			staticData: options.staticFor(),
			nodeId: options.nodeId,
			url,
			request: received,
		});
		const clock = options.clock ? jest.spyOn(Date, 'now').mockImplementation(options.clock) : undefined;
		let result;
		try {
			result = await node.webhook.call(ctx);
		} finally {
			clock?.mockRestore();
		}
		if (result.workflowData) executions.push(result.workflowData.flat().map((item) => item.json));
		// webhook() answers every request itself (n8n 2.x saves static data only then), and says
		// whether it started an execution; n8n must not answer again.
		const written = ctx.recorder.response;
		expect(written.ended).toBe(true);
		expect(result.noWebhookResponse).toBe(true);
		expect(result.webhookResponse).toBeUndefined();
		if (written.statusCode === 200) {
			expect(written.body).toEqual({ received: true, executions: result.workflowData ? 1 : 0 });
		} else {
			expect(result.workflowData).toBeUndefined();
		}
		return { status: written.statusCode!, body: JSON.stringify(written.body ?? '') };
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const received: Received = { method: req.method ?? 'GET', headers: flatHeaders(req.headers), rawBody: Buffer.concat(chunks) };
			requests.push(received);
			handle(received).then(
				(out) => {
					statuses.push(out.status);
					res.writeHead(out.status, { 'Content-Type': 'application/json', Connection: 'close' });
					res.end(out.body);
				},
				(error: unknown) => {
					statuses.push(599);
					res.writeHead(500, { Connection: 'close' });
					res.end(String((error as Error)?.message ?? error));
				},
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	url = `http://127.0.0.1:${port}/webhook/${options.nodeId}/webhook`;
	const receiver: Receiver = {
		url,
		requests,
		statuses,
		executions,
		items: () => executions.flat(),
		async post(request) {
			const res = await fetch(url, { method: request.method, headers: request.headers, body: request.rawBody });
			return { status: res.status, body: await res.text() };
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	servers.push(receiver);
	return receiver;
}

function paramsFor(instanceId: string, delivery: string, extra: Partial<Params> = {}): Params {
	return { instanceId, objects: ['lead'], events: ['created', 'updated', 'deleted', 'merged'], options: { delivery }, ...extra };
}

async function activate(params: Params, nodeId: string, staticData: StaticData, url: string): Promise<void> {
	const ctx = () => hookCtx({ sandbox, params, staticData, nodeId, url });
	expect(await trigger.webhookMethods.default.checkExists.call(ctx())).toBe(false);
	expect(await trigger.webhookMethods.default.create.call(ctx())).toBe(true);
	expect(await trigger.webhookMethods.default.checkExists.call(ctx())).toBe(true);
}

async function deactivate(params: Params, nodeId: string, staticData: StaticData, url: string): Promise<void> {
	await trigger.webhookMethods.default.delete.call(hookCtx({ sandbox, params, staticData, nodeId, url }));
}

/** Waits until `count` deliveries of `kind` got an answer, then until nothing is in flight. */
async function settled(kind: DeliveryRecord['kind'], count: number): Promise<DeliveryRecord[]> {
	await sandbox.admin.waitForDeliveries((d) => d.filter((x) => x.kind === kind && x.status !== undefined).length >= count, 10000);
	await sandbox.admin.idle();
	return sandbox.admin.deliveries().filter((d) => d.kind === kind);
}

/** The changes every route must report: created x2, updated, merged (+ the source's delete), deleted. */
function makeChanges() {
	const a = sandbox.admin.create('lead', { name: 'Acme' });
	const b = sandbox.admin.create('lead', { name: 'Bolt' });
	const updated = sandbox.admin.update('lead', a.id as string, { name: 'Acme Inc.' });
	sandbox.admin.merge(b.id as string, a.id as string);
	sandbox.admin.delete('lead', a.id as string);
	return { a, b, updated, changeCount: 6 };
}

function assertItems(items: IDataObject[], changes: ReturnType<typeof makeChanges>): void {
	const { a, b } = changes;
	expect(items.map((i) => `${i.event}:${i.id}`).sort()).toEqual(
		[`created:${a.id}`, `created:${b.id}`, `updated:${a.id}`, `deleted:${b.id}`, `merged:${a.id}`, `deleted:${a.id}`].sort(),
	);
	for (const item of items) {
		expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
		expect(item.object).toBe('lead');
		expect(item.source).toBe('webhook');
		expect(typeof item.occurredAt).toBe('string');
		expect(item.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(?:\+00:00|Z)$/);
	}
	const merged = items.find((i) => i.event === 'merged')!;
	expect(merged.mergedFrom).toBe(b.id);
	expect(merged.mergedInto).toBe(a.id);
	const deletedA = items.find((i) => i.event === 'deleted' && i.id === a.id)!;
	expect(deletedA.data).toBeNull();
	expect((deletedA.previousData as IDataObject).name).toBe('Acme Inc.');
	const update = items.find((i) => i.event === 'updated')!;
	expect((update.data as IDataObject).name).toBe('Acme Inc.');
	expect(update.changedFields).toEqual(expect.arrayContaining(['name']));
	const createdA = items.find((i) => i.event === 'created' && i.id === a.id)!;
	expect((createdA.data as IDataObject).name).toBe('Acme');
	expect(createdA.occurredAt).toMatch(MICROS_DATE);
}

describe.each([
	['openConnectors', 'openConnectors' as const],
	['direct', 'close' as const],
])('CloseIoTrigger webhook deliveries end to end, route %s', (delivery, lastHop) => {
	test('one execution item per change, in contract shape; redelivery and forged signature start nothing; deactivate', async () => {
		const instanceId = instanceIdOf(sandbox);
		const nodeId = uniqueNodeId();
		const params = paramsFor(instanceId, delivery);
		const staticData: StaticData = {};
		const receiver = await startReceiver({ params, nodeId, staticFor: () => staticData });
		await activate(params, nodeId, staticData, receiver.url);

		const changes = makeChanges();
		// For the relay, Close's deliveries to Open Connectors come first, then the notifications.
		const deliveries = await settled(lastHop, changes.changeCount);
		const toNode = deliveries.filter((d) => d.url === receiver.url);
		expect(toNode).toHaveLength(changes.changeCount);
		for (const d of toNode) expect(d.status).toBe(200);
		expect(receiver.statuses.every((s) => s === 200)).toBe(true);
		assertItems(receiver.items(), changes);
		expect(receiver.executions).toHaveLength(changes.changeCount);

		// Redelivery: the same bytes and headers again start no second execution.
		const before = receiver.executions.length;
		for (const request of [...receiver.requests]) {
			const res = await receiver.post(request);
			expect(res.status).toBe(200);
		}
		expect(receiver.executions).toHaveLength(before);

		// A forged signature: 401, nothing executed.
		const original = receiver.requests[0];
		const forgedHeaders = { ...original.headers };
		if (delivery === 'direct') forgedHeaders['close-sig-hash'] = 'a'.repeat(64);
		else forgedHeaders['elements-webhook-signature'] = `sha256=${Buffer.alloc(32, 7).toString('base64')}`;
		const tampered = Buffer.from(original.rawBody.toString('utf8').replace('Acme', 'Evil'));
		expect((await receiver.post({ ...original, headers: forgedHeaders })).status).toBe(401);
		// Valid headers over different bytes: also 401.
		expect((await receiver.post({ ...original, rawBody: tampered })).status).toBe(401);
		expect(receiver.executions).toHaveLength(before);

		await deactivate(params, nodeId, staticData, receiver.url);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
		sandbox.admin.clearLogs();
		sandbox.admin.create('lead', { name: 'After deactivation' });
		await sandbox.admin.idle();
		await new Promise((r) => setTimeout(r, 50));
		expect(sandbox.admin.deliveries().filter((d) => d.url === receiver.url)).toHaveLength(0);
		expect(receiver.executions).toHaveLength(before);
	}, 30_000); // a sandbox round trip per change: 5 s is short on a loaded machine (measured: failed at load average 30)

	test('events and objects not selected: answered 200, no items', async () => {
		const instanceId = instanceIdOf(sandbox);
		const nodeId = uniqueNodeId();
		// The subscription carries every lead event; the node then selects only "deleted" contacts.
		const activeParams = paramsFor(instanceId, delivery);
		const narrowParams = paramsFor(instanceId, delivery, { objects: ['contact'], events: ['deleted'] });
		const staticData: StaticData = {};
		let params = activeParams;
		const receiver = await startReceiver({
			params: new Proxy({} as Params, { get: (_t, key) => params[key as keyof Params] }),
			nodeId,
			staticFor: () => staticData,
		});
		await activate(activeParams, nodeId, staticData, receiver.url);
		params = narrowParams;
		const lead = sandbox.admin.create('lead', { name: 'Unselected' });
		sandbox.admin.update('lead', lead.id as string, { name: 'Unselected 2' });
		await settled(lastHop, 2);
		expect(receiver.requests).toHaveLength(2);
		expect(receiver.statuses).toEqual([200, 200]);
		expect(receiver.executions).toHaveLength(0);
		params = activeParams;
		await deactivate(activeParams, nodeId, staticData, receiver.url);
	});

	test('the memory is saved at the first delivery, then at most once a second; after a restart saved keys are refused', async () => {
		let now = Date.now();
		const clock = () => now;
		{
			const instanceId = instanceIdOf(sandbox);
			const nodeId = uniqueNodeId();
			const params = paramsFor(instanceId, delivery, { events: ['created'] });
			const staticData: StaticData = {};
			const receiver = await startReceiver({ params, nodeId, staticFor: () => staticData, clock });
			await activate(params, nodeId, staticData, receiver.url);
			const saved = () => savedDigests(staticData.node) ?? [];

			// Three deliveries inside one second: the first is saved, the other two wait.
			let sent = 0;
			for (const name of ['One', 'Two', 'Three']) {
				sandbox.admin.create('lead', { name });
				await settled(lastHop, ++sent);
			}
			expect(receiver.executions).toHaveLength(3);
			expect(saved()).toHaveLength(1);
			const [first, second, third] = receiver.requests.slice(0, 3);

			// A restart now would forget Two and Three (the documented window): a fresh module load
			// restores only what was saved.
			const fresh = freshTrigger();
			const restartedEarly = await startReceiver({ params, nodeId, staticFor: () => JSON.parse(JSON.stringify(staticData)) as StaticData, node: fresh, clock });
			expect((await restartedEarly.post(first!)).status).toBe(200);
			expect(restartedEarly.executions).toHaveLength(0);

			// A second later, a redelivery (which itself starts nothing) carries Two and Three into the save.
			now += 1000;
			expect((await receiver.post(second!)).status).toBe(200);
			expect(receiver.executions).toHaveLength(3);
			expect(saved()).toHaveLength(3);
			// ... and only once per second: a new delivery right after is not saved yet.
			sandbox.admin.create('lead', { name: 'Four' });
			await settled(lastHop, ++sent);
			expect(receiver.executions).toHaveLength(4);
			expect(saved()).toHaveLength(3);

			// After a restart, everything saved is refused; new events still run.
			const restartedNode = freshTrigger();
			const restarted = await startReceiver({ params, nodeId, staticFor: () => staticData, node: restartedNode, clock });
			for (const request of [first!, second!, third!]) expect((await restarted.post(request)).status).toBe(200);
			expect(restarted.executions).toHaveLength(0);
			expect((await restarted.post(receiver.requests.at(-1)!)).status).toBe(200);
			expect(restarted.executions).toHaveLength(1);
			await deactivate(params, nodeId, staticData, receiver.url);
		}
	}, 20_000);

	test('two processes sharing static data (queue mode, two webhook processors): a key one saved is refused by the other', async () => {
		let now = Date.now();
		const clock = () => now;
		const instanceId = instanceIdOf(sandbox);
		const nodeId = uniqueNodeId();
		const params = paramsFor(instanceId, delivery, { events: ['created'] });
		const staticData: StaticData = {};
		// Processor A receives what the platform sends; processor B is another load of the module.
		const a = await startReceiver({ params, nodeId, staticFor: () => staticData, clock });
		await activate(params, nodeId, staticData, a.url);
		const other = freshTrigger();
		const b = await startReceiver({ params, nodeId, staticFor: () => staticData, node: other, clock });

		sandbox.admin.create('lead', { name: 'Zero' });
		await settled(lastHop, 1);
		expect(a.executions).toHaveLength(1);
		// B's memory starts here, from the static data as it is now.
		expect((await b.post(a.requests[0]!)).status).toBe(200);
		expect(b.executions).toHaveLength(0);

		// A new event reaches A, which saves it; its redelivery then lands on B.
		now += 1000;
		sandbox.admin.create('lead', { name: 'One' });
		await settled(lastHop, 2);
		expect(a.executions).toHaveLength(2);
		expect(savedDigests(staticData.node)).toHaveLength(2);
		expect((await b.post(a.requests[1]!)).status).toBe(200);
		expect(b.executions).toHaveLength(0);
		await deactivate(params, nodeId, staticData, a.url);
	}, 20_000);

	test('while a save has not reached the database, no second save starts; once it shows, saves go on', async () => {
		let now = Date.now();
		const instanceId = instanceIdOf(sandbox);
		const nodeId = uniqueNodeId();
		const params = paramsFor(instanceId, delivery, { events: ['created'] });
		// `database`: what n8n reads for each delivery; `handed`: each delivery's own copy (what n8n saves)
		let database: StaticData = {};
		const handed: StaticData[] = [];
		const receiver = await startReceiver({
			params,
			nodeId,
			clock: () => now,
			staticFor: () => {
				const copy = JSON.parse(JSON.stringify(database)) as StaticData;
				handed.push(copy);
				return copy;
			},
		});
		await activate(params, nodeId, database, receiver.url);
		const savedBy = (i: number) => savedDigests(handed[i]?.node);
		let sent = 0;
		const deliver = async (name: string) => {
			sandbox.admin.create('lead', { name });
			await settled(lastHop, ++sent);
			return handed.length - 1;
		};
		const first = await deliver('One');
		expect(savedBy(first)).toHaveLength(1);
		// A second later the first save has not landed yet (still queued in n8n): no second save.
		now += 1500;
		const second = await deliver('Two');
		expect(savedBy(second)).toBeUndefined();
		// It lands; the next delivery saves everything.
		database = handed[first]!;
		now += 500;
		const third = await deliver('Three');
		expect(savedBy(third)).toHaveLength(3);
		expect(receiver.executions).toHaveLength(3);
		// A save that never shows up counts as lost after 30 s: saved again.
		now += 31_000;
		const fourth = await deliver('Four');
		expect(savedBy(fourth)).toHaveLength(4);
		await deactivate(params, nodeId, database, receiver.url);
	});

	test('a store that keeps no write made in webhook() (n8n 2.x when n8n answered onReceived): duplicates are still refused in process', async () => {
		const instanceId = instanceIdOf(sandbox);
		const nodeId = uniqueNodeId();
		const params = paramsFor(instanceId, delivery);
		const hookStatic: StaticData = {};
		const copies: StaticData[] = [];
		const receiver = await startReceiver({
			params,
			nodeId,
			// What create() stored, afresh on every call: webhook()'s writes are thrown away.
			staticFor: () => {
				const copy = JSON.parse(JSON.stringify(hookStatic)) as StaticData;
				copies.push(copy);
				return copy;
			},
		});
		await activate(params, nodeId, hookStatic, receiver.url);
		const snapshot = JSON.stringify(hookStatic);
		const lead = sandbox.admin.create('lead', { name: 'Once' });
		await settled(lastHop, 1);
		expect(receiver.executions).toHaveLength(1);
		expect(receiver.items()[0]).toMatchObject({ event: 'created', id: lead.id });
		for (let i = 0; i < 3; i++) expect((await receiver.post(receiver.requests[0])).status).toBe(200);
		expect(receiver.executions).toHaveLength(1);
		// The shared static data never saw webhook()'s writes (2.x), yet nothing ran twice.
		expect(JSON.stringify(hookStatic)).toBe(snapshot);
		expect(copies.length).toBeGreaterThanOrEqual(4);
		await deactivate(params, nodeId, hookStatic, receiver.url);
	});
});

test('openConnectorsPolling route: the platform poller\'s notifications become items once each', async () => {
	const instanceId = instanceIdOf(sandbox);
	const nodeId = uniqueNodeId();
	const params = paramsFor(instanceId, 'openConnectorsPolling', { events: ['created', 'updated'] });
	const staticData: StaticData = {};
	const receiver = await startReceiver({ params, nodeId, staticFor: () => staticData });
	await activate(params, nodeId, staticData, receiver.url);
	await sandbox.admin.runPoller(Number(instanceId));
	await sandbox.admin.idle();
	sandbox.admin.clock.advance(1000);
	const lead = sandbox.admin.create('lead', { name: 'Polled' });
	sandbox.admin.clock.advance(1000);
	await sandbox.admin.runPoller(Number(instanceId));
	await settled('openConnectors', 1);
	const items = receiver.items();
	expect(items.map((i) => `${i.event}:${i.id}`)).toContain(`created:${lead.id}`);
	expect(items.filter((i) => i.id === lead.id)).toHaveLength(1);
	for (const item of items) expect(item.source).toBe('webhook');
	const before = receiver.executions.length;
	for (const request of [...receiver.requests]) expect((await receiver.post(request)).status).toBe(200);
	expect(receiver.executions).toHaveLength(before);
	await deactivate(params, nodeId, staticData, receiver.url);
});
