/// <reference types="node" />
// HMAC signatures of the two senders (protocols.md):
// - Open Connectors: `Elements-Webhook-Signature: sha256=<base64(HMAC-SHA256(key, raw body))>`
//   (older deliveries: `sha1=`), key = the instance's `event.notification.signature.key`.
// - Close: `close-sig-hash` = hex(HMAC-SHA256(hex-decoded signature_key, timestamp + raw body)),
//   `close-sig-timestamp` in unix seconds, checked against a replay window.
// Close retries a failed delivery for up to 72 hours and does not document that a retry is signed
// again: a retry may carry its first timestamp. The window for the past is therefore Close's retry
// horizon plus an hour of margin (a shorter one answers every retry after an outage 401, and the
// event is lost); what stops a replay inside it is the idempotency memory (seenKeys), which covers
// the same horizon. The future side only allows for clock skew.
// Rejection reasons are short fixed phrases: they never echo the key, the expected signature or
// the body, because callers may show them to the sender.

import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

type RawBody = Buffer | string;

const OK: VerifyResult = { ok: true };
const reject = (reason: string): VerifyResult => ({ ok: false, reason });

const DIGEST_BYTES: Record<string, number> = { sha256: 32, sha1: 20 };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX_KEY = /^(?:[0-9a-fA-F]{2})+$/;

function hmac(algorithm: string, key: string | Buffer, parts: RawBody[]): Buffer {
	const mac = createHmac(algorithm, key);
	for (const part of parts) mac.update(part);
	return mac.digest();
}

/** Length check first: timingSafeEqual throws on different lengths. */
function sameBytes(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

/** `sha256=<base64>` as Open Connectors sends it. */
export function signOpenConnectors(key: string, rawBody: RawBody): string {
	return `sha256=${hmac('sha256', key, [rawBody]).toString('base64')}`;
}

export function verifyOpenConnectors(key: string, rawBody: RawBody, headerValue: string | undefined): VerifyResult {
	if (typeof key !== 'string' || key === '') return reject('signature key not configured');
	if (typeof headerValue !== 'string' || headerValue.trim() === '') return reject('missing signature');
	const match = /^(sha256|sha1)=(.+)$/i.exec(headerValue.trim());
	if (!match) return reject('malformed signature');
	const algorithm = match[1].toLowerCase();
	const encoded = match[2];
	if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return reject('malformed signature');
	const given = Buffer.from(encoded, 'base64');
	if (given.length !== DIGEST_BYTES[algorithm]) return reject('malformed signature');
	return sameBytes(given, hmac(algorithm, key, [rawBody])) ? OK : reject('bad signature');
}

/** Hex HMAC-SHA256 of `timestamp + raw body`, keyed by the hex-decoded Close signature key. */
export function signClose(hexKey: string, timestamp: string, rawBody: RawBody): string {
	// Buffer.from(.., 'hex') silently stops at the first bad digit: a typo would sign with half a key.
	if (!HEX_KEY.test(hexKey)) throw new Error('Close signature key must be hex');
	return hmac('sha256', Buffer.from(hexKey, 'hex'), [timestamp, rawBody]).toString('hex');
}

/** Close's documented retry horizon (72 h) plus an hour of margin, in seconds. */
export const CLOSE_REPLAY_WINDOW_SECONDS = 73 * 3600;
/** How far ahead of our clock a timestamp may be (clock skew only). */
export const CLOSE_FUTURE_SKEW_SECONDS = 300;

export function verifyClose(
	hexKey: string,
	rawBody: RawBody,
	hashHeader: string | undefined,
	timestampHeader: string | undefined,
	nowSeconds: number,
	windowSeconds = CLOSE_REPLAY_WINDOW_SECONDS,
	futureSkewSeconds = CLOSE_FUTURE_SKEW_SECONDS,
): VerifyResult {
	if (typeof hexKey !== 'string' || !HEX_KEY.test(hexKey)) return reject('signature key not configured');
	if (typeof hashHeader !== 'string' || hashHeader.trim() === '') return reject('missing signature');
	if (typeof timestampHeader !== 'string' || timestampHeader.trim() === '') return reject('missing timestamp');
	const timestamp = timestampHeader.trim();
	if (!/^\d{1,12}$/.test(timestamp)) return reject('bad timestamp');
	const hash = hashHeader.trim();
	if (!/^[0-9a-fA-F]{64}$/.test(hash)) return reject('malformed signature');
	const expected = hmac('sha256', Buffer.from(hexKey, 'hex'), [timestamp, rawBody]);
	if (!sameBytes(Buffer.from(hash, 'hex'), expected)) return reject('bad signature');
	const age = nowSeconds - Number(timestamp);
	if (age > windowSeconds) return reject('stale timestamp');
	if (age < -futureSkewSeconds) return reject('timestamp in the future');
	return OK;
}

/** A fresh Open Connectors notification signing key: 32 random bytes as hex. */
export function generateSignatureKey(): string {
	return randomBytes(32).toString('hex');
}
