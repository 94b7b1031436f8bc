import { advanceCursor, EMPTY_CURSOR, isBehindCursor, readCursor } from '../../lib/pollCursor';

describe('pollCursor', () => {
	it('starts a new boundary group at a later instant and keeps only that group', () => {
		let c = advanceCursor(EMPTY_CURSOR, 'a', 10, 'x');
		c = advanceCursor(c, 'a', 10, 'y');
		expect(c).toEqual({ at: 'a', atUs: 10, ids: ['x', 'y'] });
		c = advanceCursor(c, 'b', 11, 'z');
		expect(c).toEqual({ at: 'b', atUs: 11, ids: ['z'] });
	});

	it('does not list an id twice', () => {
		const c = advanceCursor(advanceCursor(EMPTY_CURSOR, 'a', 10, 'x'), 'a', 10, 'x');
		expect(c.ids).toEqual(['x']);
	});

	it('refuses to move back', () => {
		const c = advanceCursor(EMPTY_CURSOR, 'b', 11, 'z');
		expect(() => advanceCursor(c, 'a', 10, 'x')).toThrow(/cannot move back/);
	});

	it('treats older instants and delivered ids at the boundary as behind, new ids at the boundary as news', () => {
		const c = { at: 'a', atUs: 10, ids: ['x'] };
		expect(isBehindCursor(c, 9, 'q')).toBe(true);
		expect(isBehindCursor(c, 10, 'x')).toBe(true);
		expect(isBehindCursor(c, 10, 'w')).toBe(false);
		expect(isBehindCursor(c, 11, 'x')).toBe(false);
		expect(isBehindCursor(EMPTY_CURSOR, 0, 'x')).toBe(false);
	});

	it('reads stored cursors back and rejects malformed ones', () => {
		expect(readCursor({ at: 'a', atUs: 10, ids: ['x', 3] })).toEqual({ at: 'a', atUs: 10, ids: ['x'] });
		expect(readCursor({ at: null, atUs: null })).toEqual(EMPTY_CURSOR);
		expect(readCursor({ at: 'a', atUs: 1.5 })).toBeUndefined();
		expect(readCursor('x')).toBeUndefined();
		expect(readCursor(null)).toBeUndefined();
	});
});
