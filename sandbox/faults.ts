import { seededRandom } from './ids';

export interface FaultSpec {
	method?: string;
	/** A path prefix (string) or a RegExp tested against the path (query excluded). */
	path: string | RegExp;
	status?: number;
	body?: unknown;
	/** Seconds, sent as Retry-After. */
	retryAfter?: number;
	/** Seconds, sent as the `reset` of the RateLimit header (Close side). */
	rateLimitReset?: number;
	/** Delay before answering (or before the real handler runs when no status is set). */
	delayMs?: number;
	/**
	 * The answer leaves this many ms after the request arrived, the handler's own time included: a
	 * server whose every answer takes that long. `delayMs` waits first and adds the handler's time
	 * (and, for concurrent requests, each other's) on top.
	 */
	latencyMs?: number;
	/** Destroy the socket without a response. */
	drop?: boolean;
	/** Only the next k matching requests. */
	times?: number;
	/** Probability per matching request, from a seeded RNG. */
	fraction?: number;
	seed?: number;
}

export interface Fault extends FaultSpec {
	id: number;
	hits: number;
	random?: () => number;
}

let nextFaultId = 1;

export class Faults {
	private list: Fault[] = [];

	add(spec: FaultSpec): Fault {
		if (!spec || (typeof spec.path !== 'string' && !(spec.path instanceof RegExp))) throw new Error('fault needs a path (string prefix or RegExp)');
		const f: Fault = { ...spec, id: nextFaultId++, hits: 0 };
		if (spec.fraction !== undefined) f.random = seededRandom(spec.seed ?? 1);
		this.list.push(f);
		return f;
	}

	clear(): void {
		this.list = [];
	}

	all(): Fault[] {
		return [...this.list];
	}

	/** The fault to apply to this request, consuming one of its `times`. */
	take(method: string, path: string): Fault | undefined {
		for (const f of this.list) {
			if (f.method && f.method.toUpperCase() !== method) continue;
			const hit = typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path);
			if (!hit) continue;
			if (f.times !== undefined && f.hits >= f.times) continue;
			if (f.random && f.random() >= (f.fraction ?? 1)) continue;
			f.hits++;
			return f;
		}
		return undefined;
	}
}
