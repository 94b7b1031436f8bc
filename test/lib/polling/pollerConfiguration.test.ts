import { readFileSync } from 'fs';
import { join } from 'path';
import {
	buildPollerConfiguration,
	DEFAULT_CLOSE_DATE_PATTERN,
	parsePollerConfiguration,
} from '../../../lib/polling/pollerConfiguration';

const SEED = readFileSync(join('/work/shared/reference', 'seed-closeio-events.txt'), 'utf8');

/** The text of the JSON object that follows `"<key>": ` in the seed, braces balanced. */
function seedObjectText(key: string): string {
	const start = SEED.indexOf(`"${key}": {`) + `"${key}": `.length;
	let depth = 0;
	for (let i = start; i < SEED.length; i++) {
		if (SEED[i] === '{') depth++;
		if (SEED[i] === '}' && --depth === 0) return SEED.slice(start, i + 1);
	}
	throw new Error(`no ${key} object in the seed`);
}

/** The seed's layout: one entry per line, no indentation, `"key": value`. */
function seedStyle(value: unknown): string {
	return JSON.stringify(value, null, 1).replace(/\n +/g, '\n');
}

describe('buildPollerConfiguration', () => {
	it("produces the seed's contacts entry byte for byte", () => {
		const built = buildPollerConfiguration(['contact']);
		expect(seedStyle(built.contacts)).toBe(seedObjectText('contacts'));
		expect(Object.keys(built)).toEqual(['contacts']);
	});

	it('names leads by their hub resource, accounts, and covers every object', () => {
		const built = buildPollerConfiguration(['lead', 'contact', 'opportunity', 'task']);
		expect(Object.keys(built)).toEqual(['accounts', 'contacts', 'opportunities', 'tasks']);
		expect(built.accounts.url).toBe(`/hubs/crm/accounts?where=date_updated>'\${gmtDate:${DEFAULT_CLOSE_DATE_PATTERN}}'`);
		expect(built.tasks.datesConfiguration.createdDateField).toBe('date_created');
	});

	it('uses a configured pattern everywhere', () => {
		const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
		const entry = buildPollerConfiguration(['opportunity'], { datePattern: pattern }).opportunities;
		expect(entry.url).toBe(`/hubs/crm/opportunities?where=date_updated>'\${gmtDate:${pattern}}'`);
		expect(entry.datesConfiguration.updatedDateFormat).toBe(pattern);
		expect(entry.datesConfiguration.createdDateFormat).toBe(pattern);
	});

	it('rejects an unknown object', () => {
		expect(() => buildPollerConfiguration(['account' as never])).toThrow('"account"');
	});

	it("has the seed's pattern as default", () => {
		expect(DEFAULT_CLOSE_DATE_PATTERN).toBe("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");
	});
});

describe('parsePollerConfiguration', () => {
	const built = buildPollerConfiguration(['lead', 'contact']);

	it('accepts the object and its JSON string alike (round-trip)', () => {
		expect(parsePollerConfiguration(built)).toEqual(built);
		expect(parsePollerConfiguration(JSON.stringify(built))).toEqual(built);
		const seedContacts = JSON.parse(`{"contacts": ${seedObjectText('contacts')}}`);
		expect(parsePollerConfiguration(seedContacts)).toEqual(buildPollerConfiguration(['contact']));
	});

	it('keeps optional timezone entries and allows missing created fields', () => {
		const parsed = parsePollerConfiguration({
			x: { url: '/u', idField: 'id', datesConfiguration: { updatedDateField: 'u', updatedDateFormat: 'f', updatedDateTimezone: 'UTC' } },
		});
		expect(parsed.x.datesConfiguration).toEqual({ updatedDateField: 'u', updatedDateFormat: 'f', updatedDateTimezone: 'UTC' });
	});

	it('cannot be used to pollute prototypes', () => {
		const parsed = parsePollerConfiguration(
			'{"__proto__": {"url": "/u", "idField": "id", "datesConfiguration": {"updatedDateField": "u", "updatedDateFormat": "f"}}}',
		);
		expect(Object.keys(parsed)).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).url).toBeUndefined();
	});

	it.each([
		['{not json', 'not valid JSON'],
		[42, 'must be an object'],
		[null, 'must be an object'],
		['[]', 'must be an object'],
		[{ contacts: 'x' }, '"contacts" must be an object'],
		[{ contacts: { url: '/u', idField: 'id' } }, '"contacts".datesConfiguration must be an object'],
		[{ contacts: { idField: 'id', datesConfiguration: { updatedDateField: 'u', updatedDateFormat: 'f' } } }, '"contacts".url is missing'],
		[{ contacts: { url: '/u', idField: 7, datesConfiguration: { updatedDateField: 'u', updatedDateFormat: 'f' } } }, '"contacts".idField must be a string'],
		[{ contacts: { url: '/u', idField: 'id', datesConfiguration: { updatedDateFormat: 'f' } } }, 'updatedDateField is missing'],
	])('rejects %j naming the problem', (value, message) => {
		expect(() => parsePollerConfiguration(value)).toThrow(message);
	});
});
