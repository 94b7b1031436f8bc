// The polling cursor: a position in (date_updated, id) order plus the ids already delivered AT
// that exact instant. Close stamps dates in microseconds and several records can share one
// instant, and a record may still be written at the boundary instant after we read it; so the next
// poll re-reads the boundary instant (`>=`) and drops only the ids listed here. The list holds the
// boundary group and nothing older, so the cursor stays small however many records pass.

export interface PollCursor {
	/** The provider's own date string of the boundary (full precision); null = from the start. */
	at: string | null;
	/** `at` as epoch microseconds; null with `at`. */
	atUs: number | null;
	/** Ids delivered with date exactly `at`. */
	ids: string[];
}

export const EMPTY_CURSOR: PollCursor = { at: null, atUs: null, ids: [] };

/** True when (us, id) was already delivered according to the cursor, or lies before it. */
export function isBehindCursor(cursor: PollCursor, us: number, id: string): boolean {
	if (cursor.atUs === null) return false;
	if (us < cursor.atUs) return true;
	return us === cursor.atUs && cursor.ids.includes(id);
}

/**
 * The cursor after delivering one more record. Records must be delivered in (date, id) order;
 * a record at a later instant starts a new boundary group.
 */
export function advanceCursor(cursor: PollCursor, at: string, us: number, id: string): PollCursor {
	if (cursor.atUs !== null && us < cursor.atUs) {
		throw new Error(`cursor cannot move back from ${cursor.at} to ${at}`);
	}
	if (cursor.atUs === us) {
		return cursor.ids.includes(id) ? cursor : { at: cursor.at, atUs: us, ids: [...cursor.ids, id] };
	}
	return { at, atUs: us, ids: [id] };
}

/** Reads a stored cursor back, tolerating anything malformed as "no cursor". */
export function readCursor(value: unknown): PollCursor | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const v = value as Record<string, unknown>;
	const ids = Array.isArray(v.ids) ? v.ids.filter((x): x is string => typeof x === 'string') : [];
	if (v.at === null && v.atUs === null) return { at: null, atUs: null, ids: [] };
	if (typeof v.at !== 'string' || typeof v.atUs !== 'number' || !Number.isSafeInteger(v.atUs)) {
		return undefined;
	}
	return { at: v.at, atUs: v.atUs, ids };
}
