import { SavePacer } from '../../lib/savePacer';

describe('SavePacer', () => {
	it('is due at once, then at most once per interval', () => {
		const pacer = new SavePacer(1000);
		expect(pacer.due(5000)).toBe(true);
		expect(pacer.due(5000)).toBe(false);
		expect(pacer.due(5999)).toBe(false);
		expect(pacer.due(6000)).toBe(true);
		expect(pacer.due(6500)).toBe(false);
		expect(pacer.due(9000)).toBe(true);
	});

	it('a clock stepped backwards makes a save due instead of suppressing saves', () => {
		const pacer = new SavePacer(1000);
		expect(pacer.due(10_000)).toBe(true);
		expect(pacer.due(2_000)).toBe(true);
		expect(pacer.due(2_500)).toBe(false);
	});

	it('an interval of 0 saves every time', () => {
		const pacer = new SavePacer(0);
		expect([1, 1, 2].map((t) => pacer.due(t))).toEqual([true, true, true]);
	});
});
