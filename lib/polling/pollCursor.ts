// The polling cursor: an instant (the provider's own date string, full precision) from which the
// next poll reads again (`date_updated >= at`), plus the record versions at or after that instant
// that were already handled, which the next poll drops.
//
// Why re-read instead of continuing strictly after the last record: several records can share one
// microsecond, and a record can still be written at the newest instant after a poll has read past
// it (two writes within one microsecond). Writes only ever get dates at or after the provider's
// newest date at the time they happen, so a poll that noted that newest date (`floor`) before its
// first page knows everything older is settled; only versions from `floor` on are kept. With no
// writes during a poll that is the one newest instant, so the cursor stays small however many
// records pass.

export interface PollCursor {
	/** The provider's date string the next poll starts at (inclusive); null = from the start. */
	at: string | null;
	/** `at` as epoch microseconds; null with `at`. */
	atUs: number | null;
	/** Versions handled at or after `at`: `<epoch us>|<id>`. */
	seen: string[];
}

export const EMPTY_CURSOR: PollCursor = { at: null, atUs: null, seen: [] };

/** The order records and events are handed over in: by date, then by id (code units, as Close's ids compare). */
export function byDateThenId(a: { us: number; id: string }, b: { us: number; id: string }): number {
	return a.us - b.us || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function versionKey(us: number, id: string): string {
	return `${us}|${id}`;
}

/** True when this version was already handled according to the cursor, or lies before it. */
export function isBehindCursor(cursor: PollCursor, seen: ReadonlySet<string>, us: number, id: string): boolean {
	if (cursor.atUs !== null && us < cursor.atUs) return true;
	return seen.size > 0 && seen.has(versionKey(us, id));
}

/**
 * The cursor after a poll: restart at `floor` (the earlier of the newest instant noted before the
 * poll's first page, and where the poll stopped), forgetting versions older than it.
 */
export function settleCursor(
	floor: { at: string; us: number } | null,
	handled: Iterable<{ us: number; id: string }>,
	previous: PollCursor,
): PollCursor {
	if (!floor) return previous;
	const seen = new Set<string>();
	for (const key of previous.seen) {
		const us = Number(key.slice(0, key.indexOf('|')));
		if (us >= floor.us) seen.add(key);
	}
	for (const { us, id } of handled) if (us >= floor.us) seen.add(versionKey(us, id));
	return { at: floor.at, atUs: floor.us, seen: [...seen] };
}

/** Reads a stored cursor back, tolerating anything malformed as "no cursor". */
export function readCursor(value: unknown): PollCursor | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const v = value as Record<string, unknown>;
	const seen = Array.isArray(v.seen) ? v.seen.filter((x): x is string => typeof x === 'string' && /^-?\d+\|./.test(x)) : [];
	if (v.at === null && v.atUs === null) return { at: null, atUs: null, seen };
	if (typeof v.at !== 'string' || typeof v.atUs !== 'number' || !Number.isSafeInteger(v.atUs)) {
		return undefined;
	}
	return { at: v.at, atUs: v.atUs, seen };
}
