// Provider payloads -> the contract's TriggerItem (contract.md). Three inbound shapes:
// - Close's current webhook delivery `{subscription_id, event: {...}}` (fromCloseEvent);
// - the seed's legacy payload `{model, event: create|update|delete|merge, data}` (fromLegacyPayload);
// - Open Connectors' event notification `{message: {eventId, events[], raw}}`
//   (fromOpenConnectorsNotification), whose `raw` holds one of the above or polled records;
// plus records read by node-side polling (fromPolledRecord).
// Payloads are untrusted: fields are read as OWN properties only, and a payload whose required
// parts are missing raises PayloadError with a short fixed reason (never the payload's content).

import { parseWithPattern, tryParseInstant } from '../polling/datePattern';
import { type CloseObject, closeObjectOf, type TriggerItem } from './objects';
import { itemViewOf } from '../triggerEvents/closeEventTypes';

export class PayloadError extends Error {
	constructor(reason: string) {
		super(reason);
		this.name = 'PayloadError';
	}
}

export type PayloadKind = 'openConnectors' | 'close' | 'closeLegacy' | 'unknown';

export interface NormalizeContext {
	source: 'webhook' | 'polling';
	includeRaw?: boolean;
	/** What `raw` holds with includeRaw; default: the payload the mapper was given. */
	raw?: unknown;
}

export interface PolledRecordContext extends NormalizeContext {
	idField?: string;
	createdField?: string;
	updatedField?: string;
	/** Pattern of the record's dates when they are not ISO-8601 (the poller's `*DateFormat`). */
	createdDateFormat?: string;
	updatedDateFormat?: string;
	/** Created and updated dates this close (micros) still count as "created" (default 0). */
	createdWindowMicros?: number;
	/** The poll's lower bound: a record created after it is new to the receiver, so `created`. */
	cursorMicros?: number;
	/** A classification already made by the sender (Open Connectors' eventType). */
	event?: string;
	deliveryId?: string | null;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: a payload key like "constructor" must not read through the prototype. */
function own(value: unknown, key: string): unknown {
	return isRecord(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

function ownString(value: unknown, key: string): string | undefined {
	const v = own(value, key);
	return typeof v === 'string' && v !== '' ? v : undefined;
}

function ownRecord(value: unknown, key: string): Json | null {
	const v = own(value, key);
	return isRecord(v) ? v : null;
}

function stringArrayOrNull(value: unknown): string[] | null {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
}

const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;

/**
 * Close's event-level dates carry no offset (they are UTC); the contract's occurredAt always has
 * one. Every digit is kept: nothing goes through Date.
 */
export function withUtcOffset(date: unknown): string | null {
	if (typeof date !== 'string' || date === '') return null;
	if (HAS_OFFSET.test(date) || !ISO_WITHOUT_OFFSET.test(date)) return date;
	return `${date}+00:00`;
}

type ItemParts = Omit<TriggerItem, 'raw' | 'statusChange'> & Partial<Pick<TriggerItem, 'statusChange'>>;

/**
 * Completes an item its caller has just built, in place: every caller passes a fresh object, and a
 * poll makes one per record (100k at a time), so no copy is made.
 */
function finish(parts: ItemParts, ctx: NormalizeContext, payload: unknown): TriggerItem {
	const item = parts as TriggerItem;
	item.statusChange = parts.statusChange ?? null;
	if (ctx.includeRaw) item.raw = ctx.raw !== undefined ? ctx.raw : payload;
	return item;
}

// ---------------------------------------------------------------- Close, current format

/** The `event` object of a Close delivery; the `{subscription_id, event}` envelope is unwrapped. */
function closeEventOf(payload: unknown): Json {
	const inner = own(payload, 'event');
	if (isRecord(inner)) return inner;
	if (isRecord(payload)) return payload;
	throw new PayloadError('unrecognised payload');
}

export function fromCloseEvent(payload: unknown, ctx: NormalizeContext): TriggerItem {
	const event = closeEventOf(payload);
	const action = ownString(event, 'action');
	const objectType = ownString(event, 'object_type');
	if (action === undefined) throw new PayloadError('missing action');
	if (objectType === undefined) throw new PayloadError('missing object type');
	const meta = own(event, 'meta');
	const mergedFrom = ownString(meta, 'merge_source_lead_id') ?? null;
	const mergedInto = ownString(meta, 'merge_destination_lead_id') ?? null;
	const data = ownRecord(event, 'data');
	// Activities: a status change is about its lead or opportunity, a completion about its task.
	const view = itemViewOf(objectType, action, data, ownString(event, 'lead_id') ?? null);
	// On a merge the item is about the surviving lead.
	const id = (action === 'merged' ? mergedInto : null) ?? view.id ?? ownString(event, 'object_id');
	if (id === undefined) throw new PayloadError('missing object id');
	return finish(
		{
			event: view.event,
			object: view.object,
			id,
			occurredAt: withUtcOffset(own(event, 'date_updated') ?? own(event, 'date_created')),
			data,
			previousData: ownRecord(event, 'previous_data'),
			changedFields: stringArrayOrNull(own(event, 'changed_fields')),
			mergedFrom,
			mergedInto,
			source: ctx.source,
			deliveryId: ownString(event, 'id') ?? null,
			statusChange: view.statusChange,
		},
		ctx,
		payload,
	);
}

// ---------------------------------------------------------------- Close, legacy (seed) format

const LEGACY_EVENTS: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted', merge: 'merged' };

function mapWord(word: string, table: Record<string, string>): string {
	const lower = word.toLowerCase();
	return Object.prototype.hasOwnProperty.call(table, lower) ? table[lower] : lower;
}

export function fromLegacyPayload(payload: unknown, ctx: NormalizeContext): TriggerItem {
	const model = ownString(payload, 'model');
	const word = ownString(payload, 'event');
	if (model === undefined || word === undefined) throw new PayloadError('unrecognised payload');
	const event = mapWord(word, LEGACY_EVENTS);
	const rawData = own(payload, 'data');
	const data = isRecord(rawData) ? rawData : null;
	// The seed: on a delete, data "will just be the id"; a merge carries source_id/destination_id
	// "in the payload" (top level or inside data: both are accepted).
	const mergedFrom = event === 'merged' ? (ownString(payload, 'source_id') ?? ownString(data, 'source_id') ?? null) : null;
	const mergedInto =
		event === 'merged' ? (ownString(payload, 'destination_id') ?? ownString(data, 'destination_id') ?? null) : null;
	const id = mergedInto ?? (typeof rawData === 'string' && rawData !== '' ? rawData : ownString(data, 'id'));
	if (id === undefined) throw new PayloadError('missing object id');
	// A delete that does carry the object reports it as previousData, as Close's current format does.
	const deleted = event === 'deleted';
	return finish(
		{
			event,
			object: model,
			id,
			occurredAt: withUtcOffset(own(data, 'date_updated')),
			data: deleted ? null : data,
			previousData: deleted ? data : null,
			changedFields: null,
			mergedFrom,
			mergedInto,
			source: ctx.source,
			deliveryId: null,
		},
		ctx,
		payload,
	);
}

// ---------------------------------------------------------------- polled records

function instantOf(value: unknown, pattern: string | undefined): number | undefined {
	const iso = tryParseInstant(value);
	if (iso !== undefined || pattern === undefined || typeof value !== 'string') return iso;
	try {
		return parseWithPattern(value, pattern);
	} catch {
		return undefined;
	}
}

/**
 * created when the record's created and updated dates match (within createdWindowMicros, as the
 * platform's poller decides), or when it was created after the caller's cursor: a record created
 * and then updated since the last poll is delivered once, as created.
 */
/** `updatedMicros`: the record's updated date, when the caller has parsed it already. */
export function classifyPolledRecord(record: unknown, ctx: Omit<PolledRecordContext, 'source'>, updatedMicros?: number): 'created' | 'updated' {
	const created = instantOf(own(record, ctx.createdField ?? 'date_created'), ctx.createdDateFormat);
	if (created === undefined) return 'updated';
	if (ctx.cursorMicros !== undefined && created > ctx.cursorMicros) return 'created';
	const updated = updatedMicros ?? instantOf(own(record, ctx.updatedField ?? 'date_updated'), ctx.updatedDateFormat);
	if (updated !== undefined && Math.abs(updated - created) <= (ctx.createdWindowMicros ?? 0)) return 'created';
	return 'updated';
}

export function fromPolledRecord(object: CloseObject | string, record: unknown, ctx: PolledRecordContext, updatedMicros?: number): TriggerItem {
	if (!isRecord(record)) throw new PayloadError('record is not an object');
	const rawId = own(record, ctx.idField ?? 'id');
	const id = typeof rawId === 'number' ? String(rawId) : typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
	if (id === undefined) throw new PayloadError('missing object id');
	const updated = own(record, ctx.updatedField ?? 'date_updated');
	return finish(
		{
			event: ctx.event ?? classifyPolledRecord(record, ctx, updatedMicros),
			object,
			id,
			// The record's own string, as sent: it is the version's identity (dedupKey).
			occurredAt: typeof updated === 'string' && updated !== '' ? updated : null,
			data: record,
			previousData: null,
			changedFields: null,
			mergedFrom: null,
			mergedInto: null,
			source: ctx.source,
			deliveryId: ctx.deliveryId ?? null,
		},
		ctx,
		record,
	);
}

// ---------------------------------------------------------------- Open Connectors notifications

const OC_EVENTS: Record<string, string> = { created: 'created', updated: 'updated', deleted: 'deleted', merged: 'merged' };

/** Which of the known shapes a parsed body has (tolerant: only the confirmed parts are looked at). */
export function detectPayloadKind(body: unknown): PayloadKind {
	const message = own(body, 'message');
	if (isRecord(message) && (own(message, 'events') !== undefined || own(message, 'eventId') !== undefined)) {
		return 'openConnectors';
	}
	const event = own(body, 'event');
	if (isRecord(event) && (own(event, 'object_type') !== undefined || own(event, 'action') !== undefined)) return 'close';
	if (typeof own(body, 'model') === 'string' && typeof event === 'string') return 'closeLegacy';
	return 'unknown';
}

/** Does the richer Close item describe this notification event's object? */
function concerns(item: TriggerItem, objectId: string): boolean {
	// An activity the item is not named after (a status change, a completion) is its data's id.
	return (
		item.id === objectId ||
		item.mergedFrom === objectId ||
		own(item.previousData, 'id') === objectId ||
		own(item.data, 'id') === objectId
	);
}

function itemForNotificationEvent(
	ocEvent: unknown,
	raw: unknown,
	notificationId: string,
	ctx: NormalizeContext,
	rawForItem: unknown,
): TriggerItem {
	if (!isRecord(ocEvent)) throw new PayloadError('malformed event');
	const objectType = ownString(ocEvent, 'objectType');
	const objectId = ownString(ocEvent, 'objectId');
	const eventType = ownString(ocEvent, 'eventType');
	if (objectType === undefined) throw new PayloadError('missing object type');
	if (objectId === undefined) throw new PayloadError('missing object id');
	if (eventType === undefined) throw new PayloadError('missing event type');
	const object = closeObjectOf(objectType) ?? objectType;
	const event = mapWord(eventType, OC_EVENTS);
	const itemCtx: NormalizeContext = { ...ctx, raw: rawForItem };

	const kind = detectPayloadKind(raw);
	if (kind === 'close' || kind === 'closeLegacy') {
		const rich = kind === 'close' ? fromCloseEvent(raw, itemCtx) : fromLegacyPayload(raw, itemCtx);
		if (concerns(rich, objectId)) {
			// Close's own event id identifies the change; the legacy format has none.
			return { ...rich, object: closeObjectOf(rich.object) ?? rich.object, deliveryId: rich.deliveryId ?? notificationId };
		}
	}
	const records = own(raw, ownString(raw, 'objectType') ?? objectType);
	if (Array.isArray(records)) {
		const record = records.find((r) => {
			const id = own(r, 'id');
			return id === objectId || (typeof id === 'number' && String(id) === objectId);
		});
		if (record !== undefined) {
			return fromPolledRecord(object, record, { ...itemCtx, event, deliveryId: notificationId });
		}
	}
	// The record is not in `raw`: report what the notification itself says.
	return finish(
		{
			event,
			object,
			id: objectId,
			occurredAt: null,
			data: null,
			previousData: null,
			changedFields: null,
			mergedFrom: null,
			mergedInto: null,
			source: ctx.source,
			deliveryId: notificationId,
		},
		itemCtx,
		rawForItem,
	);
}

/** One item per `message.events[]`; `raw` (with includeRaw) is the whole notification. */
export function fromOpenConnectorsNotification(body: unknown, ctx: NormalizeContext): TriggerItem[] {
	const message = own(body, 'message');
	if (!isRecord(message)) throw new PayloadError('unrecognised payload');
	const notificationId = ownString(message, 'eventId');
	if (notificationId === undefined) throw new PayloadError('missing event id');
	const events = own(message, 'events');
	if (!Array.isArray(events)) throw new PayloadError('events not an array');
	const raw = own(message, 'raw');
	const rawForItem = ctx.raw !== undefined ? ctx.raw : body;
	return events.map((ocEvent) => itemForNotificationEvent(ocEvent, raw, notificationId, ctx, rawForItem));
}

// ---------------------------------------------------------------- idempotency

const CLOSE_EVENT_ID = /^ev_/;

/**
 * The key under which an item is remembered to drop redeliveries:
 * - `close:<event id>` when Close's event id is known (it names one change for good);
 * - `rec:<object>:<id>:<occurredAt>` for a record version (created/updated with the record and its
 *   date_updated): the same version polled twice, or relayed twice, is one change;
 * - `oc:<notification id>:<event>:<object>:<id>` for an Open Connectors event whose record is not
 *   in the notification (a redelivered notification keeps its eventId);
 * - `leg:<event>:<object>:<id>:<occurredAt|''>` otherwise (legacy deletes and merges carry no ids;
 *   a merge adds `:<source id>` so two merges into one lead stay distinct).
 */
export function dedupKey(item: TriggerItem): string {
	if (item.deliveryId !== null && CLOSE_EVENT_ID.test(item.deliveryId)) return `close:${item.deliveryId}`;
	const version = (item.event === 'created' || item.event === 'updated') && item.data !== null && item.occurredAt !== null;
	if (version) return `rec:${item.object}:${item.id}:${item.occurredAt}`;
	if (item.deliveryId !== null) return `oc:${item.deliveryId}:${item.event}:${item.object}:${item.id}`;
	const key = `leg:${item.event}:${item.object}:${item.id}:${item.occurredAt ?? ''}`;
	return item.event === 'merged' && item.mergedFrom !== null ? `${key}:${item.mergedFrom}` : key;
}
