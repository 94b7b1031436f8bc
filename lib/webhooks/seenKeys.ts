// Bounded memory of idempotency keys already turned into executions, each with when it was seen.
// The providers redeliver for up to about three days (Close 72 h, Open Connectors' relay about
// 73 h), and a retry may keep its first signature, so a key must be remembered for that whole
// horizon: keys older than RETRY_HORIZON_MS are forgotten (no redelivery can come for them), and
// the count is bounded too (oldest forgotten first) to keep memory and static data small. Past the
// count bound, a redelivery of a forgotten event would run again: the bound is chosen far above
// what a workflow receives in 73 h at ordinary rates, and stated in the README.

/** Close's 72 h retry horizon plus an hour of margin (Open Connectors' relay: about 73 h). */
export const RETRY_HORIZON_MS = 73 * 3600_000;

/** How the persisted form groups keys by time: one [bucket start (epoch s), count] per bucket. */
export const SEEN_BUCKET_SECONDS = 600;

export interface PersistedSeen {
	/** Keys, oldest first. */
	seen: string[];
	/** Run lengths over `seen`: [bucket start in epoch seconds, how many keys of `seen` in it]. */
	seenAt: Array<[number, number]>;
}

export class SeenKeys {
	/** key -> when seen (epoch ms); Map order is oldest first. */
	private readonly keys = new Map<string, number>();

	constructor(
		readonly capacity: number,
		initial: Iterable<string> = [],
		readonly horizonMs = RETRY_HORIZON_MS,
		initialAtMs = Date.now(),
	) {
		for (const key of initial) this.add(key, initialAtMs);
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	add(key: string, atMs = Date.now()): void {
		const had = this.keys.get(key);
		// Refresh: a key seen again is recent again (never made older by a clock stepped back).
		if (had !== undefined) this.keys.delete(key);
		this.keys.set(key, had !== undefined ? Math.max(had, atMs) : atMs);
		while (this.keys.size > this.capacity) {
			const oldest = this.keys.keys().next().value as string;
			this.keys.delete(oldest);
		}
	}

	/** Forgets keys seen before the horizon (oldest first; stops at the first key still inside). */
	prune(nowMs: number): void {
		const limit = nowMs - this.horizonMs;
		for (const [key, at] of this.keys) {
			if (at >= limit) break;
			this.keys.delete(key);
		}
	}

	/**
	 * Keeps the keys not yet seen, in order, dropping repeats inside the batch too, and records
	 * them. Synchronous on purpose: two concurrent deliveries of one event cannot both pass.
	 */
	admit(keys: readonly string[], nowMs = Date.now()): boolean[] {
		this.prune(nowMs);
		return keys.map((key) => {
			if (this.has(key)) return false;
			this.add(key, nowMs);
			return true;
		});
	}

	/** Oldest first, at most `limit` of the newest. */
	toArray(limit = this.capacity): string[] {
		return this.entries(limit).map(([key]) => key);
	}

	/** [key, seen at (epoch ms)], oldest first, at most `limit` of the newest. */
	entries(limit = this.capacity): Array<[string, number]> {
		const skip = Math.max(0, this.keys.size - limit);
		const out: Array<[string, number]> = [];
		let i = 0;
		for (const entry of this.keys) if (i++ >= skip) out.push(entry);
		return out;
	}

	/** The newest `limit` keys in the persisted form (times rounded down to SEEN_BUCKET_SECONDS). */
	persist(limit: number): PersistedSeen {
		const seen: string[] = [];
		const seenAt: Array<[number, number]> = [];
		for (const [key, at] of this.entries(limit)) {
			const bucket = Math.floor(at / 1000 / SEEN_BUCKET_SECONDS) * SEEN_BUCKET_SECONDS;
			const last = seenAt[seenAt.length - 1];
			if (last && last[0] === bucket) last[1]++;
			else seenAt.push([bucket, 1]);
			seen.push(key);
		}
		return { seen, seenAt };
	}

	get size(): number {
		return this.keys.size;
	}
}

/**
 * The [key, seen at (epoch ms)] pairs of a persisted memory. Keys the run lengths do not cover (data
 * saved before times were kept, or a damaged list) count as seen at `fallbackMs`: kept for a whole
 * horizon from now rather than dropped. A bucket's keys count as seen at its END, so a key is never
 * forgotten before the horizon has passed since it was really seen.
 */
export function persistedEntries(data: Partial<PersistedSeen> | undefined, fallbackMs: number): Array<[string, number]> {
	const seen = Array.isArray(data?.seen) ? data.seen.filter((k): k is string => typeof k === 'string') : [];
	const runs = Array.isArray(data?.seenAt) ? data.seenAt : [];
	const out: Array<[string, number]> = [];
	let i = 0;
	for (const run of runs) {
		if (!Array.isArray(run) || !Number.isFinite(run[0]) || !Number.isInteger(run[1]) || run[1] < 0) break;
		const at = (Number(run[0]) + SEEN_BUCKET_SECONDS) * 1000;
		for (let n = 0; n < run[1] && i < seen.length; n++) out.push([seen[i++], at]);
	}
	for (; i < seen.length; i++) out.push([seen[i], fallbackMs]);
	return out;
}
