// Outbound HTTP (Close webhook deliveries, Open Connectors notifications) with retry schedules.
// Uses node:http with agent:false so no pooled socket outlives a test.

import http from 'node:http';
import https from 'node:https';

import { DEFAULT_LOG_LIMIT, appendBounded } from './boundedLog';

export interface DeliveryRecord {
	kind: 'close' | 'openConnectors';
	/** Groups the attempts of one delivery: Close event id + subscription, or the OC eventId. */
	deliveryKey: string;
	url: string;
	body: unknown;
	rawBody: string;
	headers: Record<string, string>;
	attempt: number;
	status?: number;
	error?: string;
	responseBody?: string;
	time: string;
	subscriptionId?: string;
	instanceId?: number;
}

export interface PostResult {
	status?: number;
	error?: string;
	body?: string;
}

export class Outbox {
	readonly log: DeliveryRecord[] = [];
	/** The deliveries `log` keeps at least (sandbox/boundedLog.ts). */
	logLimit = DEFAULT_LOG_LIMIT;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly requests = new Set<http.ClientRequest>();
	private closed = false;
	private inflight = 0;
	private idleWaiters: Array<() => void> = [];

	constructor(private readonly timeoutMs: number) {}

	post(url: string, body: Buffer, headers: Record<string, string>, rejectUnauthorized = true): Promise<PostResult> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ error: `invalid URL ${url}` });
				return;
			}
			const lib = target.protocol === 'https:' ? https : http;
			const req = lib.request(
				target,
				{
					method: 'POST',
					agent: false,
					headers: { ...headers, 'Content-Length': String(body.length), Connection: 'close' },
					timeout: this.timeoutMs,
					...(target.protocol === 'https:' ? { rejectUnauthorized } : {}),
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						this.requests.delete(req);
						resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) });
					});
					res.on('error', (e) => {
						this.requests.delete(req);
						resolve({ error: e.message });
					});
				},
			);
			this.requests.add(req);
			req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
			req.on('error', (e) => {
				this.requests.delete(req);
				resolve({ error: e.message || String(e) });
			});
			req.end(body);
		});
	}

	/**
	 * Runs attempt 1 now and retries while the result is not 2xx and `delayAfter(attempt)` gives a
	 * delay. `build` is called per attempt (Close re-signs with a fresh timestamp).
	 */
	deliver(job: {
		kind: DeliveryRecord['kind'];
		deliveryKey: string;
		url: string;
		build: (attempt: number) => { body: Buffer; headers: Record<string, string> };
		delayAfter: (attempt: number) => number | undefined;
		stillWanted?: () => boolean;
		rejectUnauthorized?: boolean;
		subscriptionId?: string;
		instanceId?: number;
	}): void {
		const run = async (attempt: number): Promise<void> => {
			if (this.closed || (job.stillWanted && !job.stillWanted())) return;
			const { body, headers } = job.build(attempt);
			this.inflight++;
			const result = await this.post(job.url, body, headers, job.rejectUnauthorized);
			this.inflight--;
			const raw = body.toString('utf8');
			let parsed: unknown = raw;
			try {
				parsed = JSON.parse(raw);
			} catch {
				// keep the text
			}
			appendBounded(this.log, {
				kind: job.kind,
				deliveryKey: job.deliveryKey,
				url: job.url,
				body: parsed,
				rawBody: raw,
				headers,
				attempt,
				status: result.status,
				error: result.error ?? (result.status !== undefined && (result.status < 200 || result.status > 299) ? `HTTP ${result.status}` : undefined),
				responseBody: result.body,
				time: new Date().toISOString(),
				subscriptionId: job.subscriptionId,
				instanceId: job.instanceId,
			}, this.logLimit);
			const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
			if (!ok && !this.closed) {
				const delay = job.delayAfter(attempt);
				if (delay !== undefined) {
					this.schedule(() => void run(attempt + 1), delay);
				}
			}
			this.checkIdle();
		};
		void run(1);
	}

	schedule(fn: () => void, ms: number): NodeJS.Timeout {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
			this.checkIdle();
		}, Math.max(0, ms));
		this.timers.add(t);
		return t;
	}

	cancel(t: NodeJS.Timeout): void {
		clearTimeout(t);
		this.timers.delete(t);
		this.checkIdle();
	}

	/** Resolves once no delivery is in flight and no retry is pending. */
	idle(): Promise<void> {
		if (this.inflight === 0 && this.timers.size === 0) return Promise.resolve();
		return new Promise((r) => this.idleWaiters.push(r));
	}

	private checkIdle(): void {
		if (this.inflight === 0 && this.timers.size === 0 && this.idleWaiters.length) {
			const waiters = this.idleWaiters;
			this.idleWaiters = [];
			for (const w of waiters) w();
		}
	}

	/** Drops pending retries (admin reset) without closing. */
	cancelAll(): void {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.checkIdle();
	}

	close(): void {
		this.closed = true;
		this.cancelAll();
		for (const r of this.requests) r.destroy();
		this.requests.clear();
		this.inflight = 0;
		this.checkIdle();
	}
}
