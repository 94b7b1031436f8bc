import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CloseObject, TriggerEvent } from '../../lib/items/objects';
import { TRIGGER_EVENTS } from '../../lib/items/objects';
import type { Selection, SelectionEvent, TriggerObject } from '../../lib/triggerEvents/selection';
import {
	isActivityObject,
	isRecordObject,
	parseFieldList,
	SELECTION_EVENTS,
	SELECTION_OBJECTS,
	selectionProblem,
} from '../../lib/triggerEvents/selection';

type ParamCtx = { getNodeParameter(name: string, fallback: unknown): unknown; getNode(): INode };

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** The node's selection, checked: a selection that cannot work fails naming what is wrong. */
export function readSelection(ctx: ParamCtx): Selection {
	const objects = stringList(ctx.getNodeParameter('objects', [])).filter((o): o is TriggerObject =>
		(SELECTION_OBJECTS as readonly string[]).includes(o),
	);
	if (objects.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Missing required parameter: Objects', {
			description: 'Choose at least one object, e.g. Lead',
		});
	}
	const events = stringList(ctx.getNodeParameter('events', [])).filter((e): e is SelectionEvent =>
		(SELECTION_EVENTS as readonly string[]).includes(e),
	);
	if (events.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'Missing required parameter: Events', {
			description: 'Choose at least one of Created, Updated, Deleted, Merged, Status Changed, Completed',
		});
	}
	const options = (ctx.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const selection: Selection = {
		objects,
		events,
		fromStatus: stringList(options.fromStatus),
		toStatus: stringList(options.toStatus),
		fieldsToWatch: parseFieldList(options.fieldsToWatch),
		customActivityTypes: stringList(options.customActivityTypes),
	};
	const problem = selectionProblem(selection);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem);
	return selection;
}

/** The selected objects that are CRM-hub records (lead, contact, opportunity, task). */
export function recordObjectsOf(selection: Selection): CloseObject[] {
	return selection.objects.filter(isRecordObject);
}

/** The selected events that records have (created, updated, deleted, merged). */
export function recordEventsOf(selection: Selection): TriggerEvent[] {
	return selection.events.filter((e): e is TriggerEvent => (TRIGGER_EVENTS as readonly string[]).includes(e));
}

/**
 * What only Close's own events give: the platform's poller reads hub records, so it cannot deliver
 * activities, status changes, completions, or tell which fields changed.
 */
export function needsCloseEvents(selection: Selection): string[] {
	const out: string[] = [];
	for (const object of selection.objects) if (isActivityObject(object)) out.push(object);
	for (const event of selection.events) if (event === 'statusChanged' || event === 'completed') out.push(event);
	if (selection.fieldsToWatch.length) out.push('Fields to Watch');
	return out;
}
