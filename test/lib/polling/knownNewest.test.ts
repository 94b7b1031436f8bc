import { KnownNewest, type KnownRecord } from '../../../lib/polling/knownNewest';

const known = (us: number, id: string): KnownRecord => ({ record: { id, date_updated: String(us) }, at: String(us), us, id });

describe('KnownNewest', () => {
	// The newest page: three records at 8, 9 and 9, given in the platform's (descending) order.
	const page = [known(9, 'b'), known(9, 'a'), known(8, 'c')];
	/** That page with the platform's count, after the walk read `reads` ([date, id], in its order). */
	const afterReading = (total: number, reads: ReadonlyArray<readonly [number, string]>) => {
		const top = new KnownNewest(page, total, 9);
		for (const [us, id] of reads) top.noteRead(us, id);
		return top;
	};

	it('gives the known records after the position, ascending, once the records read make up the count', () => {
		const top = afterReading(5, [[1, 'x'], [2, 'y']]);
		expect(top.rest((k) => k.us > 2)?.map((k) => k.id)).toEqual(['c', 'a', 'b']);
	});

	it('asks the walk to read on when one record is unaccounted for', () => {
		const top = afterReading(6, [[1, 'x'], [2, 'y']]);
		expect(top.rest((k) => k.us > 2)).toBeUndefined();
	});

	it('counts only known records after the position: those at or before it were read (or are the walk’s to read)', () => {
		const top = afterReading(4, [[1, 'x'], [8, 'c']]);
		// c read by the walk, a and b after it: 2 + 2 = 4.
		expect(top.rest((k) => k.us > 8)?.map((k) => k.id)).toEqual(['a', 'b']);
		// A position between a and b (keyset order: date, then id) leaves b only: 2 + 1 < 4.
		expect(top.rest((k) => k.us > 9 || (k.us === 9 && k.id > 'a'))).toBeUndefined();
	});

	it('does not count a record read at or after the newest date: it may be a write made after the count', () => {
		const top = afterReading(5, [[1, 'x'], [9, 'late'], [12, 'later']]);
		expect(top.rest((k) => k.us > 1)).toBeUndefined();
		top.noteRead(2, 'y');
		expect(top.rest((k) => k.us > 2)?.length).toBe(3);
	});

	it('counts a record read again at the instant the walk stopped at once (a window starts there again)', () => {
		const top = afterReading(6, [[1, 'x'], [2, 'y'], [2, 'y']]);
		// x and y, then the three known: 5 of 6.
		expect(top.rest((k) => k.us > 2)).toBeUndefined();
		const again = afterReading(6, [[1, 'x'], [2, 'y'], [2, 'w'], [2, 'y']]);
		expect(again.rest((k) => k.us > 2)?.length).toBe(3);
		// Then the next instant, read again too: x, y, w, z.
		const next = afterReading(8, [[1, 'x'], [2, 'y'], [2, 'w'], [3, 'z'], [3, 'z']]);
		expect(next.rest((k) => k.us > 3)).toBeUndefined();
		next.noteRead(3, 'v');
		expect(next.rest((k) => k.us > 3)?.length).toBe(3);
	});

	it('tells a walk it may ask for its next page first while no page of reads can make up the count', () => {
		// One record read, three known, a count of 7: two more reads could not make it, three could.
		const top = afterReading(7, [[1, 'x']]);
		expect(top.mayEndWithin(2)).toBe(false);
		expect(top.mayEndWithin(3)).toBe(true);
		// What it promises: after those two reads, whichever they are, the walk must read on.
		top.noteRead(2, 'y');
		top.noteRead(3, 'z');
		expect(top.rest(() => true)).toBeUndefined();
		top.noteRead(4, 'w');
		expect(top.rest((k) => k.us > 4)?.length).toBe(3);
	});

	it('does not count a record read out of ascending order: the walk reads on', () => {
		const top = afterReading(5, [[2, 'y'], [1, 'x']]);
		expect(top.rest((k) => k.us > 2)).toBeUndefined();
	});
});
