import { createHmac } from 'crypto';
import fc from 'fast-check';
import {
	generateSignatureKey,
	signClose,
	signOpenConnectors,
	verifyClose,
	verifyOpenConnectors,
} from '../../../lib/webhooks/signatures';

const OC_KEY = 'oc-signing-secret';
const CLOSE_KEY = 'a1'.repeat(32); // 64 hex chars, like Close's signature_key
const BODY = Buffer.from('{"message":{"eventId":"e1","events":[]}}');
const NOW = 1_772_460_311;

// Independent HMACs, computed here with node:crypto directly.
const ocHeader = (key: string, body: Buffer | string, alg = 'sha256') =>
	`${alg}=${createHmac(alg, key).update(body).digest('base64')}`;
const closeHash = (hexKey: string, ts: string, body: Buffer | string) =>
	createHmac('sha256', Buffer.from(hexKey, 'hex')).update(ts + body.toString()).digest('hex');

describe('Open Connectors signatures', () => {
	it('signs as sha256=<base64 HMAC> of the raw body', () => {
		expect(signOpenConnectors(OC_KEY, BODY)).toBe(ocHeader(OC_KEY, BODY));
		expect(signOpenConnectors(OC_KEY, BODY.toString())).toBe(ocHeader(OC_KEY, BODY));
	});

	it('accepts sha256 and the older sha1 scheme', () => {
		expect(verifyOpenConnectors(OC_KEY, BODY, ocHeader(OC_KEY, BODY))).toEqual({ ok: true });
		expect(verifyOpenConnectors(OC_KEY, BODY, ocHeader(OC_KEY, BODY, 'sha1'))).toEqual({ ok: true });
		expect(verifyOpenConnectors(OC_KEY, BODY, ` ${ocHeader(OC_KEY, BODY).replace('sha256', 'SHA256')} `)).toEqual({ ok: true });
	});

	it('verifies what it signs for any body and key (round-trip)', () => {
		fc.assert(
			fc.property(fc.string({ minLength: 1 }), fc.uint8Array(), (key, bytes) => {
				const body = Buffer.from(bytes);
				expect(verifyOpenConnectors(key, body, signOpenConnectors(key, body))).toEqual({ ok: true });
			}),
		);
	});

	const good = ocHeader(OC_KEY, BODY);
	const digest = good.slice('sha256='.length);
	it.each([
		['no header', undefined, 'missing signature'],
		['empty header', '', 'missing signature'],
		['blank header', '   ', 'missing signature'],
		['no algorithm', digest, 'malformed signature'],
		['unknown algorithm', `md5=${digest}`, 'malformed signature'],
		['empty digest', 'sha256=', 'malformed signature'],
		['not base64', 'sha256=%%%%', 'malformed signature'],
		['truncated digest', good.slice(0, -8), 'malformed signature'],
		['sha1 label on a sha256 digest', `sha1=${digest}`, 'malformed signature'],
		['header injection', `${good}\r\nX-Evil: 1`, 'malformed signature'],
		['wrong key', ocHeader('other-key', BODY), 'bad signature'],
		['other body', ocHeader(OC_KEY, BODY.toString() + ' '), 'bad signature'],
	])('rejects %s', (_name, header, reason) => {
		expect(verifyOpenConnectors(OC_KEY, BODY, header)).toEqual({ ok: false, reason });
	});

	it('rejects when no key is configured, even for a signature over an empty key', () => {
		expect(verifyOpenConnectors('', BODY, ocHeader('', BODY))).toEqual({ ok: false, reason: 'signature key not configured' });
	});

	it('never puts the key or the expected signature in a reason', () => {
		const result = verifyOpenConnectors(OC_KEY, BODY, ocHeader('x', BODY));
		expect(result.ok).toBe(false);
		const reason = (result as { reason: string }).reason;
		expect(reason).not.toContain(OC_KEY);
		expect(reason).not.toContain(digest);
	});
});

describe('Close signatures', () => {
	const ts = String(NOW);

	it('signs hex HMAC-SHA256 keyed by the hex-decoded key over timestamp + body', () => {
		expect(signClose(CLOSE_KEY, ts, BODY)).toBe(closeHash(CLOSE_KEY, ts, BODY));
		expect(signClose(CLOSE_KEY, ts, BODY)).not.toBe(createHmac('sha256', CLOSE_KEY).update(ts + BODY.toString()).digest('hex'));
	});

	it('refuses a key that is not hex rather than signing with half of it', () => {
		expect(() => signClose('zz' + CLOSE_KEY, ts, BODY)).toThrow('hex');
		expect(() => signClose('abc', ts, BODY)).toThrow('hex');
	});

	it('accepts a fresh signature and the edges of the window in both directions', () => {
		expect(verifyClose(CLOSE_KEY, BODY, closeHash(CLOSE_KEY, ts, BODY), ts, NOW)).toEqual({ ok: true });
		// A retry that kept its first signature, up to Close's 72 h retry horizon plus an hour.
		const old = String(NOW - 73 * 3600);
		expect(verifyClose(CLOSE_KEY, BODY, closeHash(CLOSE_KEY, old, BODY), old, NOW)).toEqual({ ok: true });
		const ahead = String(NOW + 300);
		expect(verifyClose(CLOSE_KEY, BODY, closeHash(CLOSE_KEY, ahead, BODY), ahead, NOW)).toEqual({ ok: true });
		expect(verifyClose(CLOSE_KEY, BODY, closeHash(CLOSE_KEY, ts, BODY).toUpperCase(), ts, NOW)).toEqual({ ok: true });
	});

	it('verifies what it signs (round-trip)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array(), (keyBytes, bytes) => {
				const key = Buffer.from(keyBytes).toString('hex');
				const body = Buffer.from(bytes);
				expect(verifyClose(key, body, signClose(key, ts, body), ts, NOW)).toEqual({ ok: true });
			}),
		);
	});

	const good = closeHash(CLOSE_KEY, ts, BODY);
	const stale = String(NOW - 73 * 3600 - 1);
	const future = String(NOW + 301);
	it.each([
		['no hash', undefined, ts, 'missing signature'],
		['empty hash', '', ts, 'missing signature'],
		['no timestamp', good, undefined, 'missing timestamp'],
		['empty timestamp', good, '', 'missing timestamp'],
		['non-numeric timestamp', closeHash(CLOSE_KEY, 'abc', BODY), 'abc', 'bad timestamp'],
		['negative timestamp', closeHash(CLOSE_KEY, '-5', BODY), '-5', 'bad timestamp'],
		['fractional timestamp', closeHash(CLOSE_KEY, '1.5', BODY), '1.5', 'bad timestamp'],
		['truncated hash', good.slice(0, 40), ts, 'malformed signature'],
		['base64 hash', Buffer.from(good, 'hex').toString('base64'), ts, 'malformed signature'],
		['prefixed hash', `sha256=${good}`, ts, 'malformed signature'],
		['forged hash', 'f'.repeat(64), ts, 'bad signature'],
		['hash for another timestamp', good, String(NOW - 1), 'bad signature'],
		['hash with the raw key string', createHmac('sha256', CLOSE_KEY).update(ts + BODY.toString()).digest('hex'), ts, 'bad signature'],
		['delivery signed more than 73 h ago', closeHash(CLOSE_KEY, stale, BODY), stale, 'stale timestamp'],
		['retry signed 10 minutes ahead', closeHash(CLOSE_KEY, String(NOW + 600), BODY), String(NOW + 600), 'timestamp in the future'],
		['timestamp in the future', closeHash(CLOSE_KEY, future, BODY), future, 'timestamp in the future'],
	])('rejects %s', (_name, hash, timestamp, reason) => {
		expect(verifyClose(CLOSE_KEY, BODY, hash, timestamp, NOW)).toEqual({ ok: false, reason });
	});

	it('honours a custom window', () => {
		const old = String(NOW - 60);
		expect(verifyClose(CLOSE_KEY, BODY, closeHash(CLOSE_KEY, old, BODY), old, NOW, 30)).toEqual({ ok: false, reason: 'stale timestamp' });
	});

	it('rejects when no usable key is configured', () => {
		expect(verifyClose('', BODY, good, ts, NOW)).toEqual({ ok: false, reason: 'signature key not configured' });
		expect(verifyClose('not-hex', BODY, good, ts, NOW)).toEqual({ ok: false, reason: 'signature key not configured' });
	});
});

describe('generateSignatureKey', () => {
	it('makes 32 random bytes in hex, different each time', () => {
		const a = generateSignatureKey();
		expect(a).toMatch(/^[0-9a-f]{64}$/);
		expect(generateSignatureKey()).not.toBe(a);
	});
});
