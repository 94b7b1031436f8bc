// Polling mode: the event-log sources a selection needs beyond the records (activities, status
// changes, completions have no CRM-hub resource; Close's event log has them all).

import type { LogSource } from '../polling';
import type { Selection } from './selection';
import { isRecordObject, sourceEventTypes } from './selection';

/** One source per Close object_type, with the actions wanted from it (records are read per object). */
export function logSourcesOf(selection: Selection): LogSource[] {
	const byType = new Map<string, string[]>();
	for (const source of sourceEventTypes(selection)) {
		// A record's own events (deletes, merges) are read with its records; status changes and
		// completions (`activity.*`) are sources of their own.
		if (isRecordObject(source.object) && !source.object_type.startsWith('activity.')) continue;
		const actions = byType.get(source.object_type) ?? [];
		if (!actions.includes(source.action)) actions.push(source.action);
		byType.set(source.object_type, actions);
	}
	return [...byType].map(([objectType, actions]) => ({ objectType, actions }));
}
