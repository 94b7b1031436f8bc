import { createHmac } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { fromCloseEvent } from '../../../lib/items/normalize';
import {
	headerValue,
	isJsonContentType,
	type ReceiverConfig,
	type ReceiverRequest,
	receiveWebhook,
} from '../../../lib/webhooks/webhookReceiver';

const SAMPLES = '/work/shared/reference/samples';
const sampleBytes = (name: string) => readFileSync(join(SAMPLES, name));
const OC_KEY = 'oc-notification-secret';
const CLOSE_KEY = '0f'.repeat(32);
const NOW = 1_772_460_400;

// Signatures computed here with node:crypto, independently of lib/webhooks/signatures.
const ocSign = (body: Buffer | string, key = OC_KEY, alg = 'sha256') =>
	`${alg}=${createHmac(alg, key).update(body).digest('base64')}`;
const closeSign = (body: Buffer | string, ts: string, key = CLOSE_KEY) =>
	createHmac('sha256', Buffer.from(key, 'hex')).update(ts).update(body).digest('hex');

const ALL = { objects: ['lead', 'contact', 'opportunity', 'task'], events: ['created', 'updated', 'deleted', 'merged'] };
const ocConfig = (over: Partial<ReceiverConfig> = {}): ReceiverConfig => ({
	route: 'openConnectors', openConnectorsSignatureKey: OC_KEY, includeRaw: false, nowSeconds: NOW, ...ALL, ...over,
});
const directConfig = (over: Partial<ReceiverConfig> = {}): ReceiverConfig => ({
	route: 'direct', closeSignatureKey: CLOSE_KEY, includeRaw: false, nowSeconds: NOW, ...ALL, ...over,
});

function ocRequest(body: Buffer | string | undefined, headers: ReceiverRequest['headers'] = {}): ReceiverRequest {
	const raw = typeof body === 'string' ? Buffer.from(body) : body;
	return {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'elements-webhook-signature': raw ? ocSign(raw) : undefined, 'elements-webhook-id': 'wh1', ...headers },
		rawBody: raw,
	};
}

function closeRequest(body: Buffer | string, headers: ReceiverRequest['headers'] = {}, ts = String(NOW)): ReceiverRequest {
	const raw = typeof body === 'string' ? Buffer.from(body) : body;
	return {
		method: 'POST',
		headers: { 'Content-Type': 'application/json; charset=utf-8', 'Close-Sig-Hash': closeSign(raw, ts), 'Close-Sig-Timestamp': ts, ...headers },
		rawBody: raw,
	};
}

const OC_WEBHOOK = sampleBytes('oc-notification-webhook.json');
const OC_POLLING = sampleBytes('oc-notification-polling.json');
const CLOSE_UPDATED = sampleBytes('close-webhook-lead-updated.json');
const notification = (message: unknown) => JSON.stringify({ message });
const goodOcEvent = { objectType: 'accounts', objectId: 'lead_1', eventType: 'UPDATED' };

describe('happy paths', () => {
	it('openConnectors route: a signed relay of a Close webhook gives one item', () => {
		const decision = receiveWebhook(ocRequest(OC_WEBHOOK), ocConfig());
		expect(decision).toMatchObject({ status: 200, dropped: 0 });
		if (decision.status !== 200) throw new Error('expected 200');
		expect(decision.items).toHaveLength(1);
		expect(decision.items[0]).toMatchObject({ event: 'updated', object: 'lead', id: 'lead_8Kq2mR7tX3vN9pL4wZ6yB1', source: 'webhook' });
		expect(decision.items[0].raw).toBeUndefined();
		expect(decision.keys).toEqual(['rec:lead:lead_8Kq2mR7tX3vN9pL4wZ6yB1:2026-03-02T14:05:11.480377+00:00']);
	});

	it('openConnectorsPolling route: a signed platform-polling notification gives one item per record', () => {
		const decision = receiveWebhook(ocRequest(OC_POLLING), ocConfig({ route: 'openConnectorsPolling', includeRaw: true }));
		if (decision.status !== 200) throw new Error(`expected 200, got ${decision.status}`);
		expect(decision.items.map((i) => [i.event, i.id])).toEqual([
			['created', 'lead_A00000000000000000001'],
			['updated', 'lead_B00000000000000000002'],
		]);
		expect(decision.items[0].raw).toEqual(JSON.parse(OC_POLLING.toString()));
	});

	it('accepts the older sha1 Open Connectors signature', () => {
		const decision = receiveWebhook(ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': ocSign(OC_WEBHOOK, OC_KEY, 'sha1') }), ocConfig());
		expect(decision.status).toBe(200);
	});

	it.each(['close-webhook-lead-updated.json', 'close-webhook-lead-deleted.json', 'close-webhook-lead-merged.json'])(
		'direct route: signed %s gives the Close item keyed by its event id',
		(file) => {
			const body = sampleBytes(file);
			const decision = receiveWebhook(closeRequest(body), directConfig());
			if (decision.status !== 200) throw new Error(`expected 200, got ${decision.status}`);
			expect(decision.items).toEqual([fromCloseEvent(JSON.parse(body.toString()), { source: 'webhook' })]);
			expect(decision.keys).toEqual([`close:${JSON.parse(body.toString()).event.id}`]);
		},
	);

	it('direct route: a signed legacy payload is accepted too', () => {
		const decision = receiveWebhook(closeRequest(sampleBytes('close-legacy-lead-delete.json')), directConfig());
		expect(decision).toMatchObject({ status: 200, items: [{ event: 'deleted', id: 'lead_4Hj7Kl2Zx9Cv5Bn8Mq3Wr6' }] });
	});

	it('filters unselected objects and events, answering 200 with the dropped count', () => {
		const polling = receiveWebhook(ocRequest(OC_POLLING), ocConfig({ events: ['updated'] }));
		expect(polling).toMatchObject({ status: 200, dropped: 1, items: [{ id: 'lead_B00000000000000000002' }] });
		const none = receiveWebhook(closeRequest(CLOSE_UPDATED), directConfig({ objects: ['contact'] }));
		expect(none).toEqual({ status: 200, items: [], keys: [], dropped: 1 });
	});

	it('drops a record repeated inside one notification', () => {
		const body = JSON.parse(OC_POLLING.toString());
		body.message.events.push(body.message.events[1]);
		const decision = receiveWebhook(ocRequest(JSON.stringify(body)), ocConfig());
		expect(decision).toMatchObject({ status: 200, dropped: 1 });
		if (decision.status === 200) expect(decision.items).toHaveLength(2);
	});

	it('accepts +json media types and mixed-case header names', () => {
		const req = ocRequest(OC_WEBHOOK, { 'content-type': undefined, 'Content-Type': 'application/vnd.sap+json' });
		expect(receiveWebhook(req, ocConfig()).status).toBe(200);
	});
});

type Case = [name: string, request: () => ReceiverRequest, config: () => ReceiverConfig, status: number, reason: string];

const deeplyNested = '['.repeat(200_000) + ']'.repeat(200_000);
const stale = String(NOW - 73 * 3600 - 1);
const future = String(NOW + 301);

const HOSTILE: Case[] = [
	['GET request', () => ({ ...ocRequest(OC_WEBHOOK), method: 'GET' }), ocConfig, 405, 'method not allowed'],
	['lower-case post', () => ({ ...ocRequest(OC_WEBHOOK), method: 'post' }), ocConfig, 405, 'method not allowed'],
	['missing body', () => ocRequest(undefined), ocConfig, 400, 'empty body'],
	['empty body', () => ocRequest(Buffer.alloc(0)), ocConfig, 400, 'empty body'],
	['body above the limit', () => ocRequest(Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)), ocConfig, 413, 'body too large'],
	['body above a configured limit', () => ocRequest(OC_WEBHOOK), () => ocConfig({ maxBodyBytes: 100 }), 413, 'body too large'],
	['no content type', () => ocRequest(OC_WEBHOOK, { 'content-type': undefined }), ocConfig, 415, 'content type must be JSON'],
	['text/plain', () => ocRequest(OC_WEBHOOK, { 'content-type': 'text/plain' }), ocConfig, 415, 'content type must be JSON'],
	['form encoded', () => ocRequest(OC_WEBHOOK, { 'content-type': 'application/x-www-form-urlencoded' }), ocConfig, 415, 'content type must be JSON'],
	['json with latin-1 charset', () => ocRequest(OC_WEBHOOK, { 'content-type': 'application/json; charset=iso-8859-1' }), ocConfig, 415, 'content type must be JSON'],
	['content type with header injection', () => ocRequest(OC_WEBHOOK, { 'content-type': 'application/json\r\nX-Evil: 1' }), ocConfig, 415, 'content type must be JSON'],
	['unsigned notification', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': undefined }), ocConfig, 401, 'missing signature'],
	['empty signature', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': '' }), ocConfig, 401, 'missing signature'],
	['forged signature', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': ocSign(OC_WEBHOOK, 'guess') }), ocConfig, 401, 'bad signature'],
	['truncated signature', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': ocSign(OC_WEBHOOK).slice(0, 20) }), ocConfig, 401, 'malformed signature'],
	['wrong algorithm label', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': ocSign(OC_WEBHOOK).replace('sha256', 'sha512') }), ocConfig, 401, 'malformed signature'],
	['hex instead of base64', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': `sha256=${createHmac('sha256', OC_KEY).update(OC_WEBHOOK).digest('hex')}` }), ocConfig, 401, 'malformed signature'],
	['signature header injection', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': `${ocSign(OC_WEBHOOK)}\r\nX-Evil: 1` }), ocConfig, 401, 'malformed signature'],
	['two signature headers', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': [ocSign(OC_WEBHOOK), ocSign(OC_WEBHOOK, 'x')] }), ocConfig, 401, 'malformed signature'],
	['body altered after signing', () => ocRequest(OC_WEBHOOK.toString().replace('Acme', 'Evil'), { 'elements-webhook-signature': ocSign(OC_WEBHOOK) }), ocConfig, 401, 'bad signature'],
	['no key configured (never accept unsigned)', () => ocRequest(OC_WEBHOOK), () => ocConfig({ openConnectorsSignatureKey: undefined }), 401, 'signature key not configured'],
	['Close-signed body on the Open Connectors route', () => closeRequest(OC_WEBHOOK), ocConfig, 401, 'missing signature'],
	['direct: unsigned', () => closeRequest(CLOSE_UPDATED, { 'Close-Sig-Hash': undefined }), directConfig, 401, 'missing signature'],
	['direct: no timestamp', () => closeRequest(CLOSE_UPDATED, { 'Close-Sig-Timestamp': undefined }), directConfig, 401, 'missing timestamp'],
	['direct: replayed delivery (stale timestamp)', () => closeRequest(CLOSE_UPDATED, {}, stale), directConfig, 401, 'stale timestamp'],
	['direct: timestamp in the future', () => closeRequest(CLOSE_UPDATED, {}, future), directConfig, 401, 'timestamp in the future'],
	['direct: non-numeric timestamp', () => closeRequest(CLOSE_UPDATED, {}, 'now'), directConfig, 401, 'bad timestamp'],
	['direct: timestamp swapped after signing', () => closeRequest(CLOSE_UPDATED, { 'Close-Sig-Timestamp': String(NOW - 1) }), directConfig, 401, 'bad signature'],
	['direct: signed with the key text instead of its bytes', () => closeRequest(CLOSE_UPDATED, { 'Close-Sig-Hash': createHmac('sha256', CLOSE_KEY).update(String(NOW)).update(CLOSE_UPDATED).digest('hex') }), directConfig, 401, 'bad signature'],
	['direct: Open Connectors signature only', () => ocRequest(CLOSE_UPDATED), directConfig, 401, 'missing signature'],
	['direct: no key configured', () => closeRequest(CLOSE_UPDATED), () => directConfig({ closeSignatureKey: undefined }), 401, 'signature key not configured'],
	['malformed JSON', () => ocRequest('{"message": '), ocConfig, 400, 'malformed JSON'],
	['unsigned malformed JSON (signature is checked before parsing)', () => ocRequest('{"message": ', { 'elements-webhook-signature': undefined }), ocConfig, 401, 'missing signature'],
	['unsigned and wrong content type (content type first)', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': undefined, 'content-type': 'text/html' }), ocConfig, 415, 'content type must be JSON'],
	['oversized and unsigned (size first)', () => ocRequest(OC_WEBHOOK, { 'elements-webhook-signature': undefined }), () => ocConfig({ maxBodyBytes: 10 }), 413, 'body too large'],
	['non-UTF-8 bytes', () => ocRequest(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), ocConfig, 400, 'body is not UTF-8'],
	['JSON array', () => ocRequest('[{"message": {}}]'), ocConfig, 400, 'unrecognised payload'],
	['JSON number', () => ocRequest('42'), ocConfig, 400, 'unrecognised payload'],
	['JSON null', () => ocRequest('null'), ocConfig, 400, 'unrecognised payload'],
	['JSON string', () => ocRequest('"message"'), ocConfig, 400, 'unrecognised payload'],
	['deeply nested JSON', () => ocRequest(deeplyNested), ocConfig, 400, 'unrecognised payload'],
	['prototype pollution key', () => ocRequest('{"__proto__": {"message": {"eventId": "n", "events": []}}}'), ocConfig, 400, 'unrecognised payload'],
	['constructor.prototype pollution', () => ocRequest('{"constructor": {"prototype": {"message": 1}}}'), ocConfig, 400, 'unrecognised payload'],
	['events not an array', () => ocRequest(notification({ eventId: 'n', events: { 0: goodOcEvent } })), ocConfig, 400, 'events not an array'],
	['missing notification event id', () => ocRequest(notification({ events: [goodOcEvent] })), ocConfig, 400, 'missing event id'],
	['event entry is not an object', () => ocRequest(notification({ eventId: 'n', events: [null] })), ocConfig, 400, 'malformed event'],
	['missing object id in an event', () => ocRequest(notification({ eventId: 'n', events: [{ objectType: 'accounts', eventType: 'UPDATED' }] })), ocConfig, 400, 'missing object id'],
	['object id of the wrong type', () => ocRequest(notification({ eventId: 'n', events: [{ ...goodOcEvent, objectId: { $gt: '' } }] })), ocConfig, 400, 'missing object id'],
	['a Close payload on the Open Connectors route', () => ocRequest(CLOSE_UPDATED), ocConfig, 400, 'unrecognised payload'],
	['direct: a notification on the direct route', () => closeRequest(OC_WEBHOOK), directConfig, 400, 'unrecognised payload'],
	['direct: missing Close event id', () => closeRequest(JSON.stringify({ event: { action: 'updated', object_type: 'lead', object_id: 'lead_1' } })), directConfig, 400, 'missing event id'],
	['direct: missing Close object id', () => closeRequest(JSON.stringify({ event: { id: 'ev_1', action: 'updated', object_type: 'lead' } })), directConfig, 400, 'missing object id'],
	['direct: unknown shape', () => closeRequest('{"hello": "world"}'), directConfig, 400, 'unrecognised payload'],
	['direct: legacy delete without id', () => closeRequest('{"model": "lead", "event": "delete", "data": null}'), directConfig, 400, 'missing object id'],
];

describe('bad or hostile input', () => {
	it('has at least 25 kinds', () => {
		expect(HOSTILE.length).toBeGreaterThanOrEqual(25);
	});

	const table = HOSTILE.map(([name, request, config, status, reason]) => ({ name, request, config, status, reason }));
	it.each(table)('$name -> $status $reason', ({ request, config, status, reason }) => {
		const decision = receiveWebhook(request(), config());
		expect(decision.status).toBe(status);
		expect(decision.items).toEqual([]);
		expect(decision).toMatchObject({ reason });
		if (decision.status !== 200) {
			expect(decision.reason.length).toBeLessThan(40);
			expect(decision.reason).not.toContain(OC_KEY);
			expect(decision.reason).not.toContain(CLOSE_KEY);
			expect(decision.reason).not.toMatch(/Evil|lead_|message/);
		}
	});

	it('leaves Object.prototype untouched', () => {
		expect(({} as Record<string, unknown>).message).toBeUndefined();
		expect(({} as Record<string, unknown>).prototype).toBeUndefined();
	});

	it('never throws, even on requests that break every type', () => {
		const broken = [
			{ method: 'POST', headers: null, rawBody: OC_WEBHOOK },
			{ method: undefined, headers: {}, rawBody: OC_WEBHOOK },
			{ method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: 'not a buffer' },
		] as unknown as ReceiverRequest[];
		for (const req of broken) {
			const decision = receiveWebhook(req, ocConfig());
			expect(decision.status).toBeGreaterThanOrEqual(400);
			expect(decision.items).toEqual([]);
		}
		expect(receiveWebhook(ocRequest(OC_WEBHOOK), null as unknown as ReceiverConfig)).toMatchObject({ status: 400, reason: 'unprocessable payload' });
	});
});

describe('helpers', () => {
	it.each([
		['application/json', true],
		['Application/JSON; charset=UTF-8', true],
		['application/json; charset="utf-8"', true],
		['application/problem+json', true],
		['application/jsonx', false],
		['text/json', false],
		[undefined, false],
	])('isJsonContentType(%j) = %s', (value, expected) => {
		expect(isJsonContentType(value)).toBe(expected);
	});

	it('headerValue matches names case-insensitively and refuses ambiguity', () => {
		expect(headerValue({ 'X-A': 'v' }, 'x-a')).toBe('v');
		expect(headerValue({ 'x-a': ['v'] }, 'x-a')).toBe('v');
		expect(headerValue({ 'x-a': ['v', 'w'] }, 'x-a')).toBeNull();
		expect(headerValue({ 'x-a': 'v', 'X-A': 'w' }, 'x-a')).toBeNull();
		expect(headerValue({}, 'x-a')).toBeUndefined();
	});
});
