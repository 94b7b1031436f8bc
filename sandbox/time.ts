// Instants are epoch microseconds (number). Date keeps milliseconds only, so every
// conversion here is done by hand on the digits.

const ISO_RE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses an ISO-8601 instant at microsecond precision; no offset means UTC. */
export function parseIsoMicros(text: string): number | undefined {
	const m = ISO_RE.exec(text.trim());
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', off] = m;
	const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
	if (Number.isNaN(ms)) return undefined;
	if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 60) return undefined;
	const micros = frac ? Number((frac + '000000').slice(0, 6)) : 0;
	let offsetMin = 0;
	if (off && off !== 'Z' && off !== 'z') {
		const sign = off[0] === '-' ? -1 : 1;
		const digits = off.slice(1).replace(':', '');
		offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
	}
	// Date.UTC floors to ms; seconds * 1e6 + micros keeps the exact value.
	return (ms - offsetMin * 60000) * 1000 + micros;
}




const scratch = Buffer.alloc(40);
let scratchSecs = NaN;

// Written into a Buffer so the result is one flat string: a template literal leaves a rope of
// pieces that costs several times the string's size, which matters for a million records. The
// date-time prefix is reused while the second does not change (seeding writes runs of them).
function formatWithFraction(micros: number, withOffset: boolean): string {
	const secs = Math.floor(micros / 1e6);
	let frac = micros - secs * 1e6;
	if (secs !== scratchSecs) {
		scratch.write(new Date(secs * 1000).toISOString().slice(0, 19), 0, 'latin1');
		scratch[19] = 46; // '.'
		scratchSecs = secs;
	}
	for (let i = 25; i >= 20; i--) {
		scratch[i] = 48 + (frac % 10);
		frac = (frac - (frac % 10)) / 10;
	}
	if (!withOffset) return scratch.toString('latin1', 0, 26);
	scratch.write('+00:00', 26, 'latin1');
	return scratch.toString('latin1', 0, 32);
}

/** Close object dates: `2024-05-01T10:00:00.123456+00:00`. */
export function formatCloseDate(micros: number): string {
	return formatWithFraction(micros, true);
}

/** Close event-level dates carry no offset: `2019-01-15T12:48:23.395000`. */
export function formatEventDate(micros: number): string {
	return formatWithFraction(micros, false);
}

/** Millisecond ISO with Z, as Open Connectors writes its own dates. */
export function formatIsoMillis(micros: number): string {
	return new Date(Math.floor(micros / 1000)).toISOString();
}

/** Accepts epoch micros, an ISO string, or a Date. */
export function toMicros(value: number | string | Date): number {
	if (typeof value === 'number') return value;
	if (value instanceof Date) return value.getTime() * 1000;
	const parsed = parseIsoMicros(value);
	if (parsed === undefined) throw new Error(`not an ISO-8601 instant: ${value}`);
	return parsed;
}
