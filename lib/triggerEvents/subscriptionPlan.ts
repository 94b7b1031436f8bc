// The Close webhook subscription a selection needs: exactly its event types, each with the
// `extra_filter` that lets Close drop what the selection would drop (status ids, changed fields),
// so unwanted events are neither sent nor executed.

import type { Selection } from './selection';
import { sourceEventTypes } from './selection';

export interface PlannedEvent {
	object_type: string;
	action: string;
	extra_filter?: Record<string, unknown>;
}

type Filter = Record<string, unknown>;

function anyOf(filters: Filter[]): Filter {
	return filters.length === 1 ? filters[0] : { type: 'or', filters };
}

function allOf(filters: Filter[]): Filter | undefined {
	if (filters.length === 0) return undefined;
	return filters.length === 1 ? filters[0] : { type: 'and', filters };
}

function dataFieldIn(field: string, values: string[], of = 'data'): Filter {
	return {
		type: 'field_accessor',
		field: of,
		filter: { type: 'field_accessor', field, filter: anyOf(values.map((value) => ({ type: 'equals', value }))) },
	};
}

function changedAnyOf(fields: string[]): Filter {
	return { type: 'field_accessor', field: 'changed_fields', filter: anyOf(fields.map((value) => ({ type: 'contains', value }))) };
}

/** The subscription's events for a selection, in a stable order. */
export function subscriptionPlan(selection: Selection): PlannedEvent[] {
	return sourceEventTypes(selection).map((source) => {
		const filters: Filter[] = [];
		if (source.event === 'statusChanged') {
			if (selection.fromStatus.length) filters.push(dataFieldIn('old_status_id', selection.fromStatus));
			if (selection.toStatus.length) filters.push(dataFieldIn('new_status_id', selection.toStatus));
		}
		if (source.event === 'updated' && selection.fieldsToWatch.length) filters.push(changedAnyOf(selection.fieldsToWatch));
		if (source.object === 'customActivity' && selection.customActivityTypes?.length) {
			// A deleted event carries the activity in previous_data only.
			const types = selection.customActivityTypes;
			filters.push(source.event === 'deleted' ? dataFieldIn('custom_activity_type_id', types, 'previous_data') : dataFieldIn('custom_activity_type_id', types));
		}
		const extra = allOf(filters);
		return extra ? { object_type: source.object_type, action: source.action, extra_filter: extra } : { object_type: source.object_type, action: source.action };
	});
}

/** JSON with sorted keys: Close may give a filter back with its keys in another order. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const obj = value as Record<string, unknown>;
		return `{${Object.keys(obj)
			.sort()
			.filter((k) => obj[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}
