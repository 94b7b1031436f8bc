import { ApiError } from '../../../lib/clients/errors';
import type { CloseCall } from '../../../lib/records/closeActivities';
import { BoundedMemory } from '../../../lib/clients/boundedMemory';
import { createMessageOnce, customActivityFields, decodeSender, encodeSender, missingRequired, smartViewSearchBody } from '../../../lib/records/closeActivities';
import { itemViewOf } from '../../../lib/triggerEvents/closeEventTypes';
import { itemMatchesSelection, selectionProblem, sourceEventTypes } from '../../../lib/triggerEvents/selection';
import type { TriggerItem } from '../../../lib/items/objects';

/** A fake Close keeping emails by id; `lose` drops the answer of the nth call (the write happened). */
function fakeClose(lose?: number) {
	const emails = new Map<string, Record<string, unknown>>();
	const sent: string[] = [];
	let n = 0;
	const call: CloseCall = async <T>({ method, path, body }: { method: string; path: string; body?: unknown }) => {
		n++;
		const id = path.split('/')[3];
		let answer: unknown;
		if (method === 'POST') {
			const rec = { ...(body as object), id: `acti_${emails.size + 1}` } as Record<string, unknown>;
			emails.set(String(rec.id), rec);
			answer = rec;
		} else if (method === 'GET') {
			if (!emails.has(id)) throw new ApiError({ statusCode: 404, service: 'close', message: 'not found' });
			answer = emails.get(id);
		} else {
			const rec = { ...emails.get(id)!, ...(body as object) };
			if (rec.status === 'outbox') {
				sent.push(id);
				rec.status = 'sent';
			}
			emails.set(id, rec);
			answer = rec;
		}
		if (n === lose) throw new Error('socket hang up');
		return answer as T;
	};
	return { call, emails, sent };
}

describe('createMessageOnce', () => {
	const body = { lead_id: 'lead_1', status: 'outbox', to: ['a@example.com'] };

	it('run twice with the same key: one email sent, the second run returns it', async () => {
		const close = fakeClose();
		const memory = new BoundedMemory();
		const first = await createMessageOnce(close.call, 'email', body, memory, 'k');
		const second = await createMessageOnce(close.call, 'email', body, memory, 'k');
		expect(second).toEqual(first);
		expect(close.sent).toEqual([first.id]);
	});

	it('the answer to "send" lost: the retry finds the email sent and does not send again', async () => {
		const close = fakeClose(2);
		const memory = new BoundedMemory();
		await expect(createMessageOnce(close.call, 'email', body, memory, 'k')).rejects.toThrow('socket hang up');
		await createMessageOnce(close.call, 'email', body, memory, 'k');
		expect(close.sent).toHaveLength(1);
	});

	it('the answer to the draft lost: that draft stays unsent, one email is sent', async () => {
		const close = fakeClose(1);
		const memory = new BoundedMemory();
		await expect(createMessageOnce(close.call, 'email', body, memory, 'k')).rejects.toThrow('socket hang up');
		await createMessageOnce(close.call, 'email', body, memory, 'k');
		expect(close.sent).toHaveLength(1);
		expect([...close.emails.values()].map((e) => e.status).sort()).toEqual(['draft', 'sent']);
	});

	it('a remembered email deleted since is created again; a draft is created once, as asked', async () => {
		const close = fakeClose();
		const memory = new BoundedMemory();
		await createMessageOnce(close.call, 'email', body, memory, 'k');
		close.emails.clear();
		await createMessageOnce(close.call, 'email', body, memory, 'k');
		expect(close.sent).toHaveLength(2);
		await createMessageOnce(close.call, 'email', { ...body, status: 'draft' }, memory, 'd');
		expect([...close.emails.values()].filter((e) => e.status === 'draft')).toHaveLength(1);
	});
});

describe('bodies', () => {
	it('senders round-trip; anything else is a clear error', () => {
		const s = { accountId: 'emailacct_1', email: 'me@example.com', name: 'Me' };
		expect(decodeSender(encodeSender(s))).toEqual(s);
		expect(() => decodeSender('me@example.com')).toThrow('Sender: choose one from the list');
	});

	it('custom activity fields: custom.cf_ keys, numbers read, several values split, unknown ids refused, required named', () => {
		const fields = [
			{ id: 'cf_a', name: 'Topic', type: 'text', required: true },
			{ id: 'cf_b', name: 'Seats', type: 'number' },
			{ id: 'cf_c', name: 'Tags', type: 'choices', accepts_multiple_values: true },
		];
		expect(customActivityFields({ cf_a: 'x', cf_b: '3', cf_c: 'p, q', cf_d: '' }, fields)).toEqual({ 'custom.cf_a': 'x', 'custom.cf_b': 3, 'custom.cf_c': ['p', 'q'] });
		expect(() => customActivityFields({ cf_b: 'many' }, fields)).toThrow('Field "Seats" needs a number, got "many"');
		expect(() => customActivityFields({ cf_z: 1 }, fields)).toThrow(/cf_z is not a field/);
		expect(missingRequired({ 'custom.cf_b': 3 }, fields)).toEqual(['Topic']);
	});

	it('a Smart View search uses its saved query and sort; a contact Smart View is refused', () => {
		const view = { id: 'save_1', type: 'lead', s_query: { query: { type: 'and', queries: [] }, sort: [{ field: 'x' }] } };
		expect(smartViewSearchBody(view, 500, 'c1')).toEqual({ query: { type: 'and', queries: [] }, sort: [{ field: 'x' }], _fields: { lead: ['id'] }, _limit: 200, cursor: 'c1' });
		expect(() => smartViewSearchBody({ ...view, type: 'contact' }, 10)).toThrow(/lists contacts/);
	});
});

describe('trigger: custom activities', () => {
	const item = (event: string, type: string | undefined, data = true): TriggerItem => ({
		event,
		object: 'customActivity',
		id: 'acti_1',
		occurredAt: null,
		data: data ? { custom_activity_type_id: type } : null,
		previousData: data ? null : { custom_activity_type_id: type },
		changedFields: null,
		mergedFrom: null,
		mergedInto: null,
		source: 'webhook',
		deliveryId: null,
		statusChange: null,
	});
	const selection = { objects: ['customActivity' as const], events: ['created' as const, 'deleted' as const], fromStatus: [], toStatus: [], fieldsToWatch: [], customActivityTypes: ['actitype_a'] };

	it('Close event type activity.custom_activity both ways', () => {
		expect(sourceEventTypes(selection).map((s) => `${s.object_type}.${s.action}`)).toEqual(['activity.custom_activity.created', 'activity.custom_activity.deleted']);
		expect(itemViewOf('activity.custom_activity', 'updated', null, null)).toEqual({ object: 'customActivity', event: 'updated', id: null, statusChange: null });
	});

	it('the type filter reads data, or previous data of a deletion; empty = any type', () => {
		expect(itemMatchesSelection(item('created', 'actitype_a'), selection)).toBe(true);
		expect(itemMatchesSelection(item('created', 'actitype_b'), selection)).toBe(false);
		expect(itemMatchesSelection(item('deleted', 'actitype_a', false), selection)).toBe(true);
		expect(itemMatchesSelection(item('created', 'actitype_b'), { ...selection, customActivityTypes: [] })).toBe(true);
		expect(selectionProblem({ ...selection, objects: ['lead'] as never })).toMatch(/Custom Activity Types only applies/);
	});
});
