// Expands the placeholders Open Connectors' poller replaces in `event.poller.configuration` URLs
// with the time of the last poll (protocols.md). Shared by the node and the sandbox's poller
// emulation, so both render a cursor identically.

import { formatInstant, type FractionMode } from './datePattern';

export interface PlaceholderOptions {
	/** The platform server's zone for `${date:..}`, in minutes east of UTC (default 0: UTC). */
	serverOffsetMinutes?: number;
	fractionMode?: FractionMode;
}

/** Index just past the `}` that closes a placeholder body starting at `from`; quotes may hide `}`. */
function closingBraceIndex(template: string, from: number): number {
	let quoted = false;
	for (let i = from; i < template.length; i++) {
		const ch = template[i];
		if (ch === "'") quoted = !quoted;
		else if (ch === '}' && !quoted) return i;
	}
	return -1;
}

const FIXED_ZONE = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;
const ZONE_PREFIX = /^(?:(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*)(?=:)/;

/** A formatter of a zone's wall clock, or undefined when Intl does not know the zone. */
function wallClockFormat(zone: string): Intl.DateTimeFormat | undefined {
	try {
		return new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
	} catch {
		return undefined;
	}
}

/** Minutes east of UTC of an IANA zone at an instant, from Intl's wall-clock rendering. */
function ianaOffsetMinutes(zone: string, epochMicros: number): number {
	const format = wallClockFormat(zone);
	if (format === undefined) throw new Error(`Unknown time zone "${zone}"`);
	// Offsets are whole minutes, so the second this instant falls in is precise enough.
	const epochMs = Math.floor(epochMicros / 1_000_000) * 1000;
	const parts: Record<string, number> = {};
	for (const part of format.formatToParts(epochMs)) parts[part.type] = Number(part.value);
	const wallMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
	return Math.round((wallMs - epochMs) / 60_000);
}

/** Offset in minutes of `UTC`, `GMT`, `+05:30`, `GMT+2`, `UTC-0330` or an IANA zone name. */
export function zoneOffsetMinutes(zone: string, epochMicros: number): number {
	if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return 0;
	const fixed = FIXED_ZONE.exec(zone);
	if (fixed) {
		const hours = Number(fixed[2]);
		const minutes = fixed[3] === undefined ? 0 : Number(fixed[3]);
		if (hours > 23 || minutes > 59) throw new Error(`Invalid time zone offset "${zone}"`);
		return (fixed[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
	}
	return ianaOffsetMinutes(zone, epochMicros);
}

function floorDivide(value: number, by: number): number {
	return Math.floor(value / by);
}

function expandOne(body: string, epochMicros: number, options: PlaceholderOptions): string {
	const fractionMode = options.fractionMode;
	if (body === 'epoch') return String(floorDivide(epochMicros, 1000));
	if (body === 'epoch:s') return String(floorDivide(epochMicros, 1_000_000));
	if (body === 'epoch:us') return String(epochMicros);
	if (body.startsWith('gmtDate:')) {
		return formatInstant(epochMicros, body.slice('gmtDate:'.length), { fractionMode, zoneName: 'GMT' });
	}
	if (body.startsWith('date:')) {
		const offsetMinutes = options.serverOffsetMinutes ?? 0;
		return formatInstant(epochMicros, body.slice('date:'.length), { fractionMode, offsetMinutes });
	}
	if (body.startsWith('dateTimeZone:')) {
		const rest = body.slice('dateTimeZone:'.length);
		const zone = ZONE_PREFIX.exec(rest);
		if (!zone) throw new Error(`Placeholder "\${${body}}" needs a zone and a pattern: \${dateTimeZone:<zone>:<pattern>}`);
		const offsetMinutes = zoneOffsetMinutes(zone[0], epochMicros);
		const pattern = rest.slice(zone[0].length + 1);
		const zoneName = zone[0] === 'UTC' || zone[0] === 'GMT' ? zone[0] : undefined;
		return formatInstant(epochMicros, pattern, { fractionMode, offsetMinutes, zoneName });
	}
	throw new Error(`Unknown placeholder "\${${body}}"`);
}

/**
 * Replaces every `${...}` in a poller URL template with the given instant (epoch micros).
 * Throws naming an unknown or unterminated placeholder.
 */
export function expandPlaceholders(template: string, epochMicros: number, options: PlaceholderOptions = {}): string {
	let out = '';
	let i = 0;
	while (i < template.length) {
		const start = template.indexOf('${', i);
		if (start < 0) break;
		const end = closingBraceIndex(template, start + 2);
		if (end < 0) throw new Error(`Unterminated placeholder "${template.slice(start)}"`);
		out += template.slice(i, start) + expandOne(template.slice(start + 2, end), epochMicros, options);
		i = end + 1;
	}
	return out + template.slice(i);
}
