import type { TriggerItem } from '../../../lib/items/objects';
import type { Selection } from '../../../lib/triggerEvents/selection';
import { itemMatchesSelection, parseFieldList, selectionProblem, sourceEventTypes } from '../../../lib/triggerEvents/selection';

const sel = (over: Partial<Selection>): Selection => ({ objects: ['lead'], events: ['created'], fromStatus: [], toStatus: [], fieldsToWatch: [], ...over });

function item(over: Partial<TriggerItem>): TriggerItem {
	return {
		event: 'updated',
		object: 'lead',
		id: 'lead_1',
		occurredAt: null,
		data: null,
		previousData: null,
		changedFields: null,
		mergedFrom: null,
		mergedInto: null,
		source: 'webhook',
		deliveryId: null,
		statusChange: null,
		...over,
	};
}

describe('sourceEventTypes', () => {
	it('maps every (object, event) pair to the Close event type that carries it, leaving out pairs Close lacks', () => {
		const types = sourceEventTypes(sel({ objects: ['lead', 'opportunity', 'task', 'note', 'contact'], events: ['created', 'merged', 'statusChanged', 'completed'] }));
		expect(types.map((t) => `${t.object}/${t.event} <- ${t.object_type}.${t.action}`)).toEqual([
			'lead/created <- lead.created',
			'lead/merged <- lead.merged',
			'lead/statusChanged <- activity.lead_status_change.created',
			'opportunity/created <- opportunity.created',
			'opportunity/statusChanged <- activity.opportunity_status_change.created',
			'task/created <- task.lead.created',
			'task/completed <- activity.task_completed.created',
			'note/created <- activity.note.created',
			'contact/created <- contact.created',
		]);
	});

	it('activities take created, updated and deleted', () => {
		const types = sourceEventTypes(sel({ objects: ['call', 'email', 'sms', 'meeting'], events: ['updated', 'deleted'] }));
		expect(types.map((t) => `${t.object_type}.${t.action}`)).toEqual([
			'activity.call.updated',
			'activity.call.deleted',
			'activity.email.updated',
			'activity.email.deleted',
			'activity.sms.updated',
			'activity.sms.deleted',
			'activity.meeting.updated',
			'activity.meeting.deleted',
		]);
	});
});

describe('selectionProblem', () => {
	it('names events no selected object has, and options without their event', () => {
		expect(selectionProblem(sel({ objects: ['contact'], events: ['statusChanged'] }))).toMatch(/"statusChanged".*Lead or Opportunity/);
		expect(selectionProblem(sel({ objects: ['lead'], events: ['completed'] }))).toMatch(/"completed".*Task/);
		expect(selectionProblem(sel({ events: ['created'], toStatus: ['stat_1'] }))).toMatch(/From Status \/ To Status/);
		expect(selectionProblem(sel({ events: ['created'], fieldsToWatch: ['name'] }))).toMatch(/Fields to Watch/);
		expect(selectionProblem(sel({ objects: ['lead', 'task'], events: ['statusChanged', 'completed', 'updated'], toStatus: ['s'], fieldsToWatch: ['x'] }))).toBeUndefined();
	});
});

describe('itemMatchesSelection', () => {
	const change = (fromId: string, toId: string) => ({ fromId, fromLabel: null, toId, toLabel: null });

	it('keeps only the selected objects and events', () => {
		const s = sel({ objects: ['lead', 'note'], events: ['created', 'statusChanged'] });
		expect(itemMatchesSelection(item({ event: 'created', object: 'note' }), s)).toBe(true);
		expect(itemMatchesSelection(item({ event: 'updated', object: 'note' }), s)).toBe(false);
		expect(itemMatchesSelection(item({ event: 'created', object: 'call' }), s)).toBe(false);
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('a', 'b') }), s)).toBe(true);
	});

	it('applies from and to statuses together; empty lists mean any', () => {
		const s = sel({ objects: ['lead'], events: ['statusChanged'], fromStatus: ['a', 'b'], toStatus: ['c'] });
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('a', 'c') }), s)).toBe(true);
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('b', 'c') }), s)).toBe(true);
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('x', 'c') }), s)).toBe(false);
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('a', 'x') }), s)).toBe(false);
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: null }), s)).toBe(false);
		const onlyTo = sel({ objects: ['lead'], events: ['statusChanged'], toStatus: ['c'] });
		expect(itemMatchesSelection(item({ event: 'statusChanged', statusChange: change('anything', 'c') }), onlyTo)).toBe(true);
	});

	it('with fieldsToWatch, an update counts only when a watched field changed (unknown changes do not)', () => {
		const s = sel({ events: ['updated', 'created'], fieldsToWatch: ['status_id', 'custom.cf_x'] });
		expect(itemMatchesSelection(item({ changedFields: ['name', 'custom.cf_x'] }), s)).toBe(true);
		expect(itemMatchesSelection(item({ changedFields: ['name'] }), s)).toBe(false);
		expect(itemMatchesSelection(item({ changedFields: null }), s)).toBe(false);
		expect(itemMatchesSelection(item({ event: 'created', changedFields: null }), s)).toBe(true);
	});
});

describe('parseFieldList', () => {
	it('splits on commas and new lines, trims, drops empties and repeats', () => {
		expect(parseFieldList(' status_id, name\n,name ,, custom.cf_a ')).toEqual(['status_id', 'name', 'custom.cf_a']);
		expect(parseFieldList(undefined)).toEqual([]);
		expect(parseFieldList(['a', ' b '])).toEqual(['a', 'b']);
	});
});
