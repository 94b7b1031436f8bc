import { KnownNewest, type KnownRecord } from '../../../lib/polling/knownNewest';

const known = (us: number, id: string): KnownRecord => ({ record: { id, date_updated: String(us) }, at: String(us), us, id });

describe('KnownNewest', () => {
	// The newest page: three records at 8, 9 and 9, given in the platform's (descending) order.
	const page = [known(9, 'b'), known(9, 'a'), known(8, 'c')];

	it('gives the known records after the position, ascending, once the records read make up the count', () => {
		const top = new KnownNewest(page, 5, 9);
		top.noteRead(1, 'x');
		top.noteRead(2, 'y');
		expect(top.rest((k) => k.us > 2)?.map((k) => k.id)).toEqual(['c', 'a', 'b']);
	});

	it('asks the walk to read on when one record is unaccounted for', () => {
		const top = new KnownNewest(page, 6, 9);
		top.noteRead(1, 'x');
		top.noteRead(2, 'y');
		expect(top.rest((k) => k.us > 2)).toBeUndefined();
	});

	it('counts only known records after the position: those at or before it were read (or are the walk’s to read)', () => {
		const top = new KnownNewest(page, 4, 9);
		top.noteRead(1, 'x');
		top.noteRead(8, 'c');
		// c read by the walk, a and b after it: 2 + 2 = 4.
		expect(top.rest((k) => k.us > 8)?.map((k) => k.id)).toEqual(['a', 'b']);
		// A position between a and b (keyset order: date, then id) leaves b only: 2 + 1 < 4.
		expect(top.rest((k) => k.us > 9 || (k.us === 9 && k.id > 'a'))).toBeUndefined();
	});

	it('does not count a record read at or after the newest date: it may be a write made after the count', () => {
		const top = new KnownNewest(page, 5, 9);
		top.noteRead(1, 'x');
		top.noteRead(9, 'late');
		top.noteRead(12, 'later');
		expect(top.rest((k) => k.us > 1)).toBeUndefined();
		top.noteRead(2, 'y');
		expect(top.rest((k) => k.us > 2)?.length).toBe(3);
	});

	it('counts a record once, whether read twice or read and also known', () => {
		const top = new KnownNewest(page, 5, 9);
		top.noteRead(1, 'x');
		top.noteRead(1, 'x');
		top.noteRead(2, 'c'); // an older version of c (a stale answer): c is one record
		expect(top.rest((k) => k.us > 2)).toBeUndefined();
		top.noteRead(3, 'z');
		expect(top.rest((k) => k.us > 3)?.map((k) => k.id)).toEqual(['c', 'a', 'b']);
	});
});
