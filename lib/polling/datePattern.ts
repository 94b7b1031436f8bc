// Instants as epoch MICROSECONDS (a `number`, exact up to year 2255). Close sends six fraction
// digits and JavaScript's Date keeps three, so nothing here goes through Date: calendar math is
// done on integers (days from the civil date, Howard Hinnant's algorithm).
//
// The pattern language is the subset of Java's SimpleDateFormat that Open Connectors' poller
// configuration uses (`yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX` in the seed).
//
// Fraction semantics (`S` repeated n times) are UNCONFIRMED for the live platform
// (protocols.md): real java.text.SimpleDateFormat treats `S` as MILLISECONDS and pads them on
// the left (`SSSSSS` renders 480 ms as `000480`), while a platform built on java.time (or on its
// own formatter) renders the first n digits of the fraction (`SSSSSS` = microseconds). Both are
// implemented: `fractionMode: 'fraction'` (the default: it is what makes Close's own
// microsecond dates round-trip) and `'javaMillis'`.

export type FractionMode = 'fraction' | 'javaMillis';

export interface FormatOptions {
	/** Minutes east of UTC the instant is rendered in (default 0 = UTC). */
	offsetMinutes?: number;
	fractionMode?: FractionMode;
	/** Name rendered by `z`; default `UTC` at offset 0, else `GMT+hh:mm`. */
	zoneName?: string;
}

export interface ParseOptions {
	/** Offset assumed when the pattern has no zone field (default 0 = UTC). */
	offsetMinutes?: number;
	fractionMode?: FractionMode;
}

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;
const SECONDS_PER_DAY = 86_400;

const MONTHS = [
	'January', 'February', 'March', 'April', 'May', 'June',
	'July', 'August', 'September', 'October', 'November', 'December',
];
// Index 0 = Monday, matching (daysSinceEpoch + 3) mod 7 (1970-01-01 was a Thursday).
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

// ---------------------------------------------------------------- integer calendar math

function floorDiv(a: number, b: number): number {
	return (a - floorMod(a, b)) / b;
}

function floorMod(a: number, b: number): number {
	return ((a % b) + b) % b;
}

export function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = floorDiv(y, 400);
	const yoe = y - era * 400;
	const mp = (month + 9) % 12;
	const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
	const z = days + 719_468;
	const era = floorDiv(z, 146_097);
	const doe = z - era * 146_097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

interface Fields {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	micro: number;
}

function fieldsToEpochMicros(f: Fields, offsetMinutes: number): number {
	const seconds =
		daysFromCivil(f.year, f.month, f.day) * SECONDS_PER_DAY + f.hour * 3600 + f.minute * 60 + f.second - offsetMinutes * 60;
	return seconds * MICROS_PER_SECOND + f.micro;
}

interface LocalTime extends Fields {
	daysSinceEpoch: number;
}

function localTimeOf(epochMicros: number, offsetMinutes: number): LocalTime {
	// Split before shifting: epoch + offset in micros can pass 2^53 near the top of the range.
	const micro = floorMod(epochMicros, MICROS_PER_SECOND);
	const seconds = (epochMicros - micro) / MICROS_PER_SECOND + offsetMinutes * 60;
	const secondOfDay = floorMod(seconds, SECONDS_PER_DAY);
	const daysSinceEpoch = (seconds - secondOfDay) / SECONDS_PER_DAY;
	const { year, month, day } = civilFromDays(daysSinceEpoch);
	return {
		year,
		month,
		day,
		hour: Math.floor(secondOfDay / 3600),
		minute: Math.floor((secondOfDay % 3600) / 60),
		second: secondOfDay % 60,
		micro,
		daysSinceEpoch,
	};
}

function checkFields(f: Fields): string | undefined {
	if (f.month < 1 || f.month > 12) return 'month out of range';
	if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return 'day out of range';
	if (f.hour > 23) return 'hour out of range';
	if (f.minute > 59) return 'minute out of range';
	if (f.second > 59) return 'second out of range';
	return undefined;
}

// ---------------------------------------------------------------- ISO-8601 parsing

const ISO_INSTANT =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Micros from a fraction's digits: the first six, right-padded (digits past six are truncated). */
function fractionDigitsToMicros(digits: string): number {
	return Number((digits + '000000').slice(0, 6));
}

/** Minutes east of UTC from `Z`, `+hh`, `+hhmm` or `+hh:mm`; undefined when out of range. */
function offsetMinutesOf(text: string): number | undefined {
	if (text === 'Z' || text === 'z') return 0;
	const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
	if (!m) return undefined;
	const hours = Number(m[2]);
	const minutes = m[3] === undefined ? 0 : Number(m[3]);
	if (hours > 23 || minutes > 59) return undefined;
	return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const dayCache = new Map<string, number>();

function digitsAt(text: string, start: number, count: number): number {
	let value = 0;
	for (let i = start; i < start + count; i++) {
		const d = text.charCodeAt(i) - 48;
		if (d < 0 || d > 9) return -1;
		value = value * 10 + d;
	}
	return value;
}

/**
 * The hot path: Close's own shape `YYYY-MM-DDTHH:mm:ss.ffffff+00:00` (or without the offset, as in
 * its event log) read by position, every polled record passing through here several times.
 * Anything else returns undefined and goes through the general parser.
 */
function closeFormatMicros(text: string): number | undefined {
	const n = text.length;
	if ((n !== 32 && n !== 26) || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(19) !== 46 /* . */) return undefined;
	if (n === 32 && text.slice(26) !== '+00:00') return undefined;
	const dayKey = text.slice(0, 10);
	let days = dayCache.get(dayKey);
	if (days === undefined) {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(dayKey)) return undefined;
		const fields = { year: digitsAt(text, 0, 4), month: digitsAt(text, 5, 2), day: digitsAt(text, 8, 2), hour: 0, minute: 0, second: 0, micro: 0 };
		if (checkFields(fields) !== undefined) return undefined;
		days = fieldsToEpochMicros(fields, 0) / MICROS_PER_SECOND / SECONDS_PER_DAY;
		if (dayCache.size > 4096) dayCache.clear();
		dayCache.set(dayKey, days);
	}
	if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
	const hour = digitsAt(text, 11, 2);
	const minute = digitsAt(text, 14, 2);
	const second = digitsAt(text, 17, 2);
	const micro = digitsAt(text, 20, 6);
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micro < 0) return undefined;
	return ((days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND) + micro;
}

/**
 * Epoch microseconds of `YYYY-MM-DDTHH:mm:ss[.f{1,9}][Z|±hh:mm|±hhmm|±hh]` (a space may replace
 * the `T`; no offset means UTC, as in Close's event-level dates).
 */
export function parseInstant(text: string): number {
	const fast = typeof text === 'string' ? closeFormatMicros(text) : undefined;
	if (fast !== undefined) return fast;
	const m = typeof text === 'string' ? ISO_INSTANT.exec(text) : null;
	const bad = () => new Error(`Invalid instant ${JSON.stringify(text)}: expected YYYY-MM-DDTHH:mm:ss[.ffffff][offset]`);
	if (!m) throw bad();
	const fields: Fields = {
		year: Number(m[1]),
		month: Number(m[2]),
		day: Number(m[3]),
		hour: Number(m[4]),
		minute: Number(m[5]),
		second: Number(m[6]),
		micro: m[7] === undefined ? 0 : fractionDigitsToMicros(m[7]),
	};
	const offset = m[8] === undefined ? 0 : offsetMinutesOf(m[8]);
	if (checkFields(fields) !== undefined || offset === undefined) throw bad();
	return fieldsToEpochMicros(fields, offset);
}

export function tryParseInstant(text: unknown): number | undefined {
	if (typeof text !== 'string') return undefined;
	try {
		return parseInstant(text);
	} catch {
		return undefined;
	}
}

/** Orders two ISO instant strings at microsecond precision (-1, 0 or 1); throws on a bad one. */
export function compareInstantStrings(a: string, b: string): number {
	return Math.sign(parseInstant(a) - parseInstant(b));
}

// ---------------------------------------------------------------- pattern tokens

export type Token = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

const SUPPORTED_LETTERS = new Set(['y', 'M', 'd', 'H', 'h', 'a', 'm', 's', 'S', 'E', 'D', 'X', 'Z', 'z']);
const NUMERIC_LETTERS = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'D']);

function isAsciiLetter(ch: string): boolean {
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/** Splits a SimpleDateFormat pattern into field runs and literals; throws on unsupported letters. */
export function tokenizePattern(pattern: string): Token[] {
	const tokens: Token[] = [];
	const pushLiteral = (text: string) => {
		const last = tokens[tokens.length - 1];
		if (last && last.kind === 'literal') last.text += text;
		else tokens.push({ kind: 'literal', text });
	};
	let i = 0;
	while (i < pattern.length) {
		const ch = pattern[i];
		if (ch === "'") {
			if (pattern[i + 1] === "'") {
				pushLiteral("'");
				i += 2;
				continue;
			}
			// Inside quotes, '' is one quote; the run ends at the next lone quote.
			let text = '';
			let j = i + 1;
			for (;;) {
				if (j >= pattern.length) throw new Error(`Unterminated quote in date pattern ${JSON.stringify(pattern)}`);
				if (pattern[j] === "'") {
					if (pattern[j + 1] === "'") {
						text += "'";
						j += 2;
						continue;
					}
					break;
				}
				text += pattern[j];
				j++;
			}
			pushLiteral(text);
			i = j + 1;
			continue;
		}
		if (isAsciiLetter(ch)) {
			if (!SUPPORTED_LETTERS.has(ch)) {
				throw new Error(`Unsupported date pattern letter '${ch}' in ${JSON.stringify(pattern)}`);
			}
			let j = i;
			while (pattern[j] === ch) j++;
			tokens.push({ kind: 'field', letter: ch, count: j - i });
			i = j;
			continue;
		}
		pushLiteral(ch);
		i++;
	}
	return tokens;
}

// A poll formats, and with a coarse pattern parses, an instant for every page it asks (its where
// literal), with one or two patterns: they are tokenized once.
const tokensByPattern = new Map<string, readonly Token[]>();

/** tokenizePattern, kept per pattern: its tokens are only read. */
function patternTokens(pattern: string): readonly Token[] {
	let tokens = tokensByPattern.get(pattern);
	if (tokens === undefined) {
		tokens = tokenizePattern(pattern);
		if (tokensByPattern.size >= 32) tokensByPattern.clear();
		tokensByPattern.set(pattern, tokens);
	}
	return tokens;
}

// ---------------------------------------------------------------- formatting

function pad(value: number, width: number): string {
	const digits = String(Math.abs(value)).padStart(width, '0');
	return value < 0 ? '-' + digits : digits;
}

function formatOffset(offsetMinutes: number, style: 'hh' | 'hhmm' | 'hh:mm'): string {
	const sign = offsetMinutes < 0 ? '-' : '+';
	const abs = Math.abs(offsetMinutes);
	const hh = pad(Math.floor(abs / 60), 2);
	const mm = pad(abs % 60, 2);
	if (style === 'hh') return sign + hh;
	return style === 'hhmm' ? sign + hh + mm : `${sign}${hh}:${mm}`;
}

function formatFraction(micro: number, count: number, mode: FractionMode): string {
	if (mode === 'javaMillis') return pad(Math.floor(micro / 1000), count);
	const six = pad(micro, 6);
	return count <= 6 ? six.slice(0, count) : six.padEnd(count, '0');
}

function formatField(letter: string, count: number, t: LocalTime, offset: number, options: FormatOptions): string {
	switch (letter) {
		case 'y':
			return count === 2 ? pad(floorMod(t.year, 100), 2) : pad(t.year, count);
		case 'M':
			if (count >= 4) return MONTHS[t.month - 1];
			if (count === 3) return MONTHS[t.month - 1].slice(0, 3);
			return pad(t.month, count);
		case 'd':
			return pad(t.day, count);
		case 'H':
			return pad(t.hour, count);
		case 'h':
			return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, count);
		case 'a':
			return t.hour < 12 ? 'AM' : 'PM';
		case 'm':
			return pad(t.minute, count);
		case 's':
			return pad(t.second, count);
		case 'S':
			return formatFraction(t.micro, count, options.fractionMode ?? 'fraction');
		case 'E': {
			const name = WEEKDAYS[floorMod(t.daysSinceEpoch + 3, 7)];
			return count >= 4 ? name : name.slice(0, 3);
		}
		case 'D':
			return pad(t.daysSinceEpoch - daysFromCivil(t.year, 1, 1) + 1, count);
		case 'X':
			if (count > 3) throw new Error(`Unsupported date pattern field '${'X'.repeat(count)}'`);
			if (offset === 0) return 'Z';
			return formatOffset(offset, count === 1 ? 'hh' : count === 2 ? 'hhmm' : 'hh:mm');
		case 'Z':
			return formatOffset(offset, 'hhmm');
		case 'z':
			return options.zoneName ?? (offset === 0 ? 'UTC' : 'GMT' + formatOffset(offset, 'hh:mm'));
		default:
			throw new Error(`Unsupported date pattern letter '${letter}'`);
	}
}

/** Renders an instant with a SimpleDateFormat-subset pattern, at microsecond precision. */
export function formatInstant(epochMicros: number, pattern: string, options: FormatOptions = {}): string {
	if (!Number.isSafeInteger(epochMicros)) throw new Error(`Instant ${epochMicros} is not an integer number of microseconds`);
	const offset = options.offsetMinutes ?? 0;
	const local = localTimeOf(epochMicros, offset);
	let text = '';
	for (const token of patternTokens(pattern)) {
		text += token.kind === 'literal' ? token.text : formatField(token.letter, token.count, local, offset, options);
	}
	return text;
}

// Longest lengths, so that `instant - resolution` is always at or before the truncated value.
const LETTER_RESOLUTION: Record<string, number> = {
	s: MICROS_PER_SECOND,
	m: MICROS_PER_MINUTE,
	H: MICROS_PER_HOUR,
	h: MICROS_PER_HOUR,
	a: 12 * MICROS_PER_HOUR,
	d: MICROS_PER_DAY,
	D: MICROS_PER_DAY,
	E: MICROS_PER_DAY,
	M: 31 * MICROS_PER_DAY,
	y: 366 * MICROS_PER_DAY,
};

/**
 * The smallest time unit a pattern renders, in microseconds: 1 means a formatted cursor is exact,
 * 1000 means it was truncated to the millisecond, and so on. Month and year count as their
 * longest lengths; a pattern without any time field gives Infinity.
 */
export function patternResolutionMicros(pattern: string, fractionMode: FractionMode = 'fraction'): number {
	let resolution = Number.POSITIVE_INFINITY;
	for (const token of patternTokens(pattern)) {
		if (token.kind !== 'field') continue;
		let unit = LETTER_RESOLUTION[token.letter];
		if (token.letter === 'S') {
			unit = fractionMode === 'javaMillis' ? 1000 : 10 ** Math.max(0, 6 - token.count);
		}
		if (unit !== undefined) resolution = Math.min(resolution, unit);
	}
	return resolution;
}

// ---------------------------------------------------------------- parsing with a pattern

interface ParseState {
	text: string;
	pos: number;
}

function readDigits(state: ParseState, width: number | undefined): string | undefined {
	const rest = state.text.slice(state.pos);
	const m = (width === undefined ? /^\d+/ : new RegExp(`^\\d{${width}}`)).exec(rest);
	if (!m) return undefined;
	state.pos += m[0].length;
	return m[0];
}

function readName(state: ParseState, names: string[]): number | undefined {
	const rest = state.text.slice(state.pos).toLowerCase();
	// Full names first, so "March" is not read as "Mar" + "ch".
	const candidates = [
		...names.map((name, index) => ({ text: name.toLowerCase(), index })),
		...names.map((name, index) => ({ text: name.slice(0, 3).toLowerCase(), index })),
	];
	for (const c of candidates) {
		if (rest.startsWith(c.text)) {
			state.pos += c.text.length;
			return c.index;
		}
	}
	return undefined;
}

function readZone(state: ParseState, letter: string): number | undefined {
	const rest = state.text.slice(state.pos);
	const m =
		letter === 'z' ? /^(?:UTC|GMT)((?:[+-]\d{2}(?::?\d{2})?)?)/.exec(rest) : /^(Z|[+-]\d{2}(?::?\d{2})?)/.exec(rest);
	if (!m) return undefined;
	state.pos += m[0].length;
	return m[1] === '' ? 0 : offsetMinutesOf(m[1]);
}

/**
 * Reads a date formatted with `pattern` (the inverse of formatInstant for the numeric fields and
 * the zone), e.g. a record's date under a configured `updatedDateFormat`. A numeric field directly
 * followed by another numeric field must have exactly its pattern width; otherwise any number of
 * digits is read. `yy` maps to 1970-2069. Throws naming text and pattern on any mismatch.
 */
export function parseWithPattern(text: string, pattern: string, options: ParseOptions = {}): number {
	const fail = (why: string) =>
		new Error(`Date ${JSON.stringify(text)} does not match pattern ${JSON.stringify(pattern)}: ${why}`);
	if (typeof text !== 'string') throw fail('not a string');
	const tokens = patternTokens(pattern);
	const state: ParseState = { text, pos: 0 };
	const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 };
	let dayOfYear: number | undefined;
	let hour12: number | undefined;
	let pm: boolean | undefined;
	let offset: number | undefined;
	const fractionMode = options.fractionMode ?? 'fraction';

	tokens.forEach((token, index) => {
		if (token.kind === 'literal') {
			if (!text.startsWith(token.text, state.pos)) throw fail(`expected ${JSON.stringify(token.text)} at ${state.pos}`);
			state.pos += token.text.length;
			return;
		}
		const { letter, count } = token;
		const next = tokens[index + 1];
		const adjacentNumber = next !== undefined && next.kind === 'field' && NUMERIC_LETTERS.has(next.letter);
		const textual = (letter === 'M' && count >= 3) || letter === 'E' || letter === 'a';
		if (NUMERIC_LETTERS.has(letter) && !textual) {
			const digits = readDigits(state, adjacentNumber || (letter === 'y' && count === 2) ? count : undefined);
			if (digits === undefined) throw fail(`expected digits for '${letter.repeat(count)}' at ${state.pos}`);
			const value = Number(digits);
			switch (letter) {
				case 'y':
					f.year = count === 2 ? (value < 70 ? 2000 + value : 1900 + value) : value;
					break;
				case 'M':
					f.month = value;
					break;
				case 'd':
					f.day = value;
					break;
				case 'D':
					dayOfYear = value;
					break;
				case 'H':
					f.hour = value;
					break;
				case 'h':
					hour12 = value;
					break;
				case 'm':
					f.minute = value;
					break;
				case 's':
					f.second = value;
					break;
				case 'S':
					if (fractionMode === 'javaMillis') {
						if (value > 999) throw fail('milliseconds out of range');
						f.micro = value * 1000;
					} else {
						f.micro = fractionDigitsToMicros(digits);
					}
					break;
			}
			return;
		}
		if (letter === 'M') {
			const month = readName(state, MONTHS);
			if (month === undefined) throw fail(`expected a month name at ${state.pos}`);
			f.month = month + 1;
		} else if (letter === 'E') {
			if (readName(state, WEEKDAYS) === undefined) throw fail(`expected a day name at ${state.pos}`);
		} else if (letter === 'a') {
			const marker = text.slice(state.pos, state.pos + 2).toUpperCase();
			if (marker !== 'AM' && marker !== 'PM') throw fail(`expected AM or PM at ${state.pos}`);
			pm = marker === 'PM';
			state.pos += 2;
		} else {
			const zone = readZone(state, letter);
			if (zone === undefined) throw fail(`expected a zone offset at ${state.pos}`);
			offset = zone;
		}
	});
	if (state.pos !== text.length) throw fail(`unexpected text at ${state.pos}`);
	if (hour12 !== undefined) {
		if (hour12 < 1 || hour12 > 12) throw fail('hour out of range');
		f.hour = (hour12 % 12) + (pm ? 12 : 0);
	} else if (pm !== undefined && f.hour < 12 && pm) {
		f.hour += 12;
	}
	if (dayOfYear !== undefined) {
		const yearLength = isLeapYear(f.year) ? 366 : 365;
		if (dayOfYear < 1 || dayOfYear > yearLength) throw fail('day of year out of range');
		const civil = civilFromDays(daysFromCivil(f.year, 1, 1) + dayOfYear - 1);
		f.month = civil.month;
		f.day = civil.day;
	}
	const problem = checkFields(f);
	if (problem !== undefined) throw fail(problem);
	const result = fieldsToEpochMicros(f, offset ?? options.offsetMinutes ?? 0);
	if (!Number.isSafeInteger(result)) throw fail('instant out of range');
	return result;
}
