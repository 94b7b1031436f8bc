// Webhook mode's catch-up: what Close logged while the trigger was not receiving (deactivated, n8n
// stopped) is read from Close's event log and emitted once, in order, with the same item shape and
// the same idempotency keys (`close:<event id>`) as a webhook delivery of that event, so a later
// redelivery of one of them is refused by the memory of delivered keys. Pure: the list function,
// the selection filter and the "already delivered" test are injected.
//
// Bounds: Close keeps its event log for 30 days (older changes cannot be caught up); a read starts
// five minutes before the last delivery (Close: events may become visible out of order within five
// minutes); one call emits at most `cap` items, the rest come on the next call via the stored state.

import { fromCloseEvent, dedupKey } from '../items/normalize';
import type { TriggerItem } from '../items/objects';
import { sourceEventTypes, type Selection } from '../triggerEvents/selection';
import { RESCAN_WINDOW_US, readEventLog, settleLogCursor, type EventLogCursor, type EventLogSource, type ListEvents, type LoggedEvent } from '../polling/eventLogReader';

/** Close's event-log retention. */
export const LOG_RETENTION_MS = 30 * 24 * 3600_000;
/** Catch up only when the last delivery is older than this (shorter gaps are Close's own retries). */
export const CATCH_UP_THRESHOLD_MS = 3600_000;
export const CATCH_UP_CAP = 500;

/** A catch-up in progress, kept in static data between calls: one event-log cursor per object_type. */
export interface CatchUpState {
	cursors: Record<string, EventLogCursor>;
}

export interface CatchUpInput {
	list: ListEvents;
	sources: EventLogSource[];
	/** When the last event was delivered (epoch ms); undefined: never (first activation). */
	lastDeliveredMs: number | undefined;
	nowMs: number;
	/** The state a previous call left (a catch-up cut by the cap); undefined: none. */
	state?: CatchUpState;
	accept: (item: TriggerItem) => boolean;
	/** True when this idempotency key was already delivered (skipped, not emitted). */
	delivered: (key: string) => boolean;
	includeRaw?: boolean;
	cap?: number;
	thresholdMs?: number;
}

export interface CatchUpResult {
	items: TriggerItem[];
	/** Their idempotency keys, in the same order. */
	keys: string[];
	/** undefined: the catch-up is complete (or none was needed). */
	state?: CatchUpState;
}

interface Read {
	event: LoggedEvent;
	item?: TriggerItem;
	key?: string;
}

const order = (a: LoggedEvent, b: LoggedEvent) => a.us - b.us || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The event-log sources a webhook-mode selection receives: every Close event type it subscribes
 * to, records included (webhook mode gets record events from Close's events, not from the hub).
 */
export function catchUpSources(selection: Pick<Selection, 'objects' | 'events'>): EventLogSource[] {
	const byType = new Map<string, string[]>();
	for (const s of sourceEventTypes(selection)) {
		const actions = byType.get(s.object_type) ?? [];
		if (!actions.includes(s.action)) actions.push(s.action);
		byType.set(s.object_type, actions);
	}
	return [...byType].map(([objectType, actions]) => ({ objectType, actions }));
}

/** Where a new catch-up starts (epoch us), or undefined when none is needed. */
export function catchUpStartUs(lastDeliveredMs: number | undefined, nowMs: number, thresholdMs = CATCH_UP_THRESHOLD_MS): number | undefined {
	if (lastDeliveredMs === undefined || !Number.isFinite(lastDeliveredMs)) return undefined;
	if (nowMs - lastDeliveredMs < thresholdMs) return undefined;
	const fromMs = Math.max(lastDeliveredMs - RESCAN_WINDOW_US / 1000, nowMs - LOG_RETENTION_MS);
	return Math.floor(fromMs) * 1000;
}

export async function catchUp(input: CatchUpInput): Promise<CatchUpResult> {
	const cap = input.cap ?? CATCH_UP_CAP;
	let cursors = input.state?.cursors;
	if (!cursors) {
		const fromUs = catchUpStartUs(input.lastDeliveredMs, input.nowMs, input.thresholdMs);
		if (fromUs === undefined) return { items: [], keys: [] };
		cursors = {};
		for (const s of input.sources) cursors[s.objectType] = { at: null, atUs: null, seen: [], notBeforeUs: fromUs, v: 2 };
	}
	const start = cursors;
	// Each source is read up to `cap` candidates; the candidates of all sources are then merged in
	// Close's order and cut at `cap`, and each source's cursor moves only past what lies before the cut.
	const reads = await Promise.all(
		input.sources.map(async (source) => {
			const got: Read[] = [];
			let candidates = 0;
			let full = false;
			const cursor = start[source.objectType] ?? { at: null, atUs: null, seen: [], v: 2 as const };
			await readEventLog(input.list, source, cursor, (event) => {
				const item = fromCloseEvent(event.event, { source: 'webhook', includeRaw: input.includeRaw === true });
				const key = dedupKey(item);
				const wanted = input.accept(item) && !input.delivered(key);
				if (wanted && candidates >= cap) {
					full = true;
					return false;
				}
				if (wanted) candidates++;
				got.push(wanted ? { event, item, key } : { event });
				return true;
			});
			return { source, cursor, got, full };
		}),
	);
	const wanted = reads.flatMap((r) => r.got.filter((g) => g.item)).sort((a, b) => order(a.event, b.event));
	const emitted = wanted.slice(0, cap);
	const cut = wanted.length > cap ? emitted[emitted.length - 1].event : undefined;
	const next: Record<string, EventLogCursor> = {};
	for (const r of reads) {
		const handled = r.got.filter((g) => !cut || order(g.event, cut) <= 0).map((g) => g.event);
		next[r.source.objectType] = settleLogCursor(r.cursor, handled);
	}
	const done = !cut && reads.every((r) => !r.full);
	// Two sources may log the same key only if Close did: emitted once all the same.
	const items: TriggerItem[] = [];
	const keys: string[] = [];
	const taken = new Set<string>();
	for (const e of emitted) {
		if (taken.has(e.key as string)) continue;
		taken.add(e.key as string);
		items.push(e.item as TriggerItem);
		keys.push(e.key as string);
	}
	return done ? { items, keys } : { items, keys, state: { cursors: next } };
}

/** A stored catch-up state read back; anything malformed is "none". */
export function readCatchUpState(value: unknown): CatchUpState | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const cursors = (value as { cursors?: unknown }).cursors;
	if (!cursors || typeof cursors !== 'object') return undefined;
	const out: Record<string, EventLogCursor> = {};
	for (const [type, c] of Object.entries(cursors as Record<string, unknown>)) {
		if (!c || typeof c !== 'object') return undefined;
		const cur = c as Partial<EventLogCursor>;
		if (!Array.isArray(cur.seen) || (cur.atUs !== null && typeof cur.atUs !== 'number')) return undefined;
		out[type] = { at: typeof cur.at === 'string' ? cur.at : null, atUs: cur.atUs ?? null, seen: cur.seen.filter((s) => typeof s === 'string'), v: 2 };
		if (typeof cur.notBeforeUs === 'number') out[type].notBeforeUs = cur.notBeforeUs;
	}
	return { cursors: out };
}
