// How a Close event about an activity becomes the trigger's item: `activity.note` is a note,
// a status change is about its lead or opportunity, a completed task about its task.

import type { StatusChange } from '../items/objects';

type Json = Record<string, unknown>;

function str(data: Json | null, key: string): string | null {
	const v = data && Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
	return typeof v === 'string' && v !== '' ? v : null;
}

export interface ItemView {
	object: string;
	event: string;
	/** Replaces the event's object_id when set (the lead, opportunity or task concerned). */
	id: string | null;
	statusChange: StatusChange | null;
}

function statusChangeOf(data: Json | null): StatusChange {
	return {
		fromId: str(data, 'old_status_id'),
		fromLabel: str(data, 'old_status_label'),
		toId: str(data, 'new_status_id'),
		toLabel: str(data, 'new_status_label'),
	};
}

/** The item's object, event, id and statusChange for a Close event (object_type, action, data). */
export function itemViewOf(objectType: string, action: string, data: Json | null, leadId: string | null): ItemView {
	switch (objectType) {
		case 'activity.lead_status_change':
			return { object: 'lead', event: 'statusChanged', id: str(data, 'lead_id') ?? leadId, statusChange: statusChangeOf(data) };
		case 'activity.opportunity_status_change':
			return { object: 'opportunity', event: 'statusChanged', id: str(data, 'opportunity_id'), statusChange: statusChangeOf(data) };
		case 'activity.task_completed':
			return { object: 'task', event: 'completed', id: str(data, 'task_id'), statusChange: null };
		case 'activity.custom_activity':
			return { object: 'customActivity', event: action, id: null, statusChange: null };
	}
	// Other activities keep their own id: `activity.note` -> object `note`. Close subtypes tasks
	// (`task.lead`, …): they are tasks.
	if (objectType.startsWith('activity.')) return { object: objectType.slice('activity.'.length), event: action, id: null, statusChange: null };
	if (objectType.startsWith('task.')) return { object: 'task', event: action, id: null, statusChange: null };
	return { object: objectType, event: action, id: null, statusChange: null };
}
