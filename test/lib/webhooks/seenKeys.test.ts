import { persistedEntries, SeenKeys, type PersistedSeen } from '../../../lib/webhooks/seenKeys';

describe('SeenKeys', () => {
	it('admits a key once, also within one batch', () => {
		const seen = new SeenKeys(10);
		expect(seen.admit(['a', 'b', 'a'])).toEqual([true, true, false]);
		expect(seen.admit(['b', 'c'])).toEqual([false, true]);
	});

	it('stays bounded, forgetting the oldest first', () => {
		const seen = new SeenKeys(3, ['a', 'b', 'c']);
		seen.add('d');
		expect(seen.size).toBe(3);
		expect(seen.has('a')).toBe(false);
		expect(seen.toArray()).toEqual(['b', 'c', 'd']);
		expect(seen.toArray(2)).toEqual(['c', 'd']);
	});

	it('refreshes a key seen again', () => {
		const seen = new SeenKeys(2, ['a', 'b']);
		seen.add('a');
		seen.add('c');
		expect(seen.has('a')).toBe(true);
		expect(seen.has('b')).toBe(false);
	});
});

describe('SeenKeys over the providers retry horizon (73 h)', () => {
	const H = 3600_000;
	const T0 = Date.UTC(2026, 0, 1);

	it('refuses a key for the whole 73 h, and forgets it after', () => {
		const seen = new SeenKeys(100);
		expect(seen.admit(['ev_1'], T0)).toEqual([true]);
		expect(seen.admit(['ev_1'], T0 + 72 * H)).toEqual([false]);
		// refused again 73 h after the FIRST sighting: the redelivery refreshed it
		expect(seen.admit(['ev_1'], T0 + 73 * H)).toEqual([false]);
		const other = new SeenKeys(100);
		other.admit(['ev_2'], T0);
		expect(other.admit(['ev_2'], T0 + 73 * H)).toEqual([false]);
		other.admit(['ev_3'], T0 + 73 * H + 1);
		expect(other.has('ev_2')).toBe(false);
		expect(other.has('ev_3')).toBe(true);
	});

	it('keeps the times through its persisted form, bucketed at most 10 minutes later, never earlier', () => {
		const seen = new SeenKeys(100);
		seen.admit(['a', 'b'], T0 + 1000);
		seen.admit(['c'], T0 + 2 * H);
		const persisted = seen.persist(10);
		expect(persisted.seen).toEqual(['a', 'b', 'c']);
		expect(persisted.seenAt).toEqual([
			[T0 / 1000, 2],
			[T0 / 1000 + 7200, 1],
		]);
		const restored = new SeenKeys(100);
		for (const [key, at] of persistedEntries(JSON.parse(JSON.stringify(persisted)) as PersistedSeen, T0 + 3 * H)) restored.add(key, at);
		// 'a' still refused just before 73 h after it was seen (plus the bucket), forgotten after
		expect(restored.admit(['a'], T0 + 73 * H)).toEqual([false]);
		restored.prune(T0 + 73 * H + 600_000 + 1);
		expect(restored.has('b')).toBe(false);
		expect(restored.has('c')).toBe(true);
	});

	it('persists only the newest keys (the stated bound)', () => {
		const seen = new SeenKeys(100);
		seen.admit(['a', 'b', 'c', 'd'], T0);
		expect(seen.persist(2)).toEqual({ seen: ['c', 'd'], seenAt: [[T0 / 1000, 2]] });
	});

	it('reads data saved before times were kept (or damaged runs) as seen now', () => {
		expect(persistedEntries({ seen: ['x', 'y'] }, T0)).toEqual([
			['x', T0],
			['y', T0],
		]);
		expect(persistedEntries({ seen: ['x', 'y'], seenAt: [[T0 / 1000, 1], ['bad' as unknown as number, 1]] }, T0 + 5)).toEqual([
			['x', T0 + 600_000],
			['y', T0 + 5],
		]);
		expect(persistedEntries(undefined, T0)).toEqual([]);
	});
});
