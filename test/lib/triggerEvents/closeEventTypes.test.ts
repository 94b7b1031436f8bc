import { fromCloseEvent } from '../../../lib/items/normalize';

const envelope = (event: Record<string, unknown>) => ({
	subscription_id: 'whsub_1',
	event: { id: 'ev_1', date_created: '2026-01-01T10:00:00.123456', date_updated: '2026-01-01T10:00:00.123456', changed_fields: [], previous_data: {}, meta: {}, ...event },
});

describe('Close activity events as items', () => {
	it('a lead status change is a statusChanged item about the lead, with statusChange', () => {
		const item = fromCloseEvent(
			envelope({
				object_type: 'activity.lead_status_change',
				action: 'created',
				object_id: 'acti_1',
				lead_id: 'lead_1',
				data: { id: 'acti_1', lead_id: 'lead_1', old_status_id: 'stat_a', old_status_label: 'Potential', new_status_id: 'stat_b', new_status_label: 'Qualified' },
			}),
			{ source: 'webhook' },
		);
		expect(item).toMatchObject({
			event: 'statusChanged',
			object: 'lead',
			id: 'lead_1',
			deliveryId: 'ev_1',
			occurredAt: '2026-01-01T10:00:00.123456+00:00',
			statusChange: { fromId: 'stat_a', fromLabel: 'Potential', toId: 'stat_b', toLabel: 'Qualified' },
		});
		expect(item.data?.id).toBe('acti_1');
	});

	it('an opportunity status change is about the opportunity; a completed task about the task', () => {
		const opp = fromCloseEvent(
			envelope({ object_type: 'activity.opportunity_status_change', action: 'created', object_id: 'acti_2', lead_id: 'lead_1', data: { opportunity_id: 'oppo_1', old_status_id: 'a', new_status_id: 'b' } }),
			{ source: 'webhook' },
		);
		expect([opp.object, opp.event, opp.id, opp.statusChange?.toId]).toEqual(['opportunity', 'statusChanged', 'oppo_1', 'b']);
		const done = fromCloseEvent(
			envelope({ object_type: 'activity.task_completed', action: 'created', object_id: 'acti_3', data: { task_id: 'task_1' } }),
			{ source: 'polling' },
		);
		expect([done.object, done.event, done.id, done.statusChange]).toEqual(['task', 'completed', 'task_1', null]);
	});

	it('activities keep their id and lose the activity. prefix; records get statusChange null', () => {
		const note = fromCloseEvent(envelope({ object_type: 'activity.note', action: 'updated', object_id: 'acti_4', data: { id: 'acti_4' }, changed_fields: ['note'] }), {
			source: 'webhook',
		});
		expect([note.object, note.event, note.id, note.changedFields, note.statusChange]).toEqual(['note', 'updated', 'acti_4', ['note'], null]);
		const lead = fromCloseEvent(envelope({ object_type: 'lead', action: 'updated', object_id: 'lead_1', data: { id: 'lead_1' } }), { source: 'webhook' });
		expect([lead.object, lead.id, lead.statusChange]).toEqual(['lead', 'lead_1', null]);
		const subtyped = fromCloseEvent(envelope({ object_type: 'task.lead', action: 'created', object_id: 'task_9', data: {} }), { source: 'webhook' });
		expect([subtyped.object, subtyped.id]).toEqual(['task', 'task_9']);
	});
});
