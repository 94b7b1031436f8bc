// Reads Close's event log (`GET /event/`) for one source: an object_type and the actions wanted
// from it. Shared by polling mode and webhook mode's catch-up; pure (the list function is injected).
//
// What Close documents (close-events-api-openapi.yml, "Retrieve a list of events") and how it is met:
// - Only some filter combinations are answered; `object_type` alone is not one of them. Each action
//   is read with `object_type` + `action` (+ `date_updated__gte`), a listed combination.
// - No `_skip`: pages go by `_cursor` = the previous page's `cursor_next`, with the same filters.
// - "Events may be visible through the API in a different order than they were triggered ...
//   event consolidation of multiple recent events to the same object may occur ... we recommend to
//   scan the latest five minutes of events." So each read starts RESCAN_WINDOW before the newest
//   date already handled (the cursor's `at`), not at it, and the versions already handled in that
//   window (`seen`) are refused. An event that becomes visible up to five minutes behind the newest
//   one handled is still delivered, once.
//
// What "once" means: once per version of an event, a version being (event id, date_updated). A
// consolidated event keeps its id and gets a later date_updated with more content: that is a new
// version, delivered again (with the merged content), never lost; the same version never comes twice.
// The cursor keeps only versions inside the re-scan window, so its size follows the number of
// events in five minutes, not the history (about 50 bytes a version).

import { parseInstant } from './datePattern';
import type { ProviderRecord } from './hubTypes';
import { byDateThenId, versionKey, type PollCursor } from './pollCursor';

/** Close's recommendation: re-scan the latest five minutes of events. */
export const RESCAN_WINDOW_US = 5 * 60 * 1_000_000;
/** Close's cap for `_limit` on the event log. */
export const EVENT_LOG_LIMIT = 50;
const MAX_PAGES = 100_000;

/** One supported query: `object_type` + `action`, optionally from a date, paged by cursor. */
export interface EventLogQuery {
	object_type: string;
	action: string;
	date_updated__gte?: string;
	_limit: number;
	_cursor?: string;
}

export type ListEvents = (query: EventLogQuery) => Promise<{ data: ProviderRecord[]; cursor_next?: string | null }>;

/** An event-log source: Close's object_type and the actions wanted from it. */
export interface EventLogSource {
	objectType: string;
	actions: string[];
}

/**
 * The event log's cursor: `at` is the newest date handled (the re-scan starts RESCAN_WINDOW before
 * it), `seen` the versions handled inside that window (`<us>|<event id>`), `notBeforeUs` a lower
 * bound kept from a "start from" date while the window still reaches before it.
 */
export interface EventLogCursor extends PollCursor {
	notBeforeUs?: number;
	/** 2: written by this reader (`at` = newest handled). Absent: the earlier reader's (`at` = a floor). */
	v?: 2;
}

export interface LoggedEvent {
	event: ProviderRecord;
	/** date_updated (else date_created) in epoch us. */
	us: number;
	id: string;
}

/** Event-level dates as Close writes them (UTC, no offset, six fraction digits). */
export function closeEventDate(us: number): string {
	const ms = Math.floor(us / 1000);
	const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
	const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
	return `${iso.slice(0, 19)}.${micros}`;
}

function loggedEvent(event: ProviderRecord): LoggedEvent {
	const id = event.id;
	if (typeof id !== 'string' || id === '') throw new Error("An event from Close's event log has no id");
	const at = event.date_updated ?? event.date_created;
	if (typeof at !== 'string') throw new Error(`An event from Close's event log has no date (id ${id})`);
	return { event, us: parseInstant(at), id };
}

/** Every event of the source dated at or after `fromUs` (null: all), oldest first, each version once. */
async function scan(list: ListEvents, source: EventLogSource, fromUs: number | null, counter: { events: number }): Promise<LoggedEvent[]> {
	const byKey = new Map<string, LoggedEvent>();
	const from = fromUs === null ? undefined : closeEventDate(fromUs);
	// The actions are independent queries: read together.
	await Promise.all(
		source.actions.map(async (action) => {
			let cursor: string | undefined;
			for (let page = 0; page < MAX_PAGES; page++) {
				counter.events++;
				const answer = await list({ object_type: source.objectType, action, date_updated__gte: from, _limit: EVENT_LOG_LIMIT, _cursor: cursor });
				let older = false;
				for (const raw of answer.data) {
					const e = loggedEvent(raw);
					// Close may not apply date_updated to cursor pages ("supply any other filters except
					// date_updated"): what lies before the window ends the walk here.
					if (fromUs !== null && e.us < fromUs) {
						older = true;
						continue;
					}
					byKey.set(versionKey(e.us, e.id), e);
				}
				if (older || !answer.cursor_next || answer.data.length === 0 || answer.cursor_next === cursor) break;
				cursor = answer.cursor_next;
			}
		}),
	);
	return [...byKey.values()].sort(byDateThenId);
}

/**
 * Reads what the source logged since the cursor (re-scanning the last five minutes), oldest first,
 * handing each version not handled before to `take`; `take` returning false stops the read before
 * that event (a cap: it comes next time). Returns the next cursor.
 */
export async function readEventLog(
	list: ListEvents,
	source: EventLogSource,
	cursor: EventLogCursor,
	take: (event: LoggedEvent) => boolean,
	counter: { events: number } = { events: 0 },
): Promise<EventLogCursor> {
	const notBefore = cursor.notBeforeUs ?? null;
	let fromUs = cursor.atUs === null ? notBefore : cursor.atUs - RESCAN_WINDOW_US;
	if (fromUs !== null && notBefore !== null && notBefore > fromUs) fromUs = notBefore;
	const seen = new Set(cursor.seen);
	const handled: LoggedEvent[] = [];
	for (const e of await scan(list, source, fromUs, counter)) {
		if (seen.has(versionKey(e.us, e.id))) continue;
		if (!take(e)) break;
		handled.push(e);
	}
	return settleLogCursor(cursor, handled);
}

/** The cursor after handling `handled`: `at` moves to the newest date handled; seen keeps the window. */
export function settleLogCursor(cursor: EventLogCursor, handled: LoggedEvent[]): EventLogCursor {
	let atUs = cursor.atUs;
	let at = cursor.at;
	for (const e of handled) {
		if (atUs === null || e.us > atUs) {
			atUs = e.us;
			at = closeEventDate(e.us);
		}
	}
	if (atUs === null) return cursor;
	const floor = atUs - RESCAN_WINDOW_US;
	const seen = new Set<string>();
	for (const key of cursor.seen) if (Number(key.slice(0, key.indexOf('|'))) >= floor) seen.add(key);
	for (const e of handled) if (e.us >= floor) seen.add(versionKey(e.us, e.id));
	const next: EventLogCursor = { at, atUs, seen: [...seen], v: 2 };
	if (cursor.notBeforeUs !== undefined && cursor.notBeforeUs > floor) next.notBeforeUs = cursor.notBeforeUs;
	return next;
}

/**
 * The cursor that makes "now" the start: everything the source logged up to its newest event counts
 * as handled (the whole re-scan window is read, so a later re-scan refuses it).
 */
export async function eventLogCursorAtNewest(list: ListEvents, source: EventLogSource, counter: { events: number } = { events: 0 }): Promise<EventLogCursor> {
	let newest: number | null = null;
	await Promise.all(
		source.actions.map(async (action) => {
			counter.events++;
			const page = await list({ object_type: source.objectType, action, _limit: 1 });
			const first = page.data[0];
			if (first) {
				const { us } = loggedEvent(first);
				if (newest === null || us > newest) newest = us;
			}
		}),
	);
	if (newest === null) return { at: null, atUs: null, seen: [] };
	const top: number = newest;
	const start: EventLogCursor = { at: closeEventDate(top), atUs: top, seen: [] };
	// Events after `top` were logged after the start was taken: not handled, they come next read.
	return await readEventLog(list, source, start, (e) => e.us <= top, counter);
}

/**
 * A stored event-log cursor read back; anything malformed is "no cursor". A cursor of the earlier
 * reader kept only the versions at or after its `at`: what lies before it was handled but is not in
 * `seen`, so `at` stays a lower bound until the window has moved past it (no second delivery after
 * an upgrade).
 */
export function readEventLogCursor(value: unknown, base: PollCursor | undefined): EventLogCursor | undefined {
	if (!base) return undefined;
	const v = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
	if (v.v !== 2) return base.atUs === null ? base : { ...base, notBeforeUs: base.atUs, v: 2 };
	const notBefore = v.notBeforeUs;
	const cursor: EventLogCursor = { ...base, v: 2 };
	if (typeof notBefore === 'number' && Number.isSafeInteger(notBefore)) cursor.notBeforeUs = notBefore;
	return cursor;
}
