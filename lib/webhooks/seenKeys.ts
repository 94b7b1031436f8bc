// Bounded memory of idempotency keys already turned into executions, each with when it was seen.
// The providers redeliver for up to about three days (Close 72 h, Open Connectors' relay about
// 73 h), and a retry may keep its first signature, so a key must be remembered for that whole
// horizon: keys older than RETRY_HORIZON_MS are forgotten (no redelivery can come for them), and
// the count is bounded too (oldest forgotten first) to keep memory and static data small. Past the
// count bound, a redelivery of a forgotten event would run again: the bound is chosen far above
// what a workflow receives in 73 h at ordinary rates, and stated in the README.

import { createHash } from 'crypto';

// Keys are kept as short digests, not as sent: n8n reads a workflow's static data for every
// delivery and copies it into every execution's record, so its size is paid per execution. 1,000
// keys as sent are 35-80 kB; as digests 11 kB, one string. A digest collision would refuse a new
// event as a repeat: 66 bits make that about 1e-17 per event against 1,000 keys (2.7e-16 against
// the 20,000 kept in memory).

/** Characters of one key's digest (base64url of SHA-256, 66 bits). */
export const DIGEST_CHARS = 11;

export function keyDigest(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, DIGEST_CHARS);
}

/** Close's 72 h retry horizon plus an hour of margin (Open Connectors' relay: about 73 h). */
export const RETRY_HORIZON_MS = 73 * 3600_000;

/** How the persisted form groups keys by time: one [bucket start (epoch s), count] per bucket. */
export const SEEN_BUCKET_SECONDS = 600;

export interface PersistedSeen {
	/** The keys' digests (DIGEST_CHARS each), oldest first, in one string. */
	seenDigests: string;
	/** Run lengths over the digests: [bucket start in epoch seconds, how many of them in it]. */
	seenAt: Array<[number, number]>;
}

/** What static data may hold: the current form, or keys as sent (saved by versions before digests). */
export type StoredSeen = Partial<PersistedSeen> & { seen?: unknown };

/** Keys by digest, each with when it was seen. Public methods take keys as sent, except the *Digest ones. */
export class SeenKeys {
	/** digest -> when seen (epoch ms); Map order is oldest first. */
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
		return this.keys.has(keyDigest(key));
	}

	hasDigest(digest: string): boolean {
		return this.keys.has(digest);
	}

	add(key: string, atMs = Date.now()): void {
		this.addDigest(keyDigest(key), atMs);
	}

	addDigest(key: string, atMs = Date.now()): void {
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
			const digest = keyDigest(key);
			if (this.keys.has(digest)) return false;
			this.addDigest(digest, nowMs);
			return true;
		});
	}

	/** Digests, oldest first, at most `limit` of the newest. */
	toArray(limit = this.capacity): string[] {
		return this.entries(limit).map(([key]) => key);
	}

	/** [digest, seen at (epoch ms)], oldest first, at most `limit` of the newest. */
	entries(limit = this.capacity): Array<[string, number]> {
		const skip = Math.max(0, this.keys.size - limit);
		const out: Array<[string, number]> = [];
		let i = 0;
		for (const entry of this.keys) if (i++ >= skip) out.push(entry);
		return out;
	}

	/** The newest `limit` keys in the persisted form (times rounded down to SEEN_BUCKET_SECONDS). */
	persist(limit: number): PersistedSeen {
		const digests: string[] = [];
		const seenAt: Array<[number, number]> = [];
		for (const [digest, at] of this.entries(limit)) {
			const bucket = Math.floor(at / 1000 / SEEN_BUCKET_SECONDS) * SEEN_BUCKET_SECONDS;
			const last = seenAt[seenAt.length - 1];
			if (last && last[0] === bucket) last[1]++;
			else seenAt.push([bucket, 1]);
			digests.push(digest);
		}
		return { seenDigests: digests.join(''), seenAt };
	}

	get size(): number {
		return this.keys.size;
	}
}

/** The digests of a packed `seenDigests` string, oldest first (a trailing fragment is not one). */
export function splitDigests(packed: string): string[] {
	const out: string[] = [];
	for (let i = 0; i + DIGEST_CHARS <= packed.length; i += DIGEST_CHARS) out.push(packed.slice(i, i + DIGEST_CHARS));
	return out;
}

/** The digests in a persisted memory, oldest first (keys saved as sent by earlier versions come first). */
function storedDigests(data: StoredSeen | undefined): string[] {
	const legacy = Array.isArray(data?.seen) ? data.seen.filter((k): k is string => typeof k === 'string').map(keyDigest) : [];
	return typeof data?.seenDigests === 'string' ? [...legacy, ...splitDigests(data.seenDigests)] : legacy;
}

/** Whether a persisted memory holds this digest (at a digest's boundary, not across two). */
export function persistedHasDigest(data: StoredSeen | undefined, digest: string): boolean {
	const packed = typeof data?.seenDigests === 'string' ? data.seenDigests : '';
	for (let i = packed.indexOf(digest); i >= 0; i = packed.indexOf(digest, i + 1)) if (i % DIGEST_CHARS === 0) return true;
	return Array.isArray(data?.seen) && data.seen.some((k) => typeof k === 'string' && keyDigest(k) === digest);
}

/**
 * The [digest, seen at (epoch ms)] pairs of a persisted memory. Digests the run lengths do not cover
 * (data saved before times were kept, or a damaged list) count as seen at `fallbackMs`: kept for a
 * whole horizon from now rather than dropped. A bucket's keys count as seen at its END, so a key is
 * never forgotten before the horizon has passed since it was really seen.
 */
export function persistedEntries(data: StoredSeen | undefined, fallbackMs: number): Array<[string, number]> {
	const seen = storedDigests(data);
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

/** Writes the memory's newest `limit` keys into static data (dropping the earlier form); returns the newest digest. */
export function saveSeen(data: StoredSeen, keys: SeenKeys, limit: number): string | undefined {
	const persisted = keys.persist(limit);
	data.seenDigests = persisted.seenDigests;
	data.seenAt = persisted.seenAt;
	if ('seen' in data) delete data.seen;
	return persisted.seenDigests ? persisted.seenDigests.slice(-DIGEST_CHARS) : undefined;
}
