import { normalizePhone, phoneSearchTerms, samePhone } from '../../../lib/records/phone';
import { contactMatchSearch, exactContactMatches } from '../../../lib/records/upsert';

describe('phones as Close keeps them (E.164)', () => {
	test.each([
		['(415) 555-0100', '+14155550100', undefined],
		['415.555.0100', '+14155550100', undefined],
		['415-555-0100', '+14155550100', undefined],
		['+1 415 555 0100', '+14155550100', undefined],
		['1 (415) 555-0100', '+14155550100', undefined],
		['+14155550100', '+14155550100', undefined],
		['0044 20 7946 0958', '+442079460958', undefined],
		['+44 (0)20 7946 0958', '+442079460958', undefined],
		['011 44 20 7946 0958', '+442079460958', undefined],
		['(415) 555-0100 x123', '+14155550100', '123'],
		['415-555-0100 ext. 7', '+14155550100', '7'],
		['+1 415 555 0100 extension 42', '+14155550100', '42'],
		['+1 415 555 0100;ext=9', '+14155550100', '9'],
		['415 555 0100 #12', '+14155550100', '12'],
	])('%s -> %s (extension %s)', (typed, e164, extension) => {
		const p = normalizePhone(typed);
		expect(p.e164).toBe(e164);
		expect(p.extension).toBe(extension);
	});

	test('a national number of another country without its code has no E.164: digits only', () => {
		expect(normalizePhone('020 7946 0958')).toEqual({ digits: '02079460958' });
		expect(normalizePhone('555-0100')).toEqual({ digits: '5550100' });
		expect(normalizePhone('no digits').digits).toBe('');
	});

	test('samePhone: the same E.164 number typed any way; different extensions differ; one missing matches', () => {
		expect(samePhone('+14155550100', '(415) 555-0100')).toBe(true);
		expect(samePhone('+14155550100', '415.555.0100')).toBe(true);
		expect(samePhone('+442079460958', '0044 20 7946 0958')).toBe(true);
		expect(samePhone('+14155550100', '+1 415 555 0101')).toBe(false);
		expect(samePhone('+14155550100', '(415) 555-0100 x12')).toBe(true);
		expect(samePhone('+14155550100 x12', '(415) 555-0100 x13')).toBe(false);
		expect(samePhone('+14155550100', '')).toBe(false);
		// Digits alone compare only with digits: a national UK number is not the US one that shares them.
		expect(samePhone('+12079460958', '020 7946 0958')).toBe(false);
	});

	test('search terms: E.164 first, then the digits as typed when they differ', () => {
		expect(phoneSearchTerms('(415) 555-0100')).toEqual(['+14155550100', '4155550100']);
		expect(phoneSearchTerms('+1 415 555 0100')).toEqual(['+14155550100']);
		expect(phoneSearchTerms('020 7946 0958')).toEqual(['02079460958']);
	});

	test('upsert by phone searches what Close stores, and compares exactly', () => {
		const body = contactMatchSearch('phone', '(415) 555-0100 x5') as { query: { queries: unknown[] } };
		expect(JSON.stringify(body.query.queries[1])).toContain('"value":"+14155550100"');
		expect(() => contactMatchSearch('phone', 'n/a')).toThrow(/has no digits/);
		const hits = [
			{ id: 'c1', phones: [{ phone: '+14155550100' }] },
			{ id: 'c2', phones: [{ phone: '+14155550101' }] },
			{ id: 'c3', phones: [{ phone: '+4402079460958' }] },
		];
		expect(exactContactMatches('phone', '415.555.0100', hits).map((c) => c.id)).toEqual(['c1']);
		expect(exactContactMatches('phone', '4155550100', hits).map((c) => c.id)).toEqual(['c1']);
	});
});
