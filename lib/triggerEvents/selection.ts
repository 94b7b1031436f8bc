// What the user picked in the trigger (objects, events, status and field options) and what it
// means: which Close event types carry it, and which combinations make sense.

import type { TriggerItem } from '../items/objects';

export type RecordObject = 'lead' | 'contact' | 'opportunity' | 'task';
export type ActivityObject = 'note' | 'call' | 'email' | 'sms' | 'meeting' | 'customActivity';
export type TriggerObject = RecordObject | ActivityObject;
export type SelectionEvent = 'created' | 'updated' | 'deleted' | 'merged' | 'statusChanged' | 'completed';

export const RECORD_OBJECTS: readonly RecordObject[] = ['lead', 'contact', 'opportunity', 'task'];
export const ACTIVITY_OBJECTS: readonly ActivityObject[] = ['note', 'call', 'email', 'sms', 'meeting', 'customActivity'];
/** Close's event object_type of an activity object (custom activities are `activity.custom_activity`). */
export const activityEventType = (object: ActivityObject): string => (object === 'customActivity' ? 'activity.custom_activity' : `activity.${object}`);
export const SELECTION_OBJECTS: readonly TriggerObject[] = [...RECORD_OBJECTS, ...ACTIVITY_OBJECTS];
export const SELECTION_EVENTS: readonly SelectionEvent[] = ['created', 'updated', 'deleted', 'merged', 'statusChanged', 'completed'];

export interface Selection {
	objects: TriggerObject[];
	events: SelectionEvent[];
	/** Status ids a status change must come from; empty = any. */
	fromStatus: string[];
	/** Status ids a status change must go to; empty = any. */
	toStatus: string[];
	/** An `updated` counts only when one of these fields changed; empty = any. */
	fieldsToWatch: string[];
	/** Custom activity type ids a custom activity must be of; empty or absent = any. */
	customActivityTypes?: string[];
}

/** One Close event type (object_type + action) the selection needs, and what it becomes in items. */
export interface SourceEventType {
	object_type: string;
	action: string;
	/** The item's object and event. */
	object: TriggerObject;
	event: SelectionEvent;
}

export function isActivityObject(object: string): object is ActivityObject {
	return (ACTIVITY_OBJECTS as readonly string[]).includes(object);
}

export function isRecordObject(object: string): object is RecordObject {
	return (RECORD_OBJECTS as readonly string[]).includes(object);
}

/**
 * Close's event object_type for the trigger's Task. Close subtypes tasks (`task.lead`,
 * `task.incoming_email`, ...: "List of Event Types"; a bare `task` is no event type). The trigger's
 * Task is Close's to-do task, `_type` lead: the one Close's task list (and the hub's tasks) shows by
 * default; the others are inbox items Close makes itself (missed calls, incoming emails).
 */
export const TASK_EVENT_TYPE = 'task.lead';

/** Close's event type for one (object, event) pair, or undefined where Close has none. */
export function sourceEventType(object: TriggerObject, event: SelectionEvent): SourceEventType | undefined {
	const pair = (object_type: string, action: string): SourceEventType => ({ object_type, action, object, event });
	if (event === 'statusChanged') {
		if (object === 'lead') return pair('activity.lead_status_change', 'created');
		if (object === 'opportunity') return pair('activity.opportunity_status_change', 'created');
		return undefined;
	}
	if (event === 'completed') return object === 'task' ? pair('activity.task_completed', 'created') : undefined;
	if (event === 'merged') return object === 'lead' ? pair('lead', 'merged') : undefined;
	if (object === 'task') return pair(TASK_EVENT_TYPE, event);
	return isActivityObject(object) ? pair(activityEventType(object), event) : pair(object, event);
}

/** Every Close event type the selection needs (pairs Close does not have are left out). */
export function sourceEventTypes(selection: Pick<Selection, 'objects' | 'events'>): SourceEventType[] {
	const out: SourceEventType[] = [];
	for (const object of selection.objects) {
		for (const event of selection.events) {
			const source = sourceEventType(object, event);
			if (source) out.push(source);
		}
	}
	return out;
}

/**
 * Why the selection cannot work, or undefined: every picked event must apply to a picked object
 * (e.g. Status Changed needs Lead or Opportunity), and status options need Status Changed.
 */
export function selectionProblem(selection: Selection): string | undefined {
	for (const event of selection.events) {
		if (!selection.objects.some((object) => sourceEventType(object, event))) {
			const needs: Record<string, string> = {
				merged: 'Lead',
				statusChanged: 'Lead or Opportunity',
				completed: 'Task',
			};
			return `Event "${event}" applies to none of the selected objects (it needs ${needs[event] ?? 'an object'})`;
		}
	}
	if ((selection.fromStatus.length || selection.toStatus.length) && !selection.events.includes('statusChanged')) {
		return 'From Status / To Status only apply to the "Status Changed" event: add it or clear them';
	}
	if (selection.customActivityTypes?.length && !selection.objects.includes('customActivity')) {
		return 'Custom Activity Types only applies to the "Custom Activity" object: add it or clear the option';
	}
	if (selection.fieldsToWatch.length && !selection.events.includes('updated')) {
		return 'Fields to Watch only applies to the "Updated" event: add it or clear the option';
	}
	return undefined;
}

/**
 * Whether an item (from any source: webhook, relay, event log, hub) is one the selection asks
 * for. Applied to everything that arrives, since older subscriptions and platform relays may send
 * more than the current selection wants.
 */
export function itemMatchesSelection(item: TriggerItem, selection: Selection): boolean {
	if (!(selection.objects as string[]).includes(item.object) || !(selection.events as string[]).includes(item.event)) {
		return false;
	}
	if (item.event === 'statusChanged') {
		const change = item.statusChange;
		if (!change) return false;
		if (selection.fromStatus.length && !selection.fromStatus.includes(change.fromId ?? '')) return false;
		if (selection.toStatus.length && !selection.toStatus.includes(change.toId ?? '')) return false;
	}
	if (item.object === 'customActivity' && selection.customActivityTypes?.length && !selection.customActivityTypes.includes(customActivityTypeOf(item))) {
		return false;
	}
	if (item.event === 'updated' && selection.fieldsToWatch.length) {
		// Without changed_fields (hub records, platform polling) nothing proves a watched field changed.
		const changed = item.changedFields ?? [];
		if (!selection.fieldsToWatch.some((field) => changed.includes(field))) return false;
	}
	return true;
}

/** A custom activity item's type id: from its data, or (deleted) its previous data. */
export function customActivityTypeOf(item: Pick<TriggerItem, 'data' | 'previousData'>): string {
	const type = item.data?.custom_activity_type_id ?? item.previousData?.custom_activity_type_id;
	return typeof type === 'string' ? type : '';
}

/** Field names from a comma- or newline-separated text, trimmed, without duplicates. */
export function parseFieldList(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[,\n]/) : [];
	return [...new Set(list.map((f) => f.trim()).filter(Boolean))];
}
