// Node-side polling: reads what changed since the stored cursors, at the provider's full precision,
// without ever trusting the host clock. Pure: the caller injects the two list functions.
//
// Records (created/updated) come from the Open Connectors CRM hub, read in (date_updated, id) order
// with KEYSET pages (each page asks for what lies after the last record seen) rather than the
// platform's offset tokens, because an offset page shifts when a record changes between two page
// requests and the record that slides across the boundary would be skipped for good.
// Deletes and merges leave nothing in the hub; they come from Close's event log.

import type { CloseObject, TriggerEvent, TriggerItem } from './objects';
import { hubResourceOf } from './objects';
import { advanceCursor, EMPTY_CURSOR, isBehindCursor, readCursor, type PollCursor } from './pollCursor';
import { formatInstant, parseInstant, patternResolutionMicros } from './datePattern';
import { fromCloseEvent, fromPolledRecord } from './normalize';

export type ProviderRecord = Record<string, unknown>;

export interface HubQuery {
	where?: string;
	orderBy: string;
	pageSize: number;
	nextPage?: string;
}

export interface EventLogQuery {
	object_type: string;
	date_updated__gte?: string;
	_limit: number;
	_cursor?: string;
}

export interface PollSources {
	listHub(resource: string, query: HubQuery): Promise<{ records: ProviderRecord[]; nextPage?: string }>;
	listEvents(query: EventLogQuery): Promise<{ data: ProviderRecord[]; cursor_next?: string | null }>;
}

export type StartFrom = { mode: 'now' } | { mode: 'all' } | { mode: 'date'; date: string };

export interface PollSettings {
	objects: CloseObject[];
	events: TriggerEvent[];
	pageSize: number;
	/** Items emitted per object and per source in one poll; 0 = no cap. The rest comes next poll. */
	maxItemsPerPoll: number;
	/** Java date pattern the hub query's date literal is written in. */
	datePattern: string;
	includeRaw: boolean;
	startFrom: StartFrom;
}

export interface PollState {
	v: 1;
	records: Partial<Record<CloseObject, PollCursor>>;
	events: Partial<Record<CloseObject, PollCursor>>;
}

export interface PollResult {
	items: TriggerItem[];
	state: PollState;
	requests: { hub: number; events: number };
}

const EVENT_LOG_LIMIT = 50;
const DELETE_MERGE: TriggerEvent[] = ['deleted', 'merged'];

export function readPollState(value: unknown): PollState {
	const state: PollState = { v: 1, records: {}, events: {} };
	if (!value || typeof value !== 'object') return state;
	const v = value as Record<string, unknown>;
	for (const part of ['records', 'events'] as const) {
		const stored = v[part];
		if (!stored || typeof stored !== 'object') continue;
		for (const [object, cursor] of Object.entries(stored as Record<string, unknown>)) {
			const read = readCursor(cursor);
			if (read) state[part][object as CloseObject] = read;
		}
	}
	return state;
}

/** CEQL single-quoted literal. */
export function ceqlString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function recordDate(record: ProviderRecord, field: string, object: CloseObject): { at: string; us: number } {
	const at = record[field];
	if (typeof at !== 'string') {
		throw new Error(`A ${object} from the CRM hub has no "${field}" (id ${String(record.id)})`);
	}
	return { at, us: parseInstant(at) };
}

function recordId(record: ProviderRecord, object: CloseObject): string {
	const id = record.id;
	if (typeof id !== 'string' || id === '') throw new Error(`A ${object} from the CRM hub has no "id"`);
	return id;
}

function startCursor(start: StartFrom): PollCursor {
	if (start.mode === 'date') {
		const us = parseInstant(start.date);
		return { at: start.date, atUs: us, ids: [] };
	}
	return EMPTY_CURSOR;
}

export async function runPoll(sources: PollSources, settings: PollSettings, previous: PollState): Promise<PollResult> {
	const state: PollState = { v: 1, records: { ...previous.records }, events: { ...previous.events } };
	const requests = { hub: 0, events: 0 };
	const items: TriggerItem[] = [];
	const wantsRecords = settings.events.some((e) => e === 'created' || e === 'updated');
	const wantsLog = settings.events.some((e) => DELETE_MERGE.includes(e));

	for (const object of settings.objects) {
		const perObject: Array<{ us: number; item: TriggerItem }> = [];
		if (wantsRecords) {
			const cursor = state.records[object];
			if (!cursor && settings.startFrom.mode === 'now') {
				state.records[object] = await newestRecordCursor(sources, object, settings, requests);
			} else {
				const read = await readRecords(sources, object, settings, cursor ?? startCursor(settings.startFrom), requests);
				state.records[object] = read.cursor;
				for (const entry of read.items) perObject.push(entry);
			}
		}
		if (wantsLog) {
			const cursor = state.events[object];
			if (!cursor && settings.startFrom.mode === 'now') {
				state.events[object] = await newestEventCursor(sources, object, requests);
			} else {
				const read = await readEventLog(sources, object, settings, cursor ?? startCursor(settings.startFrom), requests);
				state.events[object] = read.cursor;
				for (const entry of read.items) perObject.push(entry);
			}
		}
		// Stable: records and log events of one instant keep their own order.
		perObject.sort((a, b) => a.us - b.us);
		for (const entry of perObject) items.push(entry.item);
	}
	return { items, state, requests };
}

function keysetWhere(after: { at: string; us: number; id: string }, pattern: string): string {
	const literal = ceqlString(formatInstant(after.us, pattern));
	return `date_updated > ${literal} OR (date_updated = ${literal} AND id > ${ceqlString(after.id)})`;
}

async function readRecords(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	start: PollCursor,
	requests: PollResult['requests'],
): Promise<{ items: Array<{ us: number; item: TriggerItem }>; cursor: PollCursor }> {
	const resource = hubResourceOf(object);
	const exact = patternResolutionMicros(settings.datePattern) === 1;
	const orderBy = 'date_updated asc, id asc';
	const cap = settings.maxItemsPerPoll > 0 ? settings.maxItemsPerPoll : Infinity;
	const wantCreated = settings.events.includes('created');
	const wantUpdated = settings.events.includes('updated');
	const items: Array<{ us: number; item: TriggerItem }> = [];
	let cursor = start;
	let where: string | undefined =
		start.atUs === null ? undefined : `date_updated >= ${ceqlString(formatInstant(start.atUs, settings.datePattern))}`;
	let nextPage: string | undefined;

	for (;;) {
		requests.hub++;
		const page = await sources.listHub(resource, { where, orderBy, pageSize: settings.pageSize, nextPage });
		let last: { at: string; us: number; id: string } | undefined;
		for (const record of page.records) {
			const id = recordId(record, object);
			const { at, us } = recordDate(record, 'date_updated', object);
			last = { at, us, id };
			// A coarse date pattern makes the query return older records too; they are dropped here.
			if (isBehindCursor(cursor, us, id)) continue;
			const item = fromPolledRecord(object, record, {
				source: 'polling',
				includeRaw: settings.includeRaw,
				cursorMicros: start.atUs ?? undefined,
			});
			const wanted = item.event === 'created' ? wantCreated : wantUpdated;
			if (wanted) {
				if (items.length >= cap) return { items, cursor };
				items.push({ us, item });
			}
			cursor = advanceCursor(cursor, at, us, id);
		}
		if (page.records.length < settings.pageSize || !last) break;
		if (exact) {
			where = keysetWhere(last, settings.datePattern);
			nextPage = undefined;
		} else {
			// Keyset needs exact literals; with a coarse pattern follow the platform's own paging.
			if (!page.nextPage) break;
			nextPage = page.nextPage;
		}
	}
	return { items, cursor };
}

async function newestRecordCursor(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	requests: PollResult['requests'],
): Promise<PollCursor> {
	requests.hub++;
	const page = await sources.listHub(hubResourceOf(object), {
		orderBy: 'date_updated desc, id desc',
		pageSize: settings.pageSize,
	});
	const newest = page.records[0];
	if (!newest) return EMPTY_CURSOR;
	const { at, us } = recordDate(newest, 'date_updated', object);
	// Everything already at the newest instant counts as seen; only later writes are news.
	const ids = page.records
		.filter((r) => typeof r.date_updated === 'string' && parseInstant(r.date_updated) === us)
		.map((r) => recordId(r, object));
	return { at, atUs: us, ids };
}

function eventDate(event: ProviderRecord): { at: string; us: number } {
	const at = event.date_updated ?? event.date_created;
	if (typeof at !== 'string') throw new Error(`An event from Close's event log has no date (id ${String(event.id)})`);
	return { at, us: parseInstant(at) };
}

async function newestEventCursor(
	sources: PollSources,
	object: CloseObject,
	requests: PollResult['requests'],
): Promise<PollCursor> {
	requests.events++;
	const page = await sources.listEvents({ object_type: object, _limit: EVENT_LOG_LIMIT });
	const newest = page.data[0];
	if (!newest) return EMPTY_CURSOR;
	const { at, us } = eventDate(newest);
	const ids = page.data.filter((e) => eventDate(e).us === us).map((e) => String(e.id));
	return { at, atUs: us, ids };
}

async function readEventLog(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	start: PollCursor,
	requests: PollResult['requests'],
): Promise<{ items: Array<{ us: number; item: TriggerItem }>; cursor: PollCursor }> {
	// The log is newest first and cursor-paged: read back to the boundary, then replay oldest first.
	const collected: Array<{ at: string; us: number; id: string; event: ProviderRecord }> = [];
	let pageCursor: string | undefined;
	for (;;) {
		requests.events++;
		const page = await sources.listEvents({
			object_type: object,
			date_updated__gte: start.at ?? undefined,
			_limit: EVENT_LOG_LIMIT,
			_cursor: pageCursor,
		});
		for (const event of page.data) {
			const id = event.id;
			if (typeof id !== 'string' || id === '') throw new Error("An event from Close's event log has no id");
			const { at, us } = eventDate(event);
			collected.push({ at, us, id, event });
		}
		if (!page.cursor_next || page.data.length === 0) break;
		pageCursor = page.cursor_next;
	}
	collected.sort((a, b) => a.us - b.us || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const cap = settings.maxItemsPerPoll > 0 ? settings.maxItemsPerPoll : Infinity;
	const items: Array<{ us: number; item: TriggerItem }> = [];
	let cursor = start;
	for (const { at, us, id, event } of collected) {
		if (isBehindCursor(cursor, us, id)) continue;
		const action = String(event.action);
		const wanted = DELETE_MERGE.includes(action as TriggerEvent) && settings.events.includes(action as TriggerEvent);
		if (wanted) {
			if (items.length >= cap) break;
			items.push({ us, item: fromCloseEvent(event, { source: 'polling', includeRaw: settings.includeRaw }) });
		}
		cursor = advanceCursor(cursor, at, us, id);
	}
	return { items, cursor };
}

/** "Fetch test event": the newest record of each selected object, without touching any cursor. */
export async function sampleItems(sources: PollSources, settings: PollSettings): Promise<TriggerItem[]> {
	const items: TriggerItem[] = [];
	for (const object of settings.objects) {
		const page = await sources.listHub(hubResourceOf(object), { orderBy: 'date_updated desc, id desc', pageSize: 1 });
		const newest = page.records[0];
		if (newest) items.push(fromPolledRecord(object, newest, { source: 'polling', includeRaw: settings.includeRaw }));
	}
	return items;
}
