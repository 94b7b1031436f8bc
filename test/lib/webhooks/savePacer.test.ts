import { SavePacer } from '../../../lib/webhooks/savePacer';

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

describe('SavePacer, previous save not landed yet', () => {
	it('waits for the previous save to show in the store, or for the landing timeout', () => {
		const pacer = new SavePacer(1000, 30_000);
		expect(pacer.due(0)).toBe(true);
		expect(pacer.due(1500, false)).toBe(false);
		expect(pacer.due(29_999, false)).toBe(false);
		expect(pacer.due(2000, true)).toBe(true);
		expect(pacer.due(2500, true)).toBe(false);
		expect(pacer.due(32_000, false)).toBe(true); // never showed up: counted as lost, saved again
	});
});
