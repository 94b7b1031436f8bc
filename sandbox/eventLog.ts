// Close's event log, `GET /event/`, as Close documents it (Close's API reference, "Retrieve a list of
// events": api-evangelist/close openapi/close-events-api-openapi.yml, the same text as
// developer.close.com/api/resources/events):
//
// - "Only certain combinations of filters are supported. `date_updated` can be optionally used with
//   any allowed filter combination." The combinations, exactly as listed there, are
//   SUPPORTED_FILTERS below: object_type+object_id, object_type+action, object_id+action,
//   lead_id+object_type, lead_id+object_type+action, lead_id+user_id+object_type(+action),
//   lead_id+user_id, user_id+object_id(+action), user_id+object_type(+action), just lead_id, just
//   user_id, just request_id. Anything else is a 400, including no filter at all and object_type
//   alone (strictest reading: the list is the whole of what Close answers).
// - "The endpoint ... does *not* support `_skip`": a 400 here. Pages go by `_cursor` (cursor_next =
//   older, cursor_previous = newer); "you still need to supply any other filters (except for
//   `date_updated`) that were used in the previous query": a cursor used with other filters is a 400.
// - `_limit`: "capped at and defaulting to 50" (above 50: 400, the strict reading).
// - "Events are always ordered by date (latest first), i.e. the `date_updated` field": listed by
//   (date_updated, log order) even when an event was logged late, with a date before events already
//   listed (admin mutations with `at`, sandbox/README.md): it shows up behind them, as on Close
//   ("Events may be visible through the API in a different order than they were triggered").
// - "event consolidation of multiple recent events to the same object may occur": the
//   `consolidationMs` knob (off by default) folds an `updated` event into the previous `updated`
//   event of the same object logged within that window: same event id, the later date_updated,
//   the latest data, the first previous_data, the union of changed_fields.

import { HttpError } from './router';
import type { CloseEvent, StoredEvent } from './store';
import { parseIsoMicros } from './time';

export const EVENT_FILTERS = ['object_type', 'object_id', 'action', 'lead_id', 'user_id', 'request_id'] as const;
type EventFilter = (typeof EVENT_FILTERS)[number];

export const SUPPORTED_FILTERS: ReadonlyArray<readonly EventFilter[]> = [
	['object_type', 'object_id'],
	['object_type', 'action'],
	['object_id', 'action'],
	['lead_id', 'object_type'],
	['lead_id', 'object_type', 'action'],
	['lead_id', 'user_id', 'object_type'],
	['lead_id', 'user_id', 'object_type', 'action'],
	['lead_id', 'user_id'],
	['user_id', 'object_id'],
	['user_id', 'object_id', 'action'],
	['user_id', 'object_type'],
	['user_id', 'object_type', 'action'],
	['lead_id'],
	['user_id'],
	['request_id'],
];

const MAX_LIMIT = 50;

function badRequest(message: string, field: string, fieldMessage: string): HttpError {
	return new HttpError(400, message, { errors: [message], 'field-errors': { [field]: fieldMessage } });
}

/** The filters present, when Close supports that combination; else Close's 400. */
export function supportedFilters(query: URLSearchParams): Array<[EventFilter, string]> {
	if (query.has('_skip')) throw badRequest('_skip is not supported on the event log: use _cursor', '_skip', 'Not supported.');
	const present = EVENT_FILTERS.filter((k) => query.get(k) !== null);
	const key = [...present].sort().join('+');
	if (!SUPPORTED_FILTERS.some((combo) => [...combo].sort().join('+') === key)) {
		const named = present.length ? present.join(' + ') : 'no filter';
		throw badRequest(`Unsupported combination of filters: ${named}`, present[0] ?? 'object_type', 'Only certain combinations of filters are supported.');
	}
	return present.map((k) => [k, query.get(k)!]);
}

type Position = [micros: number, seq: number];

function cmp(s: StoredEvent, p: Position): number {
	return s.micros - p[0] || s.seq - p[1];
}

/** Index of the first event at or after `p` in (date, log order). */
function lowerBound(view: StoredEvent[], p: Position): number {
	let lo = 0;
	let hi = view.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (cmp(view[mid], p) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export class EventLog {
	/** Off (0) by default; see the header. */
	consolidationMs = 0;
	private sorted: StoredEvent[] = [];
	private sortedKey = '';
	private sortedFrom: StoredEvent[] | undefined;

	constructor(private readonly events: () => { list: StoredEvent[]; monotonic: boolean }) {}

	/** The log in (date_updated, log order). */
	private view(): StoredEvent[] {
		const { list, monotonic } = this.events();
		if (monotonic) return list;
		// The store's array is replaced on reset (seqs start again), appended to, or spliced by a fold.
		const key = `${list.length}:${list[list.length - 1]?.seq ?? 0}`;
		if (key !== this.sortedKey || list !== this.sortedFrom) {
			this.sorted = [...list].sort((a, b) => a.micros - b.micros || a.seq - b.seq);
			this.sortedKey = key;
			this.sortedFrom = list;
		}
		return this.sorted;
	}

	list(query: URLSearchParams): { data: CloseEvent[]; cursor_next: string | null; cursor_previous: string | null } {
		const eq = supportedFilters(query);
		const rawLimit = query.get('_limit');
		let limit = MAX_LIMIT;
		if (rawLimit !== null && rawLimit !== '') {
			limit = Number(rawLimit);
			if (!Number.isInteger(limit) || limit < 0) throw badRequest('_limit must be a non-negative integer', '_limit', 'Enter a whole number.');
			if (limit > MAX_LIMIT) throw badRequest(`_limit must be at most ${MAX_LIMIT}`, '_limit', `Ensure this value is less than or equal to ${MAX_LIMIT}.`);
		}
		const bounds: Array<[string, (a: number, b: number) => boolean]> = [
			['date_updated__gte', (a, b) => a >= b],
			['date_updated__gt', (a, b) => a > b],
			['date_updated__lte', (a, b) => a <= b],
			['date_updated__lt', (a, b) => a < b],
		];
		const dateTests: Array<(m: number) => boolean> = [];
		let lowest = -Infinity;
		for (const [name, test] of bounds) {
			const raw = query.get(name);
			if (raw === null) continue;
			const v = parseIsoMicros(raw);
			if (v === undefined) throw badRequest(`${name} is not a valid date`, name, 'Enter a valid date/time.');
			dateTests.push((m) => test(m, v));
			if (name.endsWith('gte') || name.endsWith('gt')) lowest = Math.max(lowest, v);
		}
		const filterKey = eq.map(([k, v]) => `${k}=${v}`).join('&');
		let before: Position | undefined;
		let after: Position | undefined;
		const cursor = query.get('_cursor');
		if (cursor) {
			let parsed: { b?: Position; a?: Position; f?: string };
			try {
				parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
				if (!Array.isArray(parsed.b) && !Array.isArray(parsed.a)) throw new Error('bad');
			} catch {
				throw badRequest('Invalid cursor', '_cursor', 'Invalid cursor.');
			}
			if (parsed.f !== filterKey) {
				throw badRequest('The cursor was made for other filters: supply the same filters (except date_updated)', '_cursor', 'Invalid cursor.');
			}
			before = parsed.b;
			after = parsed.a;
		}
		const matches = (s: StoredEvent): boolean => {
			for (const t of dateTests) if (!t(s.micros)) return false;
			for (const [k, v] of eq) if (s.event[k] !== v) return false;
			return true;
		};
		const view = this.view();
		// Older than index `from` (exclusive), newest first, down to the lowest date asked for.
		const olderMatch = (from: number): number => {
			for (let i = from - 1; i >= 0; i--) {
				if (view[i].micros < lowest) return -1;
				if (matches(view[i])) return i;
			}
			return -1;
		};
		const page: StoredEvent[] = [];
		let oldestIndex = -1;
		if (after) {
			for (let i = lowerBound(view, [after[0], after[1] + 1]); i < view.length && page.length < limit; i++) {
				if (matches(view[i])) page.push(view[i]);
			}
			page.reverse();
			if (page.length) oldestIndex = lowerBound(view, [page[page.length - 1].micros, page[page.length - 1].seq]);
		} else {
			let i = before ? lowerBound(view, before) : view.length;
			while (page.length < limit) {
				i = olderMatch(i);
				if (i < 0) break;
				page.push(view[i]);
				oldestIndex = i;
			}
		}
		const enc = (o: object): string => Buffer.from(JSON.stringify({ ...o, f: filterKey })).toString('base64url');
		const last = page[page.length - 1];
		const first = page[0];
		const hasOlder = last !== undefined && olderMatch(oldestIndex) >= 0;
		return {
			data: page.map((s) => s.event),
			cursor_next: hasOlder ? enc({ b: [last.micros, last.seq] }) : null,
			cursor_previous: first && (cursor || after) ? enc({ a: [first.micros, first.seq] }) : null,
		};
	}

	/**
	 * Consolidation: the earlier `updated` event of the same object, logged within the window before
	 * `micros`, that this one folds into; undefined when none (or the knob is off).
	 */
	foldTarget(list: StoredEvent[], event: CloseEvent, micros: number): number | undefined {
		if (this.consolidationMs <= 0 || event.action !== 'updated') return undefined;
		const windowUs = this.consolidationMs * 1000;
		for (let i = list.length - 1; i >= 0; i--) {
			const s = list[i];
			if (micros - s.micros > windowUs) return undefined;
			if (s.event.object_type === event.object_type && s.event.object_id === event.object_id) {
				return s.event.action === 'updated' && s.micros <= micros ? i : undefined;
			}
		}
		return undefined;
	}
}

/** The consolidated event: the earlier one's id and creation, the later one's date and data. */
export function foldEvents(earlier: CloseEvent, later: CloseEvent): CloseEvent {
	const previous = { ...(later.previous_data ?? {}), ...(earlier.previous_data ?? {}) };
	return {
		...later,
		id: earlier.id,
		date_created: earlier.date_created,
		previous_data: previous,
		changed_fields: [...new Set([...earlier.changed_fields, ...later.changed_fields])],
	};
}
