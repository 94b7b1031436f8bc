// Close retries a failed delivery for up to 72 h and may keep its first signature: a correctly
// signed retry up to 73 h old runs once, a second copy is refused over that whole horizon (also by
// a fresh module load that only has the static data: a restart), and anything older is refused.
import type { IDataObject } from 'n8n-workflow';

import { keyDigest } from '../../../lib/webhooks/seenKeys';
import { signClose } from '../../../lib/webhooks/signatures';
import type { CloseIoTrigger } from '../../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { hookCtx, instanceIdOf, trigger, uniqueNodeId, webhookCtx, type Params } from './helpers';

const URL = 'http://n8n.example.test/webhook/retry-horizon/webhook';
let sandbox: Sandbox;
let closeKey: string;
let subscriptionId: string;
let params: Params;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, retryScale: 0.001 });
	params = { instanceId: instanceIdOf(sandbox), objects: ['lead'], events: ['created'], options: { delivery: 'direct' } };
	await trigger.webhookMethods.default.create.call(hookCtx({ sandbox, params, staticData: {}, nodeId: 'setup', url: URL }));
	const sub = sandbox.admin.webhooks().find((s) => s.url === URL)!;
	closeKey = sub.signature_key;
	subscriptionId = sub.id;
});
afterAll(async () => {
	await sandbox.close();
});

function freshTrigger(): CloseIoTrigger {
	let fresh: CloseIoTrigger | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require('../../../nodes/CloseIoTrigger/CloseIoTrigger.node') as typeof import('../../../nodes/CloseIoTrigger/CloseIoTrigger.node');
		fresh = new mod.CloseIoTrigger();
	});
	return fresh!;
}

function delivery(eventId: string): Buffer {
	return Buffer.from(
		JSON.stringify({
			subscription_id: subscriptionId,
			event: {
				id: eventId,
				object_type: 'lead',
				object_id: 'lead_abcdefghijklmnopqrstuv',
				action: 'created',
				date_created: '2024-05-01T10:00:00.123456',
				date_updated: '2024-05-01T10:00:00.123456',
				data: { id: 'lead_abcdefghijklmnopqrstuv', name: 'Retried', date_updated: '2024-05-01T10:00:00.123456+00:00' },
				previous_data: {},
				changed_fields: [],
				meta: {},
			},
		}),
	);
}

async function post(node: CloseIoTrigger, staticData: { node?: IDataObject }, nodeId: string, body: Buffer, ageSeconds: number, nowMs = Date.now()) {
	const ts = String(Math.floor(Date.now() / 1000) - ageSeconds);
	const ctx = webhookCtx({
		sandbox,
		params,
		staticData,
		nodeId,
		url: URL,
		request: { method: 'POST', headers: { 'Content-Type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': signClose(closeKey, ts, body) }, rawBody: body },
	});
	const spy = jest.spyOn(Date, 'now').mockReturnValue(nowMs);
	try {
		const result = await node.webhook.call(ctx);
		return { status: ctx.recorder.response.statusCode, executions: result.workflowData ? result.workflowData[0]!.length : 0 };
	} finally {
		spy.mockRestore();
	}
}

describe('a Close retry that kept its first signature', () => {
	test.each([
		['10 minutes', 600],
		['a day', 86_400],
		['72 hours', 72 * 3600],
	])('signed %s ago: runs once, and a second copy is refused', async (_name, age) => {
		const staticData: { node?: IDataObject } = {};
		const nodeId = uniqueNodeId();
		const body = delivery(`ev_retry${age}`);
		expect(await post(trigger, staticData, nodeId, body, age)).toEqual({ status: 200, executions: 1 });
		expect(await post(trigger, staticData, nodeId, body, age)).toEqual({ status: 200, executions: 0 });
	});

	test('signed more than 73 hours ago: refused 401, nothing runs', async () => {
		const result = await post(trigger, {}, uniqueNodeId(), delivery('ev_tooold'), 73 * 3600 + 60);
		expect(result).toEqual({ status: 401, executions: 0 });
	});

	test('after a restart (a fresh module with only the saved static data) a retry 72 h later is still refused', async () => {
		const staticData: { node?: IDataObject } = {};
		const nodeId = uniqueNodeId();
		const body = delivery('ev_restarted');
		const t0 = Date.now();
		expect(await post(trigger, staticData, nodeId, body, 0, t0)).toEqual({ status: 200, executions: 1 });
		const saved = JSON.parse(JSON.stringify(staticData)) as { node?: IDataObject };
		expect(saved.node?.seenDigests).toBe(keyDigest('close:ev_restarted'));
		// the same delivery, 72 h after it first ran (its signature is as old), to a restarted n8n
		const restarted = freshTrigger();
		const later = t0 + 72 * 3600_000;
		const ts = String(Math.floor(t0 / 1000));
		const ctx = webhookCtx({
			sandbox,
			params,
			staticData: saved,
			nodeId,
			url: URL,
			request: { method: 'POST', headers: { 'Content-Type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': signClose(closeKey, ts, body) }, rawBody: body },
		});
		const spy = jest.spyOn(Date, 'now').mockReturnValue(later);
		try {
			const result = await restarted.webhook.call(ctx);
			expect({ status: ctx.recorder.response.statusCode, ran: result.workflowData !== undefined }).toEqual({ status: 200, ran: false });
		} finally {
			spy.mockRestore();
		}
	});
});

describe('the Close signature key', () => {
	test('a process that never saw the set-up reads it from GET /webhook/{id}/ (the id the delivery names), once, never from the list', async () => {
		const fresh = freshTrigger();
		sandbox.admin.clearLogs();
		const nodeId = uniqueNodeId();
		expect(await post(fresh, {}, nodeId, delivery('ev_keyread1'), 0)).toEqual({ status: 200, executions: 1 });
		expect(await post(fresh, {}, nodeId, delivery('ev_keyread2'), 0)).toEqual({ status: 200, executions: 1 });
		const webhookReads = sandbox.admin
			.requests()
			.filter((r) => r.path.includes('/webhook/'))
			.map((r) => `${r.method} ${r.path.replace(/^.*\/api\/v1/, '')}`);
		expect(webhookReads).toEqual([`GET /webhook/${subscriptionId}/`]);
	});

	test('a subscription that points elsewhere lends no key: 401', async () => {
		const elsewhere = sandbox.admin.createWebhook({ url: 'https://elsewhere.example.test/hook', events: [{ object_type: 'lead', action: 'created' }] });
		const body = Buffer.from(delivery('ev_elsewhere').toString().replace(subscriptionId, elsewhere.id));
		const ts = String(Math.floor(Date.now() / 1000));
		const ctx = webhookCtx({
			sandbox,
			params,
			staticData: {},
			nodeId: uniqueNodeId(),
			url: URL,
			request: { method: 'POST', headers: { 'Content-Type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': signClose(elsewhere.signature_key, ts, body) }, rawBody: body },
		});
		const result = await freshTrigger().webhook.call(ctx);
		expect({ status: ctx.recorder.response.statusCode, ran: result.workflowData !== undefined }).toEqual({ status: 401, ran: false });
	});
});
