// Close calls its objects lead/contact/opportunity/task; the Open Connectors CRM hub calls
// leads "accounts". Everything user-facing speaks Close's names.

export type CloseObject = 'lead' | 'contact' | 'opportunity' | 'task';
export type TriggerEvent = 'created' | 'updated' | 'deleted' | 'merged';

export const CLOSE_OBJECTS: readonly CloseObject[] = ['lead', 'contact', 'opportunity', 'task'];
export const TRIGGER_EVENTS: readonly TriggerEvent[] = ['created', 'updated', 'deleted', 'merged'];

const HUB_RESOURCE: Record<CloseObject, string> = {
	lead: 'accounts',
	contact: 'contacts',
	opportunity: 'opportunities',
	task: 'tasks',
};

export function hubResourceOf(object: CloseObject): string {
	return HUB_RESOURCE[object];
}

/** Maps a hub resource name (or a Close object name) back to the Close object, if known. */
export function closeObjectOf(name: string): CloseObject | undefined {
	const lower = name.toLowerCase();
	for (const object of CLOSE_OBJECTS) {
		if (lower === object || lower === HUB_RESOURCE[object]) return object;
	}
	if (lower === 'leads') return 'lead';
	return undefined;
}

/** A status change's from and to (contract.md, Additions). */
export interface StatusChange {
	fromId: string | null;
	fromLabel: string | null;
	toId: string | null;
	toLabel: string | null;
}

/** The item every mode of the trigger emits (contract.md). */
export interface TriggerItem {
	event: string;
	object: string;
	id: string;
	occurredAt: string | null;
	data: Record<string, unknown> | null;
	previousData: Record<string, unknown> | null;
	changedFields: string[] | null;
	mergedFrom: string | null;
	mergedInto: string | null;
	source: 'polling' | 'webhook';
	deliveryId: string | null;
	/** Only on statusChanged items; null elsewhere. */
	statusChange: StatusChange | null;
	raw?: unknown;
}
