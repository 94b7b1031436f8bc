import fc from 'fast-check';
import { parseInstant, parseWithPattern } from '../../../lib/polling/datePattern';
import { expandPlaceholders, zoneOffsetMinutes } from '../../../lib/polling/pollerPlaceholders';

const CLOSE = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
const SEED_URL = "/hubs/crm/contacts?where=date_updated>'${gmtDate:yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX}'";
const T = parseInstant('2026-03-02T14:05:11.480377Z');

describe('expandPlaceholders', () => {
	it("expands the seed's poller URL, whose pattern holds quotes and colons", () => {
		expect(expandPlaceholders(SEED_URL, T)).toBe("/hubs/crm/contacts?where=date_updated>'2026-03-02T14:05:11.480377Z'");
	});

	it('renders zero-padded milliseconds in javaMillis mode', () => {
		expect(expandPlaceholders(SEED_URL, T, { fractionMode: 'javaMillis' })).toBe(
			"/hubs/crm/contacts?where=date_updated>'2026-03-02T14:05:11.000480Z'",
		);
	});

	it('renders epochs in ms, s and us, flooring', () => {
		expect(expandPlaceholders('${epoch}|${epoch:s}|${epoch:us}', T)).toBe('1772460311480|1772460311|1772460311480377');
		expect(expandPlaceholders('${epoch}|${epoch:s}', -1)).toBe('-1|-1');
	});

	it('renders ${date:..} in the server zone (UTC unless told)', () => {
		expect(expandPlaceholders('${date:HH:mmXXX}', T)).toBe('14:05Z');
		expect(expandPlaceholders('${date:HH:mmXXX}', T, { serverOffsetMinutes: -420 })).toBe('07:05-07:00');
	});

	it('gmtDate ignores the server zone and z says GMT', () => {
		expect(expandPlaceholders('${gmtDate:HH z}', T, { serverOffsetMinutes: 120 })).toBe('14 GMT');
	});

	it.each([
		['UTC', '14:05 Z'],
		['GMT', '14:05 Z'],
		['+05:30', '19:35 +05:30'],
		['-0330', '10:35 -03:30'],
		['GMT+2', '16:05 +02:00'],
		['UTC-11', '03:05 -11:00'],
		['Asia/Kolkata', '19:35 +05:30'],
		['America/New_York', '09:05 -05:00'],
		['America/Argentina/Buenos_Aires', '11:05 -03:00'],
	])('renders ${dateTimeZone:%s:..}', (zone, expected) => {
		expect(expandPlaceholders(`\${dateTimeZone:${zone}:HH:mm XXX}`, T)).toBe(expected);
	});

	it('follows daylight saving time for IANA zones', () => {
		const july = parseInstant('2026-07-01T12:00:00Z');
		expect(expandPlaceholders('${dateTimeZone:America/New_York:HH XXX}', july)).toBe('08 -04:00');
		expect(zoneOffsetMinutes('Europe/Berlin', july)).toBe(120);
		expect(zoneOffsetMinutes('Europe/Berlin', T)).toBe(60);
	});

	it('keeps text around and between placeholders, and a } inside quotes', () => {
		expect(expandPlaceholders("a=${epoch:s}&b=${gmtDate:yyyy'}'}&c=$x", T)).toBe('a=1772460311&b=2026}&c=$x');
		expect(expandPlaceholders('no placeholders', T)).toBe('no placeholders');
	});

	it('round-trips: the expanded cursor parses back to the instant', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999 }), (s, us) => {
				const micros = s * 1_000_000 + us;
				const text = expandPlaceholders(`\${gmtDate:${CLOSE}}`, micros);
				expect(parseWithPattern(text, CLOSE)).toBe(micros);
				expect(expandPlaceholders('${epoch:us}', micros)).toBe(String(micros));
			}),
		);
	});

	it.each([
		['${nope}', '${nope}'],
		['${epoch:ms}', '${epoch:ms}'],
		['${gmtDate:yyyy-QQ}', "'Q'"],
		['${dateTimeZone:Mars/Olympus:HH}', 'Mars/Olympus'],
		['${dateTimeZone:HH}', '${dateTimeZone:HH}'],
		['${dateTimeZone:+25:00:HH}', '+25:00'],
		['x ${gmtDate:yyyy', 'Unterminated placeholder'],
	])('rejects %s naming %s', (template, named) => {
		expect(() => expandPlaceholders(template, T)).toThrow(named);
	});
});
