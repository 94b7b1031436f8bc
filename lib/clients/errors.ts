// Errors of the client cores. No n8n import: the node boundary (nodes/shared) maps ApiError to
// n8n's NodeApiError. Every message that may echo what a server sent is sanitized, so no secret
// (User / Organization secret, instance token, Close API key, password) ever reaches an output.

import type { HttpResponse } from './http';
import { header } from './http';
import { serverDelayMs } from './retry';

export type ApiService = 'openConnectors' | 'close';

export const MASK = '********';

export interface ApiErrorFields {
	statusCode: number;
	message: string;
	service: ApiService;
	requestId?: string;
	providerMessage?: string;
	retryAfterSeconds?: number;
	/** Close 400s: field name -> message. */
	fieldErrors?: Record<string, string>;
}

export class ApiError extends Error {
	readonly statusCode: number;
	readonly service: ApiService;
	readonly requestId?: string;
	readonly providerMessage?: string;
	readonly retryAfterSeconds?: number;
	readonly fieldErrors?: Record<string, string>;

	constructor(fields: ApiErrorFields) {
		super(fields.message);
		this.name = 'ApiError';
		this.statusCode = fields.statusCode;
		this.service = fields.service;
		this.requestId = fields.requestId;
		this.providerMessage = fields.providerMessage;
		this.retryAfterSeconds = fields.retryAfterSeconds;
		this.fieldErrors = fields.fieldErrors;
	}
}

/** The request got no response at all (connection refused or reset, timeout). */
export class NetworkError extends Error {
	readonly code?: string;

	constructor(message: string, code?: string) {
		super(message);
		this.name = 'NetworkError';
		this.code = code;
	}
}

/** A value a client needs but did not get (an instance without a token, ...). */
export class ClientError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ClientError';
	}
}

const SECRET_KEY_PATTERN =
	'(?:[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|apikey|signature[._-]?key|username|authorization)[A-Za-z0-9_.-]*)';

/** Shorter values are not treated as secrets (a 3-character "secret" would mask half the output). */
export const MIN_SECRET_LENGTH = 4;

/** Adds a value seen later (an instance token) to a connection's secrets, once, when long enough to be one. */
export function rememberSecret(secrets: string[], value: unknown): void {
	if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && !secrets.includes(value)) secrets.push(value);
}

/**
 * Removes secrets from a text a server may have echoed: Open Connectors `User x, Organization y,
 * Element z` headers, Basic/Bearer credentials, JSON or form entries whose key names a secret,
 * and any of the given known secret values.
 */
export function sanitizeText(text: string, knownSecrets: readonly string[] = []): string {
	let out = text;
	for (const secret of knownSecrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		out = out.split(secret).join(MASK);
		// Also the encoded forms a server might echo (URL-encoded, Basic auth base64).
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) out = out.split(encoded).join(MASK);
	}
	out = out.replace(
		/\bUser\s+[^,\s"']+\s*,\s*Organization\s+[^,\s"']+(\s*,\s*Element\s+[^,\s"']+)?/g,
		(_match, element?: string) => `User ${MASK}, Organization ${MASK}${element ? `, Element ${MASK}` : ''}`,
	);
	out = out.replace(/(,\s*Element\s+)(?!\*{8})[^,\s"']+/g, `$1${MASK}`);
	out = out.replace(/\b(Basic|Bearer)(\s+)(?!\*{8})[A-Za-z0-9+/=._~-]{6,}/g, `$1$2${MASK}`);
	out = out.replace(
		new RegExp(`(["']${SECRET_KEY_PATTERN}["']\\s*:\\s*)(["'])(?:(?!\\2)[^\\\\]|\\\\.)*\\2`, 'gi'),
		`$1$2${MASK}$2`,
	);
	out = out.replace(new RegExp(`(\\b${SECRET_KEY_PATTERN}=)[^&\\s"',]+`, 'gi'), `$1${MASK}`);
	return out;
}

function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() === '' ? undefined : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function flattenCloseErrors(body: Record<string, unknown>): {
	message?: string;
	fieldErrors?: Record<string, string>;
} {
	const parts: string[] = [];
	const error = body.error;
	if (typeof error === 'string') parts.push(error);
	else if (error && typeof error === 'object') {
		const inner = asString((error as Record<string, unknown>).message);
		if (inner) parts.push(inner);
	}
	if (Array.isArray(body.errors)) {
		for (const entry of body.errors) {
			const text = asString(entry) ?? (entry && typeof entry === 'object' ? JSON.stringify(entry) : undefined);
			if (text) parts.push(text);
		}
	}
	let fieldErrors: Record<string, string> | undefined;
	const rawFieldErrors = body['field-errors'];
	if (rawFieldErrors && typeof rawFieldErrors === 'object' && !Array.isArray(rawFieldErrors)) {
		fieldErrors = {};
		for (const [field, value] of Object.entries(rawFieldErrors as Record<string, unknown>)) {
			const text = asString(value) ?? (Array.isArray(value) ? value.map(String).join('; ') : JSON.stringify(value));
			fieldErrors[field] = text;
			parts.push(`${field}: ${text}`);
		}
	}
	return { message: parts.length ? parts.join('; ') : undefined, fieldErrors };
}

function defaultMessage(statusCode: number, service: ApiService): string {
	const who = service === 'close' ? 'Close' : 'SAP Open Connectors';
	return `${who} answered HTTP ${statusCode}`;
}

/** Builds the ApiError for a non-2xx response, reading each provider's error shape. */
export function apiErrorFrom(
	response: HttpResponse,
	service: ApiService,
	knownSecrets: readonly string[] = [],
): ApiError {
	const body = response.body;
	let message: string | undefined;
	let requestId = header(response, 'elements-request-id') ?? undefined;
	let providerMessage: string | undefined;
	let fieldErrors: Record<string, string> | undefined;

	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const record = body as Record<string, unknown>;
		if (service === 'openConnectors') {
			message = asString(record.message);
			requestId = asString(record.requestId) ?? requestId;
			providerMessage = asString(record.providerMessage);
			if (!message) message = flattenCloseErrors(record).message;
		} else {
			const flattened = flattenCloseErrors(record);
			message = flattened.message ?? asString(record.message);
			fieldErrors = flattened.fieldErrors;
		}
	} else if (typeof body === 'string' && body.trim() !== '') {
		message = body.trim().slice(0, 500);
	}
	if (service === 'close') requestId = requestId ?? header(response, 'x-request-id') ?? undefined;

	const delay = serverDelayMs(response);
	const clean = (text: string | undefined) => (text === undefined ? undefined : sanitizeText(text, knownSecrets));
	let sanitizedFieldErrors: Record<string, string> | undefined;
	if (fieldErrors) {
		sanitizedFieldErrors = {};
		for (const [field, text] of Object.entries(fieldErrors)) sanitizedFieldErrors[field] = sanitizeText(text, knownSecrets);
	}
	return new ApiError({
		statusCode: response.statusCode,
		message: clean(message) ?? defaultMessage(response.statusCode, service),
		service,
		requestId: clean(requestId),
		providerMessage: clean(providerMessage),
		retryAfterSeconds: delay === undefined ? undefined : Math.ceil(delay / 1000),
		fieldErrors: sanitizedFieldErrors,
	});
}

export function isSuccess(response: HttpResponse): boolean {
	return response.statusCode >= 200 && response.statusCode < 300;
}
