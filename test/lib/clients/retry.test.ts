import { backoffDelayMs, serverDelayMs, withRetry } from '../../../lib/clients/retry';
import type { HttpRequest } from '../../../lib/clients/http';
import { json, recordingSleep, scriptedRequest } from '../../helpers/scriptedRequest';

const GET: HttpRequest = { method: 'GET', url: 'https://x.test/a' };
const POST: HttpRequest = { method: 'POST', url: 'https://x.test/a', body: {} };

describe('serverDelayMs', () => {
	it('reads Close RateLimit reset first (429), then Retry-After', () => {
		const response = json(429, {}, { ratelimit: 'limit=100, remaining=0, reset=5', 'retry-after': '9' });
		expect(serverDelayMs({ statusCode: 429, headers: response.headers!, body: {} })).toBe(5000);
	});
	it('reads Retry-After seconds and HTTP dates', () => {
		expect(serverDelayMs({ statusCode: 503, headers: { 'retry-after': '2' }, body: null })).toBe(2000);
		const now = Date.parse('2024-05-01T10:00:00Z');
		const date = new Date(now + 7000).toUTCString();
		expect(serverDelayMs({ statusCode: 429, headers: { 'retry-after': date }, body: null }, () => now)).toBe(7000);
		expect(serverDelayMs({ statusCode: 429, headers: { 'retry-after': 'Mon, 01 Jan 2001 00:00:00 GMT' }, body: null }, () => now)).toBe(0);
	});
	it("falls back to Close's body error.rate_reset on 429", () => {
		expect(serverDelayMs({ statusCode: 429, headers: {}, body: { error: { rate_reset: 1.5 } } })).toBe(1500);
	});
	it('ignores a malformed RateLimit and reports none when nothing is given', () => {
		expect(serverDelayMs({ statusCode: 429, headers: { ratelimit: 'garbage' }, body: null })).toBeUndefined();
		expect(serverDelayMs({ statusCode: 500, headers: {}, body: null })).toBeUndefined();
	});
});

describe('backoffDelayMs', () => {
	it('grows exponentially, is jittered between half and all of the step, and is capped', () => {
		expect(backoffDelayMs(0, 500, 60000, () => 0)).toBe(250);
		expect(backoffDelayMs(0, 500, 60000, () => 0.999999)).toBe(500);
		expect(backoffDelayMs(3, 500, 60000, () => 0)).toBe(2000);
		expect(backoffDelayMs(20, 500, 60000, () => 1)).toBe(60000);
	});
});

describe('withRetry', () => {
	it('retries a 429 with the RateLimit reset, then returns the success', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(
			json(429, { error: 'rate limited' }, { ratelimit: 'limit=100, remaining=0, reset=3' }),
			json(200, { ok: true }),
		);
		const response = await withRetry(request, { sleep })(GET);
		expect(response.statusCode).toBe(200);
		expect(sleep.delays).toEqual([3000]);
		expect(request.calls).toHaveLength(2);
	});

	it('retries a 429 even on POST (the request was not processed)', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(429, {}, { 'retry-after': '1' }), json(201, { id: 1 }));
		const response = await withRetry(request, { sleep })(POST);
		expect(response.statusCode).toBe(201);
		expect(sleep.delays).toEqual([1000]);
	});

	it('retries 5xx on idempotent requests with jittered exponential back-off', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(500, {}), json(502, {}), json(503, {}), json(200, {}));
		const response = await withRetry(request, { sleep, random: () => 0, baseDelayMs: 100 })(GET);
		expect(response.statusCode).toBe(200);
		expect(sleep.delays).toEqual([50, 100, 200]);
	});

	it('honours Retry-After on a 503', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(503, {}, { 'retry-after': '4' }), json(200, {}));
		await withRetry(request, { sleep })(GET);
		expect(sleep.delays).toEqual([4000]);
	});

	it('never retries a POST after a 5xx or a network error', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(500, { message: 'boom' }), json(200, {}));
		const response = await withRetry(request, { sleep })(POST);
		expect(response.statusCode).toBe(500);
		expect(request.calls).toHaveLength(1);

		const failing = scriptedRequest(new Error('ECONNRESET'), json(200, {}));
		await expect(withRetry(failing, { sleep })(POST)).rejects.toThrow('ECONNRESET');
		expect(failing.calls).toHaveLength(1);
		expect(sleep.delays).toEqual([]);
	});

	it('retries network errors on idempotent requests, then rethrows after maxRetries', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(new Error('ECONNREFUSED'));
		await expect(withRetry(request, { sleep, maxRetries: 2, random: () => 0 })(GET)).rejects.toThrow('ECONNREFUSED');
		expect(request.calls).toHaveLength(3);
		expect(sleep.delays).toEqual([250, 500]);
	});

	it('returns the last response once maxRetries is reached', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(429, {}, { 'retry-after': '0' }));
		const response = await withRetry(request, { sleep, maxRetries: 3 })(GET);
		expect(response.statusCode).toBe(429);
		expect(request.calls).toHaveLength(4);
		expect(sleep.delays).toEqual([0, 0, 0]);
	});

	it('stops at once when the server asks for more than maxDelayMs', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(429, {}, { 'retry-after': '3600' }), json(200, {}));
		const response = await withRetry(request, { sleep, maxDelayMs: 60000 })(GET);
		expect(response.statusCode).toBe(429);
		expect(request.calls).toHaveLength(1);
		expect(sleep.delays).toEqual([]);
	});

	it('does nothing when disabled', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(429, {}, { 'retry-after': '1' }), json(200, {}));
		const response = await withRetry(request, { sleep, enabled: false })(GET);
		expect(response.statusCode).toBe(429);
		expect(request.calls).toHaveLength(1);
	});

	it('does not retry 4xx other than 429, nor 501', async () => {
		const sleep = recordingSleep();
		for (const status of [400, 401, 404, 409, 501]) {
			const request = scriptedRequest(json(status, {}), json(200, {}));
			const response = await withRetry(request, { sleep })(GET);
			expect(response.statusCode).toBe(status);
		}
		expect(sleep.delays).toEqual([]);
	});

	it('accepts a custom idempotency rule', async () => {
		const sleep = recordingSleep();
		const request = scriptedRequest(json(500, {}), json(200, {}));
		const response = await withRetry(request, { sleep, isIdempotent: () => true, random: () => 0 })(POST);
		expect(response.statusCode).toBe(200);
	});
});
