import { matchesFilter } from '../../../sandbox/extraFilter';
import type { Selection } from '../../../lib/triggerEvents/selection';
import { canonicalJson, subscriptionPlan } from '../../../lib/triggerEvents/subscriptionPlan';
import { subscriptionMatches } from '../../../lib/webhooks/webhookLifecycle';

const sel = (over: Partial<Selection>): Selection => ({ objects: ['lead'], events: ['created'], fromStatus: [], toStatus: [], fieldsToWatch: [], ...over });

// A Close event as the API documents it, to run the planned filters against the sandbox's
// independent evaluator of Close's filter language.
const statusEvent = (from: string, to: string) => ({
	object_type: 'activity.lead_status_change',
	action: 'created',
	data: { old_status_id: from, new_status_id: to },
	previous_data: {},
	changed_fields: [],
});

describe('subscriptionPlan', () => {
	it('subscribes to exactly the needed event types, unfiltered when no option narrows them', () => {
		expect(subscriptionPlan(sel({ objects: ['lead', 'note'], events: ['statusChanged', 'created'] }))).toEqual([
			{ object_type: 'activity.lead_status_change', action: 'created' },
			{ object_type: 'lead', action: 'created' },
			{ object_type: 'activity.note', action: 'created' },
		]);
	});

	it('filters status changes at Close by from and to status ids', () => {
		const [planned] = subscriptionPlan(sel({ events: ['statusChanged'], fromStatus: ['s1', 's2'], toStatus: ['s3'] }));
		expect(planned.object_type).toBe('activity.lead_status_change');
		const f = planned.extra_filter!;
		expect(matchesFilter(f, statusEvent('s1', 's3'))).toBe(true);
		expect(matchesFilter(f, statusEvent('s2', 's3'))).toBe(true);
		expect(matchesFilter(f, statusEvent('s9', 's3'))).toBe(false);
		expect(matchesFilter(f, statusEvent('s1', 's9'))).toBe(false);
		const [toOnly] = subscriptionPlan(sel({ events: ['statusChanged'], toStatus: ['s3'] }));
		expect(toOnly.extra_filter).toEqual({
			type: 'field_accessor',
			field: 'data',
			filter: { type: 'field_accessor', field: 'new_status_id', filter: { type: 'equals', value: 's3' } },
		});
	});

	it('filters updates at Close by changed fields, and only updates', () => {
		const plan = subscriptionPlan(sel({ objects: ['lead', 'note'], events: ['updated', 'created'], fieldsToWatch: ['status_id', 'name'] }));
		const updates = plan.filter((p) => p.action === 'updated');
		expect(updates.map((p) => p.object_type)).toEqual(['lead', 'activity.note']);
		for (const p of plan.filter((x) => x.action === 'created')) expect(p.extra_filter).toBeUndefined();
		const f = updates[0].extra_filter!;
		const upd = (changed: string[]) => ({ object_type: 'lead', action: 'updated', data: {}, previous_data: {}, changed_fields: changed });
		expect(matchesFilter(f, upd(['description', 'name']))).toBe(true);
		expect(matchesFilter(f, upd(['status_id']))).toBe(true);
		expect(matchesFilter(f, upd(['description']))).toBe(false);
	});
});

describe('subscriptionMatches with filters', () => {
	const url = 'https://x/hook';
	it('a subscription whose filter differs (or is missing) does not match, key order aside', () => {
		const wanted = subscriptionPlan(sel({ events: ['statusChanged'], toStatus: ['s3'] }));
		const sub = (events: unknown[]) => ({ url, status: 'active', events: events as never });
		expect(subscriptionMatches(sub(JSON.parse(JSON.stringify(wanted))), url, wanted)).toBe(true);
		const reordered = wanted.map((w) => JSON.parse(canonicalJson(w)) as object);
		expect(subscriptionMatches(sub(reordered), url, wanted)).toBe(true);
		expect(subscriptionMatches(sub([{ object_type: 'activity.lead_status_change', action: 'created' }]), url, wanted)).toBe(false);
		const other = subscriptionPlan(sel({ events: ['statusChanged'], toStatus: ['s4'] }));
		expect(subscriptionMatches(sub(other), url, wanted)).toBe(false);
	});
});
