import { EMPTY_CURSOR, isBehindCursor, readCursor, settleCursor, versionKey } from '../../../lib/polling/pollCursor';

describe('pollCursor', () => {
	it('drops versions before the cursor instant and versions already handled, not new ones at it', () => {
		const cursor = { at: 'a', atUs: 10, seen: [versionKey(10, 'x'), versionKey(12, 'y')] };
		const seen = new Set(cursor.seen);
		expect(isBehindCursor(cursor, seen, 9, 'q')).toBe(true);
		expect(isBehindCursor(cursor, seen, 10, 'x')).toBe(true);
		expect(isBehindCursor(cursor, seen, 10, 'w')).toBe(false);
		expect(isBehindCursor(cursor, seen, 12, 'y')).toBe(true);
		// A new version of a handled record is news.
		expect(isBehindCursor(cursor, seen, 13, 'x')).toBe(false);
		expect(isBehindCursor(EMPTY_CURSOR, new Set(), 0, 'x')).toBe(false);
	});

	it('keeps only the versions at or after the floor, so it stays small', () => {
		const handled = Array.from({ length: 1000 }, (_, i) => ({ us: i, id: `r${i}` }));
		const cursor = settleCursor({ at: 'b', us: 998 }, handled, EMPTY_CURSOR);
		expect(cursor).toEqual({ at: 'b', atUs: 998, seen: ['998|r998', '999|r999'] });
	});

	it('carries forward what the previous cursor had handled at or after the new floor', () => {
		const previous = { at: 'a', atUs: 10, seen: ['10|x', '11|y'] };
		const cursor = settleCursor({ at: 'b', us: 11 }, [{ us: 12, id: 'z' }], previous);
		expect(cursor.seen.sort()).toEqual(['11|y', '12|z']);
		expect(settleCursor(null, [{ us: 12, id: 'z' }], previous)).toBe(previous);
	});

	it('reads stored cursors back and rejects malformed ones', () => {
		expect(readCursor({ at: 'a', atUs: 10, seen: ['10|x', 3, 'junk'] })).toEqual({ at: 'a', atUs: 10, seen: ['10|x'] });
		expect(readCursor({ at: null, atUs: null })).toEqual(EMPTY_CURSOR);
		expect(readCursor({ at: 'a', atUs: 1.5 })).toBeUndefined();
		expect(readCursor('x')).toBeUndefined();
		expect(readCursor(null)).toBeUndefined();
	});
});
