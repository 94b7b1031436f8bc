/**
 * A bounded map of strings kept while the process runs: setting a key makes it the newest, and past
 * `max` keys the oldest are forgotten first.
 */
export class BoundedMemory {
	private readonly map = new Map<string, string>();

	constructor(private readonly max = 5000) {}

	get(key: string): string | undefined {
		return this.map.get(key);
	}

	set(key: string, value: string): void {
		this.map.delete(key);
		this.map.set(key, value);
		while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
	}

	delete(key: string): void {
		this.map.delete(key);
	}

	clear(): void {
		this.map.clear();
	}

	get size(): number {
		return this.map.size;
	}
}
