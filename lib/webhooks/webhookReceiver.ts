/// <reference types="node" />
// One inbound HTTP request -> one decision (status, short reason, items), with no n8n in sight:
// the trigger's webhook() only translates the decision. Checks run cheapest and least trusting
// first, and the signature is checked on the RAW bytes before anything is parsed. Reasons are
// fixed phrases: they never echo a secret, a header value or the body.

import {
	dedupKey,
	detectPayloadKind,
	fromCloseEvent,
	fromLegacyPayload,
	fromOpenConnectorsNotification,
	PayloadError,
} from '../items/normalize';
import type { TriggerItem } from '../items/objects';
import { verifyClose, verifyOpenConnectors, type VerifyResult } from './signatures';

export interface ReceiverConfig {
	route: 'openConnectors' | 'direct' | 'openConnectorsPolling';
	/** Required for the openConnectors* routes: unsigned -> 401. */
	openConnectorsSignatureKey?: string;
	/** Hex; required for direct: unsigned -> 401. */
	closeSignatureKey?: string;
	/** Selected Close objects. */
	objects: string[];
	/** Selected events. */
	events: string[];
	/** A further test on each item (status ids, watched fields: lib/triggerEvents/selection). */
	accept?: (item: TriggerItem) => boolean;
	includeRaw: boolean;
	nowSeconds: number;
	/** Default 5 MiB -> 413. */
	maxBodyBytes?: number;
}

export interface ReceiverRequest {
	method: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer | undefined;
}

export type ReceiverDecision =
	| { status: 200; items: TriggerItem[]; keys: string[]; dropped: number }
	| { status: 400 | 401 | 405 | 413 | 415; reason: string; items: [] };

type Rejection = Extract<ReceiverDecision, { items: [] }>;

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

const OC_SIGNATURE_HEADER = 'elements-webhook-signature';
const CLOSE_HASH_HEADER = 'close-sig-hash';
const CLOSE_TIMESTAMP_HEADER = 'close-sig-timestamp';

function reject(status: Rejection['status'], reason: string): Rejection {
	return { status, reason, items: [] };
}

/**
 * A header's single value (names matched case-insensitively). A repeated header gives `null`:
 * two signature headers cannot both be trusted, so callers treat that as malformed.
 */
export function headerValue(headers: ReceiverRequest['headers'], name: string): string | undefined | null {
	let found: string | string[] | undefined;
	let count = 0;
	for (const key of Object.keys(headers ?? {})) {
		if (key.toLowerCase() === name && headers[key] !== undefined) {
			found = headers[key];
			count++;
		}
	}
	if (count > 1) return null;
	if (Array.isArray(found)) return found.length === 1 ? found[0] : found.length === 0 ? undefined : null;
	return found;
}

/** `application/json`, with parameters, or any `application/*+json`; utf-8 only when a charset is given. */
export function isJsonContentType(value: string | undefined | null): boolean {
	if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) return false;
	const [mediaType, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
	if (!/^application\/(?:json|[a-z0-9.!#$&^_-]+\+json)$/.test(mediaType)) return false;
	return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-?8"?$/.test(param));
}

function verifySignature(req: ReceiverRequest, body: Buffer, cfg: ReceiverConfig): VerifyResult {
	if (cfg.route === 'direct') {
		if (!cfg.closeSignatureKey) return { ok: false, reason: 'signature key not configured' };
		const hash = headerValue(req.headers, CLOSE_HASH_HEADER);
		const timestamp = headerValue(req.headers, CLOSE_TIMESTAMP_HEADER);
		if (hash === null || timestamp === null) return { ok: false, reason: 'malformed signature' };
		return verifyClose(cfg.closeSignatureKey, body, hash, timestamp, cfg.nowSeconds);
	}
	if (!cfg.openConnectorsSignatureKey) return { ok: false, reason: 'signature key not configured' };
	const signature = headerValue(req.headers, OC_SIGNATURE_HEADER);
	if (signature === null) return { ok: false, reason: 'malformed signature' };
	return verifyOpenConnectors(cfg.openConnectorsSignatureKey, body, signature);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
	let text: string;
	try {
		text = UTF8.decode(body);
	} catch {
		return { ok: false, reason: 'body is not UTF-8' };
	}
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, reason: 'malformed JSON' };
	}
}

function normalizeForRoute(body: unknown, cfg: ReceiverConfig): TriggerItem[] {
	const ctx = { source: 'webhook' as const, includeRaw: cfg.includeRaw };
	const kind = detectPayloadKind(body);
	if (cfg.route === 'direct') {
		if (kind === 'close') {
			const event = (body as { event: Record<string, unknown> }).event;
			if (typeof event.id !== 'string' || event.id === '') throw new PayloadError('missing event id');
			return [fromCloseEvent(body, ctx)];
		}
		if (kind === 'closeLegacy') return [fromLegacyPayload(body, ctx)];
		throw new PayloadError('unrecognised payload');
	}
	if (kind !== 'openConnectors') throw new PayloadError('unrecognised payload');
	return fromOpenConnectorsNotification(body, ctx);
}

/** Keeps the selected objects/events and the first item of each key (a batch may repeat a record). */
function select(items: TriggerItem[], cfg: ReceiverConfig): Extract<ReceiverDecision, { status: 200 }> {
	const kept: TriggerItem[] = [];
	const keys: string[] = [];
	const seen = new Set<string>();
	for (const item of items) {
		if (!cfg.objects.includes(item.object) || !cfg.events.includes(item.event)) continue;
		if (cfg.accept && !cfg.accept(item)) continue;
		const key = dedupKey(item);
		if (seen.has(key)) continue;
		seen.add(key);
		kept.push(item);
		keys.push(key);
	}
	return { status: 200, items: kept, keys, dropped: items.length - kept.length };
}

function decide(req: ReceiverRequest, cfg: ReceiverConfig): ReceiverDecision {
	if (req.method !== 'POST') return reject(405, 'method not allowed');
	const body = req.rawBody;
	if (!Buffer.isBuffer(body) || body.length === 0) return reject(400, 'empty body');
	if (body.length > (cfg.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) return reject(413, 'body too large');
	if (!isJsonContentType(headerValue(req.headers, 'content-type'))) return reject(415, 'content type must be JSON');
	const verified = verifySignature(req, body, cfg);
	if (!verified.ok) return reject(401, verified.reason);
	const parsed = parseJson(body);
	if (!parsed.ok) return reject(400, parsed.reason);
	try {
		return select(normalizeForRoute(parsed.value, cfg), cfg);
	} catch (error) {
		// PayloadError messages are fixed phrases; anything else may quote the payload.
		return reject(400, error instanceof PayloadError ? error.message : 'unprocessable payload');
	}
}

/** Never throws: anything unexpected is answered 400 'unprocessable payload'. */
export function receiveWebhook(req: ReceiverRequest, cfg: ReceiverConfig): ReceiverDecision {
	try {
		return decide(req, cfg);
	} catch {
		return reject(400, 'unprocessable payload');
	}
}
