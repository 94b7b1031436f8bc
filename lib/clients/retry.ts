// Bounded retries for the client cores. Pure: it waits only through the injected `sleep`, so
// nodes pass n8n's `sleep` and tests pass a recorder.
//
// What is retried:
// - 429 on any method: the server refused the request before processing it (Close's and Open
//   Connectors' rate limits), so even a POST is safe to repeat.
// - 5xx (but 501/505, which will not change) and network failures (the request function
//   rejected): only for idempotent requests (GET, PUT, DELETE, PATCH by default), because a POST
//   may have been processed before the failure.
// How long to wait:
// - the server's word first: Close's `RateLimit: limit=100, remaining=0, reset=5` (seconds; read
//   first, like Close's official client), then `Retry-After` (seconds or an HTTP date), then
//   Close's body `{"error": {"rate_reset": 5}}`;
// - otherwise exponential back-off with jitter, capped at maxDelayMs.
// A server delay above maxDelayMs ends the retries: the response is returned and the caller
// reports it (ApiError carries retryAfterSeconds).

import type { HttpRequest, HttpResponse, RequestFn, SleepFn } from './http';
import { header } from './http';

export interface RetryOptions {
	sleep: SleepFn;
	/** Retries after the first attempt. Default 4. */
	maxRetries?: number;
	/** Longest single wait. Default 60000. */
	maxDelayMs?: number;
	/** First back-off step when the server gives no delay. Default 500. */
	baseDelayMs?: number;
	/** false: one attempt, no retry at all. Default true. */
	enabled?: boolean;
	/** Which requests may be repeated after a 5xx or a network failure. */
	isIdempotent?: (request: HttpRequest) => boolean;
	/** Jitter source, [0, 1). Default Math.random. */
	random?: () => number;
	/** Clock for HTTP-date Retry-After values (epoch ms). Default Date.now. */
	now?: () => number;
	/** Called before each wait (logging, tests). */
	onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
	attempt: number;
	delayMs: number;
	reason: 'rateLimited' | 'serverError' | 'networkError';
	statusCode?: number;
	request: HttpRequest;
}

export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_MAX_DELAY_MS = 60000;
export const DEFAULT_BASE_DELAY_MS = 500;

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE', 'PATCH']);

export function isIdempotentByMethod(request: HttpRequest): boolean {
	return IDEMPOTENT_METHODS.has(request.method.toUpperCase());
}

export function isRetryableServerStatus(statusCode: number): boolean {
	return statusCode >= 500 && statusCode <= 599 && statusCode !== 501 && statusCode !== 505;
}

/**
 * The delay the server asks for, in milliseconds, or undefined when it gives none.
 * Order: RateLimit reset (Close), Retry-After (seconds or HTTP date), body error.rate_reset.
 */
export function serverDelayMs(
	response: HttpResponse,
	now: () => number = Date.now,
): number | undefined {
	const rateLimit = header(response, 'ratelimit');
	if (rateLimit !== undefined && response.statusCode === 429) {
		const reset = /(?:^|[,;\s])reset\s*=\s*(\d+(?:\.\d+)?)/i.exec(rateLimit);
		if (reset) return Math.max(0, Math.round(Number(reset[1]) * 1000));
	}
	const retryAfter = header(response, 'retry-after');
	if (retryAfter !== undefined && retryAfter.trim() !== '') {
		const trimmed = retryAfter.trim();
		if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.max(0, Math.round(Number(trimmed) * 1000));
		const date = Date.parse(trimmed);
		if (!Number.isNaN(date)) return Math.max(0, date - now());
	}
	const body = response.body as { error?: { rate_reset?: unknown } } | undefined;
	if (response.statusCode === 429 && body && typeof body === 'object' && body.error) {
		const reset = Number((body.error as { rate_reset?: unknown }).rate_reset);
		if (typeof body.error === 'object' && Number.isFinite(reset) && reset >= 0) {
			return Math.round(reset * 1000);
		}
	}
	return undefined;
}

/** Exponential back-off with "equal jitter": between half and all of the capped step. */
export function backoffDelayMs(
	attempt: number,
	baseDelayMs: number,
	maxDelayMs: number,
	random: () => number,
): number {
	const step = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
	return Math.round(step / 2 + (random() * step) / 2);
}

export function withRetry(request: RequestFn, options: RetryOptions): RequestFn {
	const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
	const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
	const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
	const enabled = options.enabled ?? true;
	const isIdempotent = options.isIdempotent ?? isIdempotentByMethod;
	const random = options.random ?? Math.random;
	const now = options.now ?? Date.now;

	if (!enabled) return request;

	return async (req: HttpRequest): Promise<HttpResponse> => {
		const idempotent = isIdempotent(req);
		for (let attempt = 0; ; attempt++) {
			let response: HttpResponse | undefined;
			let failure: unknown;
			let failed = false;
			try {
				response = await request(req);
			} catch (error) {
				failed = true;
				failure = error;
			}

			if (failed || response === undefined) {
				if (!idempotent || attempt >= maxRetries) throw failure;
				const delayMs = backoffDelayMs(attempt, baseDelayMs, maxDelayMs, random);
				options.onRetry?.({ attempt: attempt + 1, delayMs, reason: 'networkError', request: req });
				await options.sleep(delayMs);
				continue;
			}

			const status = response.statusCode;
			const rateLimited = status === 429;
			const serverError = isRetryableServerStatus(status) && idempotent;
			if ((!rateLimited && !serverError) || attempt >= maxRetries) return response;

			const asked = serverDelayMs(response, now);
			if (asked !== undefined && asked > maxDelayMs) return response;
			const delayMs = asked ?? backoffDelayMs(attempt, baseDelayMs, maxDelayMs, random);
			options.onRetry?.({
				attempt: attempt + 1,
				delayMs,
				reason: rateLimited ? 'rateLimited' : 'serverError',
				statusCode: status,
				request: req,
			});
			await options.sleep(delayMs);
		}
	};
}
