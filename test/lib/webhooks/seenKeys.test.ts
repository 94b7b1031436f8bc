import { SeenKeys } from '../../../lib/webhooks/seenKeys';

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
