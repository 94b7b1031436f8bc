// Bounded memory of idempotency keys already turned into executions. Oldest keys are forgotten
// first; the providers redeliver for up to about three days, so the bound is a count large enough
// for that window at ordinary rates, and small enough to keep in static data.

export class SeenKeys {
	private readonly keys = new Set<string>();

	constructor(
		readonly capacity: number,
		initial: Iterable<string> = [],
	) {
		for (const key of initial) this.add(key);
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	add(key: string): void {
		if (this.keys.has(key)) {
			// Refresh: a key seen again is recent again.
			this.keys.delete(key);
		}
		this.keys.add(key);
		while (this.keys.size > this.capacity) {
			const oldest = this.keys.values().next().value as string;
			this.keys.delete(oldest);
		}
	}

	/**
	 * Keeps the keys not yet seen, in order, dropping repeats inside the batch too, and records
	 * them. Synchronous on purpose: two concurrent deliveries of one event cannot both pass.
	 */
	admit(keys: readonly string[]): boolean[] {
		return keys.map((key) => {
			if (this.has(key)) return false;
			this.add(key);
			return true;
		});
	}

	/** Oldest first, at most `limit` of the newest. */
	toArray(limit = this.capacity): string[] {
		const skip = Math.max(0, this.keys.size - limit);
		const out: string[] = [];
		let i = 0;
		for (const key of this.keys) if (i++ >= skip) out.push(key);
		return out;
	}

	get size(): number {
		return this.keys.size;
	}
}
