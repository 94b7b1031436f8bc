import { DIGEST_CHARS, keyDigest, persistedEntries, persistedHasDigest, saveSeen, SeenKeys, type PersistedSeen, type StoredSeen } from '../../../lib/webhooks/seenKeys';

const d = keyDigest;

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
		expect(seen.toArray()).toEqual(['b', 'c', 'd'].map(d));
		expect(seen.toArray(2)).toEqual(['c', 'd'].map(d));
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
		expect(persisted.seenDigests).toBe(['a', 'b', 'c'].map(d).join(''));
		expect(persisted.seenAt).toEqual([
			[T0 / 1000, 2],
			[T0 / 1000 + 7200, 1],
		]);
		const restored = new SeenKeys(100);
		for (const [digest, at] of persistedEntries(JSON.parse(JSON.stringify(persisted)) as PersistedSeen, T0 + 3 * H)) restored.addDigest(digest, at);
		// 'a' still refused just before 73 h after it was seen (plus the bucket), forgotten after
		expect(restored.admit(['a'], T0 + 73 * H)).toEqual([false]);
		restored.prune(T0 + 73 * H + 600_000 + 1);
		expect(restored.has('b')).toBe(false);
		expect(restored.has('c')).toBe(true);
	});

	it('persists only the newest keys (the stated bound)', () => {
		const seen = new SeenKeys(100);
		seen.admit(['a', 'b', 'c', 'd'], T0);
		expect(seen.persist(2)).toEqual({ seenDigests: d('c') + d('d'), seenAt: [[T0 / 1000, 2]] });
	});

	it('reads data saved before times were kept (or damaged runs) as seen now', () => {
		expect(persistedEntries({ seenDigests: d('x') + d('y') }, T0)).toEqual([
			[d('x'), T0],
			[d('y'), T0],
		]);
		expect(persistedEntries({ seenDigests: d('x') + d('y'), seenAt: [[T0 / 1000, 1], ['bad' as unknown as number, 1]] }, T0 + 5)).toEqual([
			[d('x'), T0 + 600_000],
			[d('y'), T0 + 5],
		]);
		expect(persistedEntries(undefined, T0)).toEqual([]);
	});
});

describe('SeenKeys persisted as digests', () => {
	const T0 = Date.UTC(2026, 0, 1);
	const key = (i: number) => `close:ev_${String(i).padStart(22, '0')}`;

	it('keeps 2000 keys in one string of DIGEST_CHARS each, a fraction of the keys as sent', () => {
		const seen = new SeenKeys(20000);
		const keys = Array.from({ length: 2000 }, (_, i) => key(i));
		seen.admit(keys, T0);
		const data: StoredSeen = {};
		saveSeen(data, seen, 2000);
		expect(data.seenDigests).toHaveLength(2000 * DIGEST_CHARS);
		expect(JSON.stringify(data).length).toBeLessThan(JSON.stringify(keys).length / 2);
		// A process that restarts from it refuses every one of them and admits a new key.
		const restarted = new SeenKeys(20000);
		for (const [digest, at] of persistedEntries(JSON.parse(JSON.stringify(data)) as StoredSeen, T0)) restarted.addDigest(digest, at);
		expect(restarted.admit(keys, T0 + 1000).every((admitted) => !admitted)).toBe(true);
		expect(restarted.admit([key(2000)], T0 + 1000)).toEqual([true]);
	});

	it('reads keys saved as sent by earlier versions, and the next save writes digests only', () => {
		const data: StoredSeen = { seen: ['close:ev_old1', 'close:ev_old2'], seenAt: [[T0 / 1000, 2]] };
		const seen = new SeenKeys(100);
		for (const [digest, at] of persistedEntries(data, T0)) seen.addDigest(digest, at);
		expect(seen.admit(['close:ev_old1', 'close:ev_new'], T0 + 1000)).toEqual([false, true]);
		const newest = saveSeen(data, seen, 100);
		expect(newest).toBe(d('close:ev_new'));
		expect('seen' in data).toBe(false);
		expect(data.seenDigests).toBe(['close:ev_old1', 'close:ev_old2', 'close:ev_new'].map(d).join(''));
	});

	it('finds a digest only at a digest boundary', () => {
		const packed = d('a') + d('b');
		expect(persistedHasDigest({ seenDigests: packed }, d('b'))).toBe(true);
		// A string that straddles the two digests is not one of them.
		expect(persistedHasDigest({ seenDigests: packed }, packed.slice(3, 3 + DIGEST_CHARS))).toBe(false);
		expect(persistedHasDigest({ seen: ['a'] }, d('a'))).toBe(true);
		expect(persistedHasDigest(undefined, d('a'))).toBe(false);
	});
});
