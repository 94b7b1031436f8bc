// Node-side polling: reads what changed since the stored cursors, at the provider's full precision,
// without ever trusting the host clock. Pure: the caller injects the two list functions.
//
// Records (created/updated) come from the Open Connectors CRM hub, read in (date_updated, id) order
// with KEYSET pages (each page asks for what lies after the last record seen) rather than the
// platform's offset tokens, because an offset page shifts when a record changes between two page
// requests and the record that slides across the boundary would be skipped for good. Keyset pages
// need OR, parentheses, `id` comparisons and a two-field orderBy; where the platform refuses them or
// ignores the second field, the poll reads date windows instead (polling/portableWalk.ts), and
// remembers that finding (polling/querySupport.ts).
// Deletes and merges leave nothing in the hub; they come from Close's event log, and so do
// activities, status changes and task completions (no hub resource), and record updates when only
// some fields count (the log has changed_fields; the hub does not). The log is read by
// polling/eventLogReader.ts: only filter combinations Close answers, re-scanning its last five minutes.

import { quiet } from '../clients/http';
import type { CloseObject, TriggerEvent, TriggerItem } from '../items/objects';
import { hubResourceOf } from '../items/objects';
import { EMPTY_CURSOR, byDateThenId, isBehindCursor, readCursor, settleCursor, type PollCursor } from './pollCursor';
import { formatInstant, parseInstant, patternResolutionMicros } from './datePattern';
import { fromCloseEvent, fromPolledRecord, type PolledRecordContext } from '../items/normalize';
import { PLATFORM_PAGE_MAX } from './dateLiterals';
import { checkNewestKept, walkCheckedWindow } from './portableWalk';
import type { HubQueryMode, HubQuerySupport } from './querySupport';
import { ORDER_PROOF, UnorderedHub, UnsupportedHubQuery, isRefusedQuery, nextHubSupport, queryModeFor, readHubSupport } from './querySupport';
import { newestUnordered, walkUnorderedWindow } from './unorderedWalk';
import { KnownNewest, type KnownRecord } from './knownNewest';
import type { EventLogCursor, EventLogSource, ListEvents } from './eventLogReader';
import { EVENT_LOG_LIMIT, eventLogCursorAtNewest, readEventLog, readEventLogCursor } from './eventLogReader';
import { TASK_EVENT_TYPE } from '../triggerEvents/selection';

import type { HubListing, HubQuery, ProviderRecord } from './hubTypes';
export type { HubListing, HubQuery, ProviderRecord } from './hubTypes';

/** An event-log source of its own: Close's object_type and the actions wanted from it. */
export type LogSource = EventLogSource;
export type { EventLogQuery } from './eventLogReader';

export interface PollSources {
	listHub(resource: string, query: HubQuery): Promise<HubListing>;
	listEvents: ListEvents;
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
	/** Activities, status changes, completions: read from the event log, one cursor each. */
	logSources?: LogSource[];
	/** Record updates from the event log (with changed_fields) instead of the hub. */
	updatesFromLog?: boolean;
	/** A last test on each item (status ids, watched fields); what it refuses is still passed. */
	accept?: (item: TriggerItem) => boolean;
}

export interface PollState {
	v: 1;
	records: Partial<Record<CloseObject, PollCursor>>;
	/** Keyed by Close object_type: a record's (`lead`, `task.lead`), or an activity type such as `activity.note`. */
	events: Partial<Record<string, EventLogCursor>>;
	/** What the platform's hub queries support, as found by the poller (absent: not tried yet). */
	hub?: HubQuerySupport;
}

/**
 * What one object's read gives: its items in date order, each one's instant (`us[i]`, to merge
 * sources; parallel arrays, not a wrapper per item: a poll can hold 100k of them) and next cursor.
 */
interface ObjectRead {
	items: TriggerItem[];
	us: number[];
	cursor: PollCursor;
}

const NOTHING_READ = (cursor: PollCursor): ObjectRead => ({ items: [], us: [], cursor });

/** Two date-ordered reads as one, stable: at one instant `a`'s items come first. */
function mergeByDate(a: Pick<ObjectRead, 'items' | 'us'>, b: Pick<ObjectRead, 'items' | 'us'>): TriggerItem[] {
	if (b.items.length === 0) return a.items;
	if (a.items.length === 0) return b.items;
	const out: TriggerItem[] = [];
	let i = 0;
	let j = 0;
	while (i < a.items.length && j < b.items.length) out.push(a.us[i] <= b.us[j] ? a.items[i++] : b.items[j++]);
	while (i < a.items.length) out.push(a.items[i++]);
	while (j < b.items.length) out.push(b.items[j++]);
	return out;
}

export interface PollResult {
	items: TriggerItem[];
	state: PollState;
	requests: { hub: number; events: number };
}

const DELETE_MERGE: TriggerEvent[] = ['deleted', 'merged'];

export function readPollState(value: unknown): PollState {
	const state: PollState = { v: 1, records: {}, events: {} };
	if (!value || typeof value !== 'object') return state;
	const v = value as Record<string, unknown>;
	for (const part of ['records', 'events'] as const) {
		const stored = v[part];
		if (!stored || typeof stored !== 'object') continue;
		for (const [object, cursor] of Object.entries(stored as Record<string, unknown>)) {
			const read = part === 'events' ? readEventLogCursor(cursor, readCursor(cursor)) : readCursor(cursor);
			if (read) (state[part] as Record<string, PollCursor>)[object] = read;
		}
	}
	if (v.hub !== undefined) state.hub = readHubSupport(v.hub);
	return state;
}

/** CEQL single-quoted literal. */
export function ceqlString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function recordDateText(record: ProviderRecord, field: string, object: CloseObject): string {
	const at = record[field];
	if (typeof at !== 'string') {
		throw new Error(`A ${object} from the CRM hub has no "${field}" (id ${String(record.id)})`);
	}
	return at;
}

function recordDate(record: ProviderRecord, field: string, object: CloseObject): { at: string; us: number } {
	const at = recordDateText(record, field, object);
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
		return { at: start.date, atUs: us, seen: [] };
	}
	return EMPTY_CURSOR;
}

export async function runPoll(
	sources: PollSources,
	settings: PollSettings,
	previous: PollState,
	options: { nowMs?: number } = {},
): Promise<PollResult> {
	const state: PollState = { v: 1, records: { ...previous.records }, events: { ...previous.events } };
	const requests = { hub: 0, events: 0 };
	const updatesFromHub = settings.events.includes('updated') && !settings.updatesFromLog;
	const wantsRecords = settings.events.includes('created') || updatesFromHub;
	const logActions: string[] = settings.events.filter((e) => DELETE_MERGE.includes(e));
	if (settings.updatesFromLog && settings.events.includes('updated')) logActions.push('updated');
	const wantsLog = logActions.length > 0;
	// Each source's new cursor is kept apart and written to the state only when the whole poll succeeded.
	const readLog = async (objectType: string, actions: string[]): Promise<ObjectRead> => {
		const cursor = state.events[objectType];
		const source = { objectType, actions };
		if (!cursor && settings.startFrom.mode === 'now') return NOTHING_READ(await eventLogCursorAtNewest(sources.listEvents, source, requests));
		return await readLogItems(sources, source, settings, cursor ?? startLogCursor(settings.startFrom), requests);
	};
	const support = readHubSupport(previous.hub);
	const mode = queryModeFor(support, options.nowMs);
	let refusal: string | undefined;
	let unordered: string | undefined;
	const proof: KeysetProof = { answered: support.confirmed === true, ordered: support.ordered === true };

	// Objects are independent: read concurrently, so a poll lasts as long as its slowest object.
	const readObject = async (object: CloseObject) => {
		let fromHub: ObjectRead | undefined;
		let fromLog: ObjectRead | undefined;
		if (wantsRecords) {
			const cursor = state.records[object];
			const read = async (m: HubQueryMode) =>
				!cursor && settings.startFrom.mode === 'now'
					? NOTHING_READ(await newestRecordCursor(sources, object, settings, requests, m))
					: await readRecords(sources, object, settings, cursor ?? startCursor(settings.startFrom), requests, m, proof);
			// keyset -> portable -> unordered: each way needs less of the platform than the one before.
			const attempt = async (m: HubQueryMode): Promise<ObjectRead> =>
				await read(m).catch(async (error: unknown) => {
					if (m === 'keyset' && error instanceof UnsupportedHubQuery) {
						refusal ??= error.reason;
						return await attempt('portable');
					}
					if (m !== 'unordered' && error instanceof UnorderedHub) {
						unordered ??= error.reason;
						return await attempt('unordered');
					}
					return await Promise.reject(error);
				});
			fromHub = await attempt(mode);
		}
		if (wantsLog) fromLog = await readLog(recordEventType(object), logActions);
		// Records before log events of the same instant.
		const items = mergeByDate(fromHub ?? NOTHING_READ(EMPTY_CURSOR), fromLog ?? NOTHING_READ(EMPTY_CURSOR));
		return { object, items, records: fromHub?.cursor, events: fromLog?.cursor };
	};
	const readSource = async (source: LogSource) => {
		const read = await readLog(source.objectType, source.actions);
		return { objectType: source.objectType, items: read.items, cursor: read.cursor };
	};
	// Every object and source settles before the poll ends: none is left running when another one failed.
	const [settled, sourcesSettled] = await Promise.all([
		Promise.allSettled(settings.objects.map(readObject)),
		Promise.allSettled((settings.logSources ?? []).map(readSource)),
	]);
	const items: TriggerItem[] = [];
	for (const outcome of [...settled, ...sourcesSettled]) {
		if (outcome.status === 'rejected') throw outcome.reason;
	}
	for (const outcome of settled) {
		if (outcome.status !== 'fulfilled') continue;
		const { object, records, events } = outcome.value;
		if (records) state.records[object] = records;
		if (events) state.events[recordEventType(object)] = events;
		for (const item of outcome.value.items) items.push(item);
	}
	for (const outcome of sourcesSettled) {
		if (outcome.status !== 'fulfilled') continue;
		state.events[outcome.value.objectType] = outcome.value.cursor;
		for (const item of outcome.value.items) items.push(item);
	}
	if (wantsRecords) state.hub = nextHubSupport(support, mode, refusal, options.nowMs, { answered: proof.answered, unordered, ordered: proof.ordered });
	else if (previous.hub) state.hub = previous.hub;
	return { items, state, requests };
}

function keysetWhere(after: { us: number; id: string }, pattern: string): string {
	const literal = ceqlString(formatInstant(after.us, pattern));
	return `date_updated > ${literal} OR (date_updated = ${literal} AND id > ${ceqlString(after.id)})`;
}

type Instant = { at: string; us: number };

function earlier(a: Instant | null, b: Instant | null): Instant | null {
	if (!a) return b;
	if (!b) return a;
	return b.us < a.us ? b : a;
}

/**
 * Where the next poll starts: the earlier of where this one stopped and the newest date before it
 * began, but never before the previous start (all that lies before it was settled already; the
 * newest date can fall behind it when the newest records were deleted).
 */
function nextFloor(newest: Instant | null, stoppedAt: Instant | null, start: PollCursor): Instant | null {
	const previous = start.at !== null && start.atUs !== null ? { at: start.at, us: start.atUs } : null;
	const floor = earlier(newest, stoppedAt ?? previous);
	if (floor && previous && floor.us < previous.us) return previous;
	return floor;
}

/** A hub request in the keyset way: a refusal of the query form means "use the portable way". */
async function keysetList(sources: PollSources, resource: string, query: HubQuery): Promise<HubListing> {
	return await sources.listHub(resource, query).catch((error: unknown) => {
		if (!isRefusedQuery(error)) return Promise.reject(error);
		const message = error instanceof Error ? error.message : String(error);
		const status = (error as { statusCode: number }).statusCode;
		return Promise.reject(new UnsupportedHubQuery(`HTTP ${status} for where=${query.where ?? ''} orderBy=${query.orderBy}: ${message}`));
	});
}

/**
 * The newest record's date: every write made from now on gets this date or a later one.
 *
 * With `since` (a poll that has a cursor: `date_updated >= <cursor>`) the same request asks only for
 * what lies at or after the cursor, a page of it, with the platform's count. When the page holds
 * as many records as the platform counts (`all`), it holds every record the poll has to look at,
 * whatever order they came in: the poll needs no other hub request (an idle poll costs one).
 * Without a cursor the page is checked for order first, then the same holds (exact literals only).
 * Otherwise, with the count, the page is `known`: it may end the walk early (knownNewest.ts).
 */
async function newestRecordDate(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	requests: PollResult['requests'],
	mode: HubQueryMode,
	proof?: KeysetProof,
	since?: string,
): Promise<{ newest: Instant | null; first: ProviderRecord | undefined; all?: ProviderRecord[]; known?: KnownNewest }> {
	const resource = hubResourceOf(object);
	if (mode === 'unordered') {
		const found = await newestUnordered(objectSource(sources, object, settings, requests));
		return { newest: found ? recordDate(found.record, 'date_updated', object) : null, first: found?.record };
	}
	requests.hub++;
	// Until the platform is known to sort, a page of the newest records rather than one: sorted, with
	// ORDER_PROOF dates or more, it proves the sort in the same request; out of order, it disproves it.
	// For a walk, a page of them anyway: it may end the walk a request early (knownNewest.ts).
	const pageSize = since !== undefined ? settings.pageSize : !proof ? 1 : proof.ordered ? settings.pageSize : PLATFORM_PAGE_MAX;
	// With the count of the walk's range (the same where), the page can also end the walk early (knownNewest.ts).
	const query: HubQuery = {
		orderBy: mode === 'keyset' ? 'date_updated desc, id desc' : 'date_updated desc',
		pageSize,
		returnCount: true,
		...(since !== undefined ? { where: since } : {}),
	};
	const page = mode === 'keyset' ? await keysetList(sources, resource, query) : await sources.listHub(resource, query);
	if (since !== undefined && page.total !== undefined && page.records.length >= page.total) {
		// Every record at or after the cursor, in whatever order: the newest is found here, not trusted to the sort.
		let newest: (Instant & { id: string }) | null = null;
		let first: ProviderRecord | undefined;
		for (const record of page.records) {
			const at = recordDate(record, 'date_updated', object);
			const id = recordId(record, object);
			if (!newest || at.us > newest.us || (at.us === newest.us && id > newest.id)) {
				newest = { ...at, id };
				first = record;
			}
		}
		return { newest: newest && { at: newest.at, us: newest.us }, first, all: page.records };
	}
	const first = page.records[0];
	if (proof && page.records.length > 1) {
		let previous = Infinity;
		let distinct = 0;
		for (const record of page.records) {
			const { us } = recordDate(record, 'date_updated', object);
			if (us > previous) {
				throw new UnorderedHub(`The CRM hub returned records out of date order for orderBy=date_updated desc (record ${recordId(record, object)})`);
			}
			if (us !== previous) distinct++;
			previous = us;
		}
		if (distinct >= ORDER_PROOF) proof.ordered = true;
	}
	if (!first) return { newest: null, first };
	const newest = recordDate(first, 'date_updated', object);
	// Only with exact date literals is the walk's range the counted one, instant for instant.
	if (page.total === undefined || patternResolutionMicros(settings.datePattern) !== 1) return { newest, first };
	// As many records as the platform counts in the range (a first poll's few): nothing to walk.
	if (page.records.length >= page.total) return { newest, first, all: page.records };
	const records = page.records.map((record) => ({ record, ...recordDate(record, 'date_updated', object), id: recordId(record, object) }));
	return { newest, first, known: new KnownNewest(records, page.total, newest.us) };
}

/** Keyset: checkNewestKept over this object's hub resource. */
async function checkNewest(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	requests: PollResult['requests'],
	newest: Instant,
): Promise<void> {
	await checkNewestKept(objectSource(sources, object, settings, requests), newest.us);
}

/**
 * What one poll does with the records it reads, whichever way it pages. It runs once per record
 * (100k in a big poll), so it keeps plain fields and parallel arrays rather than an object per record.
 */
class RecordCollector {
	readonly items: TriggerItem[] = [];
	readonly itemUs: number[] = [];
	private readonly seen: Set<string>;
	private readonly cap: number;
	private readonly wantCreated: boolean;
	private readonly wantUpdated: boolean;
	private readonly tailFrom: number;
	private readonly context: PolledRecordContext;
	// Only what the next cursor can need: versions from the newest date on, and the group at the
	// instant the poll is at (the cursor's floor is one of those two instants).
	private readonly tailUs: number[] = [];
	private readonly tailIds: string[] = [];
	private readonly groupIds: string[] = [];
	private firstRead: Instant | null = null;
	private stoppedAt: string | null = null;
	private stoppedUs = 0;

	constructor(
		private readonly object: CloseObject,
		private readonly settings: PollSettings,
		private readonly start: PollCursor,
		private readonly newest: Instant | null,
	) {
		this.seen = new Set(start.seen);
		this.cap = settings.maxItemsPerPoll > 0 ? settings.maxItemsPerPoll : Infinity;
		this.wantCreated = settings.events.includes('created');
		this.wantUpdated = settings.events.includes('updated') && !settings.updatesFromLog;
		this.tailFrom = newest ? newest.us : -Infinity;
		this.context = { source: 'polling', includeRaw: settings.includeRaw, cursorMicros: start.atUs ?? undefined };
	}

	identify(record: ProviderRecord): { at: string; us: number; id: string } {
		const id = recordId(record, this.object);
		const at = recordDateText(record, 'date_updated', this.object);
		return { at, us: parseInstant(at), id };
	}

	/** False when the cap is reached: the record is left for the next poll. */
	take(record: ProviderRecord, at: string, us: number, id: string): boolean {
		// A coarse date pattern makes the query return older records too; they are dropped here.
		if (isBehindCursor(this.start, this.seen, us, id)) return true;
		this.firstRead ??= { at, us };
		const item = fromPolledRecord(this.object, record, this.context, us);
		if ((item.event === 'created' ? this.wantCreated : this.wantUpdated) && (this.settings.accept?.(item) ?? true)) {
			if (this.items.length >= this.cap) return false;
			this.items.push(item);
			this.itemUs.push(us);
		}
		if (us >= this.tailFrom) {
			this.tailUs.push(us);
			this.tailIds.push(id);
		} else if (this.stoppedAt !== null && this.stoppedUs === us) this.groupIds.push(id);
		else {
			this.groupIds.length = 0;
			this.groupIds.push(id);
		}
		this.stoppedAt = at;
		this.stoppedUs = us;
		return true;
	}

	result(): ObjectRead {
		// Restart where this poll stopped, or earlier where writes made during this poll may land. An
		// empty hub at the start means everything read was written during this poll.
		const stoppedAt = this.stoppedAt === null ? null : { at: this.stoppedAt, us: this.stoppedUs };
		const floor = nextFloor(this.newest ?? this.firstRead, stoppedAt, this.start);
		const handled: Array<{ us: number; id: string }> = [];
		if (stoppedAt && stoppedAt.us < this.tailFrom) for (const id of this.groupIds) handled.push({ us: stoppedAt.us, id });
		for (let i = 0; i < this.tailUs.length; i++) handled.push({ us: this.tailUs[i], id: this.tailIds[i] });
		return { items: this.items, us: this.itemUs, cursor: settleCursor(floor, handled, this.start) };
	}
}

/**
 * What a portable or unordered read of one object takes from the poll: its counted list, paging
 * settings, and how a record's date and id are read.
 */
function objectSource(sources: PollSources, object: CloseObject, settings: PollSettings, requests: PollResult['requests']) {
	const resource = hubResourceOf(object);
	return {
		readAhead: settings.maxItemsPerPoll === 0,
		list: async (query: HubQuery) => {
			requests.hub++;
			return await sources.listHub(resource, query);
		},
		datePattern: settings.datePattern,
		pageSize: settings.pageSize,
		identify: (record: ProviderRecord) => ({ us: recordDate(record, 'date_updated', object).us, id: recordId(record, object) }),
	};
}

/**
 * Shared by the objects of one poll: whether the platform answered a keyset query in order, and
 * whether a page proved it sorts by date (HubQuerySupport.ordered).
 */
interface KeysetProof {
	answered: boolean;
	ordered: boolean;
}

async function readRecords(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	start: PollCursor,
	requests: PollResult['requests'],
	mode: HubQueryMode,
	proof: KeysetProof,
): Promise<ObjectRead> {
	const resource = hubResourceOf(object);
	const since = start.atUs === null ? undefined : `date_updated >= ${ceqlString(formatInstant(start.atUs, settings.datePattern))}`;
	const { newest, first: newestRecord, all, known } = await newestRecordDate(sources, object, settings, requests, mode, proof, since);
	const collector = new RecordCollector(object, settings, start, newest);
	if (all) {
		// The whole change set came with the newest date: handled in (date, id) order, no page walked.
		const read = all.map((record) => ({ record, ...collector.identify(record) }));
		read.sort(byDateThenId);
		for (const { record, at, us, id } of read) if (!collector.take(record, at, us, id)) break;
		return collector.result();
	}
	if (mode === 'portable' || mode === 'unordered') {
		// Nothing in the hub when the poll began: whatever is there now comes next poll.
		if (!newest) return NOTHING_READ(start);
		const window = {
			...objectSource(sources, object, settings, requests),
			from: start.atUs,
			to: newest.us,
			identify: (record: ProviderRecord) => collector.identify(record),
			take: (record: ProviderRecord, us: number, id: string) => collector.take(record, String(record.date_updated), us, id),
		};
		if (mode === 'unordered') await walkUnorderedWindow(window);
		else await walkCheckedWindow({ ...window, order: proof, known });
		return collector.result();
	}
	const checked = proof.ordered || !newest ? undefined : quiet(checkNewest(sources, object, settings, requests, newest));
	await readKeyset(sources, resource, settings, start, requests, proof, collector, newest, newestRecord, known);
	await checked;
	return collector.result();
}

/** The keyset way: each page starts after the previous page's last (date, id). */
async function readKeyset(
	sources: PollSources,
	resource: string,
	settings: PollSettings,
	start: PollCursor,
	requests: PollResult['requests'],
	proof: KeysetProof,
	collector: RecordCollector,
	newest: Instant | null,
	newestRecord: ProviderRecord | undefined,
	known: KnownNewest | undefined,
): Promise<void> {
	const exact = patternResolutionMicros(settings.datePattern) === 1;
	const orderBy = 'date_updated asc, id asc';
	let where: string | undefined =
		start.atUs === null ? undefined : `date_updated >= ${ceqlString(formatInstant(start.atUs, settings.datePattern))}`;
	const newestId = newestRecord ? String(newestRecord.id) : undefined;
	const list = (query: Omit<HubQuery, 'orderBy' | 'pageSize'>) => {
		requests.hub++;
		return quiet(keysetList(sources, resource, { ...query, orderBy, pageSize: settings.pageSize }));
	};
	let previousUs = -Infinity;
	let previousId = '';
	let pageWhere = where;
	let pending: Promise<HubListing> | undefined = list({ where });
	let keysetPage = false;
	const readAhead = settings.maxItemsPerPoll === 0;
	while (pending) {
		const page = await pending;
		pending = undefined;
		const records = page.records;
		let next: Omit<HubQuery, 'orderBy' | 'pageSize'> | undefined;
		const read = records.map((record) => collector.identify(record));
		let distinct = 0;
		for (const { us, id } of read) {
			// Keyset pages rely on the asked order; a platform that ignores the second field is caught here.
			if (us < previousUs || (us === previousUs && id <= previousId)) {
				throw new UnsupportedHubQuery(`records out of the asked order (orderBy=${orderBy}): ${previousId} then ${id}`);
			}
			if (us !== previousUs) distinct++;
			previousUs = us;
			previousId = id;
		}
		if (distinct >= ORDER_PROOF) proof.ordered = true;
		if (keysetPage) proof.answered = true;
		// A full page from a platform not yet known to sort: whatever comes next starts after its last
		// record, so the platform must count no record up to it that the page did not hold.
		if (exact && !proof.ordered && read.length > 0 && read.length >= settings.pageSize) {
			await checkKeysetPage(sources, resource, requests, settings.datePattern, pageWhere, read[read.length - 1]!, read.length);
		}
		// The next page is asked for before this one is handled: its query depends only on this page's
		// last record, and the platform's time and ours then overlap.
		// A page shorter than asked is not the end of the data (a platform may answer fewer records
		// than asked): it ends the walk only once it reached the newest record noted before the first.
		const shortOfNewest = newest !== null && read.length > 0 && read[read.length - 1].us < newest.us;
		if (read.length > 0 && (read.length >= settings.pageSize || shortOfNewest)) {
			const last = read[read.length - 1];
			// Past the newest record noted before the first page: the rest was written during this poll
			// and lies at or after the newest date, where the next poll starts; no request for it now.
			// Ties are placed by id only once the platform has shown it orders them so, and sorts at all
			// (a platform that drops orderBy answers some record of the newest instant as its last).
			const pastNewest =
				newest !== null &&
				(last.us > newest.us || (proof.answered && proof.ordered && newestId !== undefined && last.us === newest.us && last.id >= newestId));
			if (!pastNewest) {
				// Keyset needs exact literals; with a coarse pattern follow the platform's own paging.
				if (exact) next = { where: keysetWhere(last, settings.datePattern) };
				else if (page.nextPage) next = { where, nextPage: page.nextPage };
				keysetPage = exact;
			}
		}
		// The newest page asked first may already hold everything after this page (knownNewest.ts); it
		// cannot while the reads are far from the platform's count, and the next page is then asked for
		// before this page's reads are counted. With a cap the poll may stop on this page: the next one
		// is asked for only when it is needed.
		if (next && readAhead && !known?.mayEndWithin(read.length)) pending = list(next);
		let rest: KnownRecord[] | undefined;
		if (known) {
			for (const { us, id } of read) known.noteRead(us, id);
			const last = read[read.length - 1];
			if (next && last && !pending) rest = known.rest((k) => k.us > last.us || (k.us === last.us && k.id > last.id));
			if (rest) next = undefined;
		}
		if (next && readAhead && !pending) pending = list(next);
		for (let i = 0; i < records.length; i++) {
			if (!collector.take(records[i], read[i].at, read[i].us, read[i].id)) return;
		}
		if (rest) for (const k of rest) if (!collector.take(k.record, k.at, k.us, k.id)) return;
		if (next && !readAhead) pending = list(next);
		if (next) pageWhere = next.where;
	}
}

/** See portableWalk's checkPageComplete: the same check in the keyset query's terms. */
async function checkKeysetPage(
	sources: PollSources,
	resource: string,
	requests: PollResult['requests'],
	pattern: string,
	pageWhere: string | undefined,
	last: { us: number; id: string },
	held: number,
): Promise<void> {
	const literal = ceqlString(formatInstant(last.us, pattern));
	const upToLast = `(date_updated < ${literal} OR (date_updated = ${literal} AND id <= ${ceqlString(last.id)}))`;
	requests.hub++;
	const page = await keysetList(sources, resource, {
		where: pageWhere ? `(${pageWhere}) AND ${upToLast}` : upToLast,
		orderBy: 'date_updated asc, id asc',
		pageSize: 1,
		returnCount: true,
	});
	if (page.total !== undefined && page.total > held) {
		throw new UnorderedHub(`The CRM hub did not keep orderBy=date_updated asc, id asc: it counts ${page.total} records up to ${last.id}, its page held ${held}`);
	}
}

async function newestRecordCursor(
	sources: PollSources,
	object: CloseObject,
	settings: PollSettings,
	requests: PollResult['requests'],
	mode: HubQueryMode,
): Promise<PollCursor> {
	const { newest } = await newestRecordDate(sources, object, settings, requests, mode);
	if (!newest) return EMPTY_CURSOR;
	// Everything already at the newest instant counts as seen; only later writes are news.
	const exact = patternResolutionMicros(settings.datePattern) === 1;
	const handled: Array<{ us: number; id: string }> = [];
	const resource = hubResourceOf(object);
	if (mode === 'portable' || mode === 'unordered') {
		const window = {
			...objectSource(sources, object, settings, requests),
			from: newest.us,
			to: newest.us,
			take: (_record: ProviderRecord, us: number, id: string) => {
				if (us === newest.us) handled.push({ us, id });
				return true;
			},
		};
		if (mode === 'unordered') await walkUnorderedWindow(window);
		else await walkCheckedWindow({ ...window, order: { ordered: false } });
		return settleCursor(newest, handled, EMPTY_CURSOR);
	}
	await checkNewest(sources, object, settings, requests, newest);
	const literal = ceqlString(formatInstant(newest.us, settings.datePattern));
	let where = exact ? `date_updated = ${literal}` : `date_updated >= ${literal}`;
	let nextPage: string | undefined;
	for (;;) {
		requests.hub++;
		const page = await keysetList(sources, resource, { where, orderBy: 'date_updated asc, id asc', pageSize: settings.pageSize, nextPage });
		let lastId: string | undefined;
		for (const record of page.records) {
			const id = recordId(record, object);
			if (lastId !== undefined && id <= lastId) throw new UnsupportedHubQuery(`records out of the asked order (orderBy=date_updated asc, id asc): ${lastId} then ${id}`);
			lastId = id;
			const { us } = recordDate(record, 'date_updated', object);
			if (us === newest.us) handled.push({ us, id });
		}
		// Only an empty page ends this read: a shorter one may come from the platform's own page limit.
		if (lastId === undefined) break;
		if (exact) {
			where = `date_updated = ${literal} AND id > ${ceqlString(lastId)}`;
		} else {
			if (!page.nextPage) break;
			nextPage = page.nextPage;
		}
	}
	return settleCursor(newest, handled, EMPTY_CURSOR);
}

/** The event log's object_type for a record object: Close subtypes tasks (`task.lead`). */
export function recordEventType(object: CloseObject): string {
	return object === 'task' ? TASK_EVENT_TYPE : object;
}

function startLogCursor(start: StartFrom): EventLogCursor {
	if (start.mode === 'date') {
		const us = parseInstant(start.date);
		return { at: start.date, atUs: us, seen: [], notBeforeUs: us, v: 2 };
	}
	return EMPTY_CURSOR;
}

/** One event-log source read into items (eventLogReader), with the poll's cap and last test. */
async function readLogItems(
	sources: PollSources,
	source: EventLogSource,
	settings: PollSettings,
	start: EventLogCursor,
	requests: PollResult['requests'],
): Promise<ObjectRead> {
	const cap = settings.maxItemsPerPoll > 0 ? settings.maxItemsPerPoll : Infinity;
	const items: TriggerItem[] = [];
	const itemUs: number[] = [];
	const cursor = await readEventLog(
		sources.listEvents,
		source,
		start,
		({ event, us }) => {
			const item = fromCloseEvent(event, { source: 'polling', includeRaw: settings.includeRaw });
			// Refused items (another status, unwatched fields) are handled all the same.
			if (!(settings.accept?.(item) ?? true)) return true;
			if (items.length >= cap) return false;
			items.push(item);
			itemUs.push(us);
			return true;
		},
		requests,
	);
	return { items, us: itemUs, cursor };
}

/**
 * "Fetch test event": the newest record of each selected object, and the newest wanted event of
 * each event-log source (one page), without touching any cursor.
 */
export async function sampleItems(sources: PollSources, settings: PollSettings, previous?: PollState): Promise<TriggerItem[]> {
	const items: TriggerItem[] = [];
	const support = readHubSupport(previous?.hub);
	let mode: HubQueryMode = support.unordered === true ? 'unordered' : support.query;
	for (const object of settings.objects) {
		const newest = async () => await newestRecordDate(sources, object, settings, { hub: 0, events: 0 }, mode);
		const { first } = await newest().catch(async (error: unknown) => {
			if (!(error instanceof UnsupportedHubQuery)) return Promise.reject(error);
			mode = 'portable';
			return await newest();
		});
		if (first) items.push(fromPolledRecord(object, first, { source: 'polling', includeRaw: settings.includeRaw }));
	}
	for (const source of settings.logSources ?? []) {
		// One page per action (object_type + action: a combination Close answers); the newest wanted one.
		let best: { item: TriggerItem; us: number } | undefined;
		for (const action of source.actions) {
			const page = await sources.listEvents({ object_type: source.objectType, action, _limit: EVENT_LOG_LIMIT });
			for (const event of page.data) {
				const item = fromCloseEvent(event, { source: 'polling', includeRaw: settings.includeRaw });
				if (!(settings.accept?.(item) ?? true)) continue;
				const at = event.date_updated ?? event.date_created;
				const us = typeof at === 'string' ? parseInstant(at) : -Infinity;
				if (!best || us > best.us) best = { item, us };
				break;
			}
		}
		if (best) items.push(best.item);
	}
	return items;
}
