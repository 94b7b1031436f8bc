import fc from 'fast-check';
import {
	compareInstantStrings,
	formatInstant,
	isLeapYear,
	parseInstant,
	parseWithPattern,
	patternResolutionMicros,
	tokenizePattern,
	tryParseInstant,
} from '../../../lib/polling/datePattern';

const CLOSE = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
// 1700 .. 2255-06: inside the range where epoch micros stay exact in a double (2^53 us is
// 2255-06-05). Built from whole seconds plus a microsecond so every value is an exact integer.
const MAX_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1_000_000) - 1;
const MAX_MICROS = MAX_SECONDS * 1_000_000 + 999_999;
const instantFrom = (minSeconds: number) =>
	fc
		.tuple(fc.integer({ min: minSeconds, max: MAX_SECONDS }), fc.integer({ min: 0, max: 999_999 }))
		.map(([seconds, micro]) => seconds * 1_000_000 + micro);
const anyInstant = instantFrom(Date.UTC(1700, 0, 1) / 1000);
const positiveInstant = instantFrom(0);
const anyOffset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });

describe('parseInstant', () => {
	it('reads Close dates with six fraction digits exactly', () => {
		expect(parseInstant('2026-03-02T14:05:11.480377+00:00')).toBe(1_772_460_311_480_377);
	});

	it('treats a missing offset as UTC (Close event-level dates)', () => {
		expect(parseInstant('2019-01-15T12:48:23.395000')).toBe(parseInstant('2019-01-15T12:48:23.395000Z'));
	});

	it('applies offsets in every accepted spelling', () => {
		const utc = parseInstant('2024-05-01T10:00:00Z');
		expect(parseInstant('2024-05-01T15:30:00+05:30')).toBe(utc);
		expect(parseInstant('2024-05-01T15:30:00+0530')).toBe(utc);
		expect(parseInstant('2024-05-01T06:00:00-04:00')).toBe(utc);
		expect(parseInstant('2024-05-01T12:00:00+02')).toBe(utc);
		expect(parseInstant('2024-05-01 10:00:00')).toBe(utc);
	});

	it('truncates fraction digits beyond six and pads short ones', () => {
		const base = parseInstant('2024-05-01T10:00:00Z');
		expect(parseInstant('2024-05-01T10:00:00.123456789Z')).toBe(base + 123_456);
		expect(parseInstant('2024-05-01T10:00:00.1Z')).toBe(base + 100_000);
	});

	it('stays exact at the top of the safe range (year 2255)', () => {
		const text = formatInstant(MAX_MICROS, CLOSE, { offsetMinutes: 23 * 60 + 59 });
		expect(parseInstant(text)).toBe(MAX_MICROS);
	});

	it('handles instants before 1970', () => {
		expect(parseInstant('1969-12-31T23:59:59.999999Z')).toBe(-1);
	});

	it('knows leap days', () => {
		expect(parseInstant('2024-03-01T00:00:00Z') - parseInstant('2024-02-29T00:00:00Z')).toBe(86_400_000_000);
		expect(() => parseInstant('2023-02-29T00:00:00Z')).toThrow('2023-02-29');
		expect(() => parseInstant('1900-02-29T00:00:00Z')).toThrow();
		expect(parseInstant('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29) * 1000);
		expect([isLeapYear(1900), isLeapYear(2000), isLeapYear(2024), isLeapYear(2023)]).toEqual([false, true, true, false]);
	});

	it.each([
		'',
		'2024-05-01',
		'2024-05-01T10:00',
		'2024-13-01T10:00:00Z',
		'2024-04-31T10:00:00Z',
		'2024-05-01T24:00:00Z',
		'2024-05-01T10:60:00Z',
		'2024-05-01T10:00:60Z',
		'2024-05-01T10:00:00.1234567890Z',
		'2024-05-01T10:00:00+24:00',
		'2024-05-01T10:00:00 +00:00',
		'x2024-05-01T10:00:00Z',
	])('rejects %j with an error quoting it', (text) => {
		expect(() => parseInstant(text)).toThrow(JSON.stringify(text));
		expect(tryParseInstant(text)).toBeUndefined();
	});

	it('tryParseInstant returns undefined for non-strings', () => {
		expect(tryParseInstant(12)).toBeUndefined();
		expect(tryParseInstant(null)).toBeUndefined();
		expect(tryParseInstant('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10) * 1000);
	});

	it('agrees with Date at millisecond precision for any instant (independent oracle)', () => {
		fc.assert(
			fc.property(positiveInstant, (micros) => {
				const iso = new Date(Math.floor(micros / 1000)).toISOString();
				expect(parseInstant(iso)).toBe(Math.floor(micros / 1000) * 1000);
			}),
		);
	});
});

describe('compareInstantStrings', () => {
	it('orders dates that differ only in the microseconds (Date would call them equal)', () => {
		const a = '2026-03-02T14:05:11.480377+00:00';
		const b = '2026-03-02T14:05:11.480378+00:00';
		expect(compareInstantStrings(a, b)).toBe(-1);
		expect(compareInstantStrings(b, a)).toBe(1);
		expect(compareInstantStrings(a, '2026-03-02T14:05:11.480377')).toBe(0);
		expect(compareInstantStrings('2026-03-02T16:05:11.480377+02:00', a)).toBe(0);
	});
});

describe('formatInstant', () => {
	const t = parseInstant('2026-03-02T14:05:11.480377Z'); // a Monday, day 61

	it('renders the Close pattern with microseconds', () => {
		expect(formatInstant(t, CLOSE)).toBe('2026-03-02T14:05:11.480377Z');
		expect(formatInstant(t, CLOSE, { offsetMinutes: 330 })).toBe('2026-03-02T19:35:11.480377+05:30');
		expect(formatInstant(t, CLOSE, { offsetMinutes: -150 })).toBe('2026-03-02T11:35:11.480377-02:30');
	});

	it('round-trips every microsecond through the Close pattern (parseInstant and parseWithPattern)', () => {
		fc.assert(
			fc.property(anyInstant, anyOffset, (micros, offset) => {
				const text = formatInstant(micros, CLOSE, { offsetMinutes: offset });
				expect(parseInstant(text)).toBe(micros);
				expect(parseWithPattern(text, CLOSE)).toBe(micros);
			}),
			{ numRuns: 2000 },
		);
	});

	it('round-trips through javaMillis mode at millisecond precision', () => {
		fc.assert(
			fc.property(anyInstant, (micros) => {
				const opts = { fractionMode: 'javaMillis' as const };
				const text = formatInstant(micros, CLOSE, opts);
				const ms = micros - (((micros % 1000) + 1000) % 1000);
				expect(parseWithPattern(text, CLOSE, opts)).toBe(ms);
			}),
		);
	});

	it('matches Date.toISOString for the millisecond pattern (independent oracle)', () => {
		fc.assert(
			fc.property(positiveInstant, (micros) => {
				expect(formatInstant(micros, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")).toBe(new Date(Math.floor(micros / 1000)).toISOString());
			}),
		);
	});

	it('renders the fraction in both modes (the UNCONFIRMED platform behaviour)', () => {
		expect(formatInstant(t, 'SSSSSS')).toBe('480377');
		expect(formatInstant(t, 'SSS')).toBe('480');
		expect(formatInstant(t, 'S')).toBe('4');
		expect(formatInstant(t, 'SSSSSSSSS')).toBe('480377000');
		expect(formatInstant(t, 'SSSSSS', { fractionMode: 'javaMillis' })).toBe('000480');
		expect(formatInstant(t, 'SSS', { fractionMode: 'javaMillis' })).toBe('480');
		expect(formatInstant(t, 'S', { fractionMode: 'javaMillis' })).toBe('480');
	});

	it('renders every supported letter', () => {
		expect(formatInstant(t, 'y yy yyy yyyy')).toBe('2026 26 2026 2026');
		expect(formatInstant(t, 'M MM MMM MMMM')).toBe('3 03 Mar March');
		expect(formatInstant(t, 'd dd D DDD')).toBe('2 02 61 061');
		expect(formatInstant(t, 'H HH h hh a')).toBe('14 14 2 02 PM');
		expect(formatInstant(t, 'm mm s ss')).toBe('5 05 11 11');
		expect(formatInstant(t, 'E EEE EEEE')).toBe('Mon Mon Monday');
		expect(formatInstant(t, 'X XX XXX Z z')).toBe('Z Z Z +0000 UTC');
		expect(formatInstant(t, 'X XX XXX Z z', { offsetMinutes: 330 })).toBe('+05 +0530 +05:30 +0530 GMT+05:30');
		expect(formatInstant(t, 'z', { zoneName: 'GMT' })).toBe('GMT');
	});

	it('renders midnight and noon in 12-hour form', () => {
		expect(formatInstant(parseInstant('2024-01-01T00:30:00Z'), 'hh:mm a')).toBe('12:30 AM');
		expect(formatInstant(parseInstant('2024-01-01T12:30:00Z'), 'hh:mm a')).toBe('12:30 PM');
	});

	it('handles quoted literals and the escaped quote', () => {
		expect(formatInstant(t, "yyyy'T'HH 'o''clock' ''")).toBe("2026T14 o'clock '");
		expect(formatInstant(t, "'yyyy'")).toBe('yyyy');
	});

	it('crosses year boundaries with offsets', () => {
		const newYear = parseInstant('2025-12-31T23:30:00.000001Z');
		expect(formatInstant(newYear, CLOSE, { offsetMinutes: 60 })).toBe('2026-01-01T00:30:00.000001+01:00');
		expect(formatInstant(newYear, 'D', { offsetMinutes: 0 })).toBe('365');
		expect(formatInstant(parseInstant('2024-12-31T12:00:00Z'), 'D')).toBe('366');
		expect(formatInstant(parseInstant('2024-01-01T00:00:00Z'), CLOSE, { offsetMinutes: -60 })).toBe('2023-12-31T23:00:00.000000-01:00');
	});

	it('formats leap days', () => {
		expect(formatInstant(parseInstant('2024-02-29T23:59:59.999999Z'), CLOSE)).toBe('2024-02-29T23:59:59.999999Z');
		expect(formatInstant(parseInstant('2024-02-29T23:59:59.999999Z') + 1, 'MM-dd')).toBe('03-01');
	});

	it('names an unsupported letter and rejects bad input', () => {
		expect(() => formatInstant(t, 'yyyy-QQ')).toThrow("'Q'");
		expect(() => formatInstant(t, "yyyy'T")).toThrow('Unterminated quote');
		expect(() => formatInstant(t, 'XXXX')).toThrow('XXXX');
		expect(() => formatInstant(1.5, CLOSE)).toThrow('1.5');
		expect(() => formatInstant(Number.MAX_SAFE_INTEGER + 2, CLOSE)).toThrow();
	});
});

describe('patternResolutionMicros', () => {
	it.each([
		[CLOSE, 'fraction', 1],
		["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'fraction', 1000],
		[CLOSE, 'javaMillis', 1000],
		['yyyy-MM-dd HH:mm:ss', 'fraction', 1_000_000],
		['yyyy-MM-dd HH:mm', 'fraction', 60_000_000],
		['yyyy-MM-dd HH', 'fraction', 3_600_000_000],
		['yyyy-MM-dd', 'fraction', 86_400_000_000],
		['ss.S', 'fraction', 100_000],
		["'now'", 'fraction', Number.POSITIVE_INFINITY],
	] as const)('%s in %s mode -> %d', (pattern, mode, expected) => {
		expect(patternResolutionMicros(pattern, mode)).toBe(expected);
	});

	it('defaults to fraction mode', () => {
		expect(patternResolutionMicros(CLOSE)).toBe(1);
	});

	it('tells whether a formatted cursor is exact', () => {
		fc.assert(
			fc.property(anyInstant, fc.constantFrom(CLOSE, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'yyyy-MM-dd HH:mm:ss'), (micros, pattern) => {
				const back = parseWithPattern(formatInstant(micros, pattern), pattern);
				const res = patternResolutionMicros(pattern);
				expect(micros - back).toBeGreaterThanOrEqual(0);
				expect(micros - back).toBeLessThan(res);
			}),
		);
	});
});

describe('parseWithPattern', () => {
	it('reads compact patterns with fixed widths', () => {
		expect(parseWithPattern('20260302140511', 'yyyyMMddHHmmss')).toBe(parseInstant('2026-03-02T14:05:11Z'));
	});

	it('reads names, 12-hour clock, day of year and two-digit years', () => {
		expect(parseWithPattern('Mon, 2 March 26 02:05 PM', 'EEE, d MMMM yy hh:mm a')).toBe(parseInstant('2026-03-02T14:05:00Z'));
		expect(parseWithPattern('12:00 AM', 'hh:mm a')).toBe(0);
		expect(parseWithPattern('2024-061', 'yyyy-DDD')).toBe(parseInstant('2024-03-01T00:00:00Z'));
		expect(parseWithPattern('99', 'yy')).toBe(parseInstant('1999-01-01T00:00:00Z'));
	});

	it('reads zones in X, Z and z form and falls back to the given offset', () => {
		const utc = parseInstant('2024-05-01T10:00:00Z');
		expect(parseWithPattern('2024-05-01 15:30 +0530', 'yyyy-MM-dd HH:mm Z')).toBe(utc);
		expect(parseWithPattern('2024-05-01 12:00 +02', 'yyyy-MM-dd HH:mm X')).toBe(utc);
		expect(parseWithPattern('2024-05-01 12:00 GMT+02:00', 'yyyy-MM-dd HH:mm z')).toBe(utc);
		expect(parseWithPattern('2024-05-01 10:00 UTC', 'yyyy-MM-dd HH:mm z')).toBe(utc);
		expect(parseWithPattern('2024-05-01 12:00', 'yyyy-MM-dd HH:mm', { offsetMinutes: 120 })).toBe(utc);
	});

	it.each([
		['2024-05-01', 'yyyy/MM/dd'],
		['2024-05-01T10', "yyyy-MM-dd'T'HH:mm"],
		['2024-05-01 trailing', 'yyyy-MM-dd'],
		['2024-02-30', 'yyyy-MM-dd'],
		['2024-05-01 25', 'yyyy-MM-dd HH'],
		['2024-05-01 13 PM', 'yyyy-MM-dd hh a'],
		['2024-367', 'yyyy-DDD'],
		['2024-05-01 +99:00', 'yyyy-MM-dd XXX'],
	])('rejects %j against %j naming both', (text, pattern) => {
		let message = '';
		try {
			parseWithPattern(text, pattern);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toContain(JSON.stringify(text));
		expect(message).toContain(JSON.stringify(pattern));
	});
});

describe('tokenizePattern', () => {
	it('keeps quoted text containing letters and colons as one literal', () => {
		expect(tokenizePattern("HH'h:m'mm")).toEqual([
			{ kind: 'field', letter: 'H', count: 2 },
			{ kind: 'literal', text: 'h:m' },
			{ kind: 'field', letter: 'm', count: 2 },
		]);
	});
});
