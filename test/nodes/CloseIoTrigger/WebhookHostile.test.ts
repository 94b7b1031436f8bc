// Bad and hostile requests through the node's webhook(): each is answered with a status code
// written to the response object and starts no execution.
import type { IDataObject } from 'n8n-workflow';

import { signClose, signOpenConnectors } from '../../../lib/webhooks/signatures';
import { callbackSignatureKey } from '../../../lib/webhooks/webhookLifecycle';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { hookCtx, instanceIdOf, trigger, uniqueNodeId, webhookCtx, type Params } from './helpers';

let sandbox: Sandbox;
let instanceId: string;
const OC_URL = 'http://n8n.example.test/webhook/hostile-oc/webhook';
const OC_TEST_URL = 'http://n8n.example.test/webhook-test/hostile-oc/webhook';
const DIRECT_URL = 'http://n8n.example.test/webhook/hostile-direct/webhook';
const UNSET_DIRECT_URL = 'http://n8n.example.test/webhook/never-activated/webhook';
const nodeId = uniqueNodeId();
const staticData: { node?: IDataObject } = {};
// Placeholders until beforeAll reads the real keys: the table is built once at collection time
// for its names, and again inside each test with the real keys.
let ocKey = '0'.repeat(64);
let ocTestKey = '1'.repeat(64);
let closeKey = '2'.repeat(64);
let otherNodeKey = '3'.repeat(64);
/** A real delivery names its subscription: the node reads that subscription's key by id. */
let directSubscriptionId = 'whsub_x';

const paramsOc = (): Params => ({ instanceId, objects: ['lead'], events: ['created', 'updated', 'deleted', 'merged'], options: { delivery: 'openConnectors' } });
const paramsDirect = (): Params => ({ ...paramsOc(), options: { delivery: 'direct' } });

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, retryScale: 0.001 });
	instanceId = instanceIdOf(sandbox);
	const create = (params: Params, url: string) =>
		trigger.webhookMethods.default.create.call(hookCtx({ sandbox, params, staticData, nodeId, url }));
	await create(paramsOc(), OC_TEST_URL);
	ocTestKey = String(sandbox.admin.instances()[0].configuration['event.notification.signature.key']);
	await create(paramsOc(), OC_URL);
	ocKey = String(sandbox.admin.instances()[0].configuration['event.notification.signature.key']);
	await create(paramsDirect(), DIRECT_URL);
	const directSub = sandbox.admin.webhooks().find((s) => s.url === DIRECT_URL)!;
	closeKey = directSub.signature_key;
	directSubscriptionId = directSub.id;
	// One key per node: the test and the production URL of one node share it.
	expect(ocKey).toBe(ocTestKey);
	otherNodeKey = callbackSignatureKey(sandbox.secrets, 'another-node-of-this-account');
	expect(closeKey).toMatch(/^[0-9a-f]{64}$/);
});
afterAll(async () => {
	await sandbox.close();
});

const now = () => String(Math.floor(Date.now() / 1000));

function ocNotification(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		message: {
			eventId: `evt-${Math.random().toString(36).slice(2)}`,
			elementKey: 'closeio',
			instanceId: Number(instanceId),
			events: [{ objectType: 'accounts', objectId: 'lead_abcdefghijklmnopqrstuv', eventType: 'CREATED', elementKey: 'closeio', date: '2024-05-01T10:00:00.123Z' }],
			raw: {
				subscription_id: directSubscriptionId,
				event: {
					id: `ev_${Math.random().toString(36).slice(2)}`,
					object_type: 'lead',
					object_id: 'lead_abcdefghijklmnopqrstuv',
					action: 'created',
					date_created: '2024-05-01T10:00:00.123456',
					date_updated: '2024-05-01T10:00:00.123456',
					data: { id: 'lead_abcdefghijklmnopqrstuv', name: 'Hostile', date_updated: '2024-05-01T10:00:00.123456+00:00' },
					previous_data: {},
					changed_fields: [],
					meta: {},
				},
			},
			...overrides,
		},
	};
}

function closeDelivery(eventOverrides: Record<string, unknown> = {}): Record<string, unknown> {
	const raw = (ocNotification().message as { raw: Record<string, unknown> }).raw;
	return { ...raw, subscription_id: directSubscriptionId, event: { ...(raw.event as object), id: `ev_${Math.random().toString(36).slice(2)}`, ...eventOverrides } };
}

interface Case {
	name: string;
	status: number;
	route?: 'oc' | 'direct';
	url?: string;
	method?: string;
	headers?: Record<string, string>;
	body: Buffer | string;
	noCredentials?: boolean;
}

const JSON_CT = { 'Content-Type': 'application/json' };
const asBytes = (v: unknown) => Buffer.from(JSON.stringify(v));
/** A request signed the way Open Connectors signs it, with the given key. */
function ocSigned(body: Buffer | string, key = ocKey, extra: Record<string, string> = {}): Pick<Case, 'headers' | 'body'> {
	return { body, headers: { ...JSON_CT, 'Elements-Webhook-Signature': signOpenConnectors(key, body), 'Elements-Webhook-Id': 'x', ...extra } };
}
function closeSigned(body: Buffer | string, timestamp = now(), key = closeKey): Pick<Case, 'headers' | 'body'> {
	return { body, headers: { ...JSON_CT, 'close-sig-timestamp': timestamp, 'close-sig-hash': signClose(key, timestamp, body) } };
}

// Built lazily: the keys exist only after beforeAll.
function cases(): Case[] {
	const good = asBytes(ocNotification());
	const goodClose = asBytes(closeDelivery());
	const otherCredentialKey = 'f'.repeat(64);
	return [
		// Transport-level
		{ name: 'GET', status: 405, method: 'GET', ...ocSigned(good) },
		{ name: 'PUT', status: 405, method: 'PUT', ...ocSigned(good) },
		{ name: 'DELETE without body', status: 405, method: 'DELETE', headers: JSON_CT, body: '' },
		{ name: 'empty body', status: 400, ...ocSigned('') },
		{ name: 'oversized body (5 MiB + 1)', status: 413, ...ocSigned(Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)) },
		{ name: 'no content type', status: 415, body: good, headers: { 'Elements-Webhook-Signature': signOpenConnectors(ocKey, good) } },
		{ name: 'text/plain', status: 415, ...ocSigned(good, ocKey, { 'Content-Type': 'text/plain' }) },
		{ name: 'form-urlencoded', status: 415, ...ocSigned(good, ocKey, { 'Content-Type': 'application/x-www-form-urlencoded' }) },
		{ name: 'JSON in latin1', status: 415, ...ocSigned(good, ocKey, { 'Content-Type': 'application/json; charset=iso-8859-1' }) },
		// Signatures, Open Connectors route
		{ name: 'unsigned notification', status: 401, body: good, headers: JSON_CT },
		{ name: 'empty signature header', status: 401, body: good, headers: { ...JSON_CT, 'Elements-Webhook-Signature': '' } },
		{ name: 'signature from another credential', status: 401, ...ocSigned(good, otherCredentialKey) },
		{ name: 'signature with the key of another node of the same account', status: 401, ...ocSigned(good, otherNodeKey) },
		{ name: 'signature over other bytes', status: 401, body: good, headers: { ...JSON_CT, 'Elements-Webhook-Signature': signOpenConnectors(ocKey, `${good.toString()} `) } },
		{ name: 'signature not base64', status: 401, body: good, headers: { ...JSON_CT, 'Elements-Webhook-Signature': 'sha256=%%%not-base64%%%' } },
		{ name: 'signature truncated', status: 401, body: good, headers: { ...JSON_CT, 'Elements-Webhook-Signature': signOpenConnectors(ocKey, good).slice(0, 20) } },
		{ name: 'unknown algorithm', status: 401, body: good, headers: { ...JSON_CT, 'Elements-Webhook-Signature': signOpenConnectors(ocKey, good).replace('sha256=', 'md5=') } },
		{ name: 'Close signature on the Open Connectors route', status: 401, ...closeSigned(good) },
		// Signatures, direct route
		{ name: 'direct: unsigned', status: 401, route: 'direct', body: goodClose, headers: JSON_CT },
		{ name: 'direct: Open Connectors signature on the direct route', status: 401, route: 'direct', ...ocSigned(goodClose) },
		{ name: 'direct: stale timestamp (past the 73 h retry horizon)', status: 401, route: 'direct', ...closeSigned(goodClose, String(Math.floor(Date.now() / 1000) - 73 * 3600 - 60)) },
		{ name: 'direct: timestamp in the future (10 min)', status: 401, route: 'direct', ...closeSigned(goodClose, String(Math.floor(Date.now() / 1000) + 600)) },
		{ name: 'direct: missing timestamp', status: 401, route: 'direct', body: goodClose, headers: { ...JSON_CT, 'close-sig-hash': signClose(closeKey, now(), goodClose) } },
		{ name: 'direct: hash of another key', status: 401, route: 'direct', ...closeSigned(goodClose, now(), 'ab'.repeat(32)) },
		{ name: 'direct: hash not hex', status: 401, route: 'direct', body: goodClose, headers: { ...JSON_CT, 'close-sig-timestamp': now(), 'close-sig-hash': 'z'.repeat(64) } },
		{ name: 'direct: URL never activated (no key anywhere)', status: 401, route: 'direct', url: UNSET_DIRECT_URL, ...closeSigned(goodClose) },
		// Bodies that pass the signature check
		{ name: 'garbage bytes', status: 400, ...ocSigned(Buffer.from('\u0000\u0001garbage{{{')) },
		{ name: 'invalid UTF-8', status: 400, ...ocSigned(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])) },
		{ name: 'truncated JSON', status: 400, ...ocSigned(good.subarray(0, good.length - 3)) },
		{ name: 'JSON array', status: 400, ...ocSigned(asBytes([ocNotification()])) },
		{ name: 'JSON null', status: 400, ...ocSigned('null') },
		{ name: 'JSON string', status: 400, ...ocSigned('"hello"') },
		{ name: 'notification without eventId', status: 400, ...ocSigned(asBytes(ocNotification({ eventId: undefined }))) },
		{ name: 'notification events not an array', status: 400, ...ocSigned(asBytes(ocNotification({ events: { 0: 'x' } }))) },
		{ name: 'notification event without objectId', status: 400, ...ocSigned(asBytes(ocNotification({ events: [{ objectType: 'accounts', eventType: 'CREATED' }] }))) },
		{ name: 'notification event is a number', status: 400, ...ocSigned(asBytes(ocNotification({ events: [42] }))) },
		{ name: 'Close payload on the Open Connectors route', status: 400, ...ocSigned(goodClose) },
		{ name: 'prototype pollution keys', status: 400, ...ocSigned('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') },
		{ name: 'deeply nested JSON', status: 400, ...ocSigned('['.repeat(5000) + ']'.repeat(5000)) },
		{ name: 'direct: Close event without id', status: 400, route: 'direct', ...closeSigned(asBytes(closeDelivery({ id: undefined }))) },
		{ name: 'direct: Open Connectors notification on the direct route', status: 400, route: 'direct', ...closeSigned(good) },
		{ name: 'direct: empty object', status: 400, route: 'direct', ...closeSigned('{}') },
		// Set-up failures: the sender must retry later. (A URL this node never verified for, so no key
		// from an earlier delivery is cached.)
		{ name: 'credential missing', status: 503, noCredentials: true, url: 'http://n8n.example.test/webhook/no-credential/webhook', ...ocSigned(good) },
	];
}

describe('CloseIoTrigger webhook(): bad and hostile requests', () => {
	test('the table has at least 25 kinds', () => {
		expect(cases().length).toBeGreaterThanOrEqual(25);
	});

	test.each(cases().map((c, index) => [c.name, c.status, index] as const))('%s -> %i', async (name, _status, index) => {
		const c = cases()[index];
		expect(c.name).toBe(name);
		const direct = c.route === 'direct';
		const ctx = webhookCtx({
			sandbox,
			params: direct ? paramsDirect() : paramsOc(),
			staticData,
			nodeId,
			url: c.url ?? (direct ? DIRECT_URL : OC_URL),
			request: { method: c.method ?? 'POST', headers: c.headers ?? {}, rawBody: c.body },
			extra: c.noCredentials ? { credentials: {} } : {},
		});
		const result = await trigger.webhook.call(ctx);
		expect({ name: c.name, status: ctx.recorder.response.statusCode }).toEqual({ name: c.name, status: c.status });
		expect(result.workflowData).toBeUndefined();
		expect(result.noWebhookResponse).toBe(true);
		expect(ctx.recorder.response.ended).toBe(true);
		const reason = JSON.stringify(ctx.recorder.response.body);
		expect(reason.length).toBeLessThan(200);
		for (const secret of [...Object.values(sandbox.secrets), ocKey, closeKey]) expect(reason).not.toContain(secret);
	});

	/** The signed pair as a fake request (rawBody: the exact bytes). */
	const asRequest = (signed: Pick<Case, 'headers' | 'body'>) => ({ method: 'POST', headers: signed.headers, rawBody: signed.body });

	test('control: the same fixtures, correctly signed, do start an execution (so the table tests the rejections)', async () => {
		const okOc = asBytes(ocNotification());
		const ctx = webhookCtx({ sandbox, params: paramsOc(), staticData, nodeId, url: OC_URL, request: asRequest(ocSigned(okOc)) });
		const result = await trigger.webhook.call(ctx);
		expect(ctx.recorder.response).toEqual({ headers: {}, ended: true, statusCode: 200, body: { received: true, executions: 1 } });
		expect(result).toMatchObject({ noWebhookResponse: true });
		expect(result.workflowData?.[0]).toHaveLength(1);

		const okClose = asBytes(closeDelivery());
		const ctx2 = webhookCtx({ sandbox, params: paramsDirect(), staticData, nodeId, url: DIRECT_URL, request: asRequest(closeSigned(okClose)) });
		const result2 = await trigger.webhook.call(ctx2);
		expect(ctx2.recorder.response).toEqual({ headers: {}, ended: true, statusCode: 200, body: { received: true, executions: 1 } });
		expect(result2).toMatchObject({ noWebhookResponse: true });
		expect(result2.workflowData?.[0]).toHaveLength(1);
	});
});
