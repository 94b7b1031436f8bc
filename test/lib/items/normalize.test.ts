import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
	classifyPolledRecord,
	dedupKey,
	detectPayloadKind,
	fromCloseEvent,
	fromLegacyPayload,
	fromOpenConnectorsNotification,
	fromPolledRecord,
	PayloadError,
	withUtcOffset,
} from '../../../lib/items/normalize';
import { parseInstant } from '../../../lib/polling/datePattern';
import type { TriggerItem } from '../../../lib/items/objects';

const SAMPLES = '/work/shared/reference/samples';
const sample = (name: string): Record<string, any> => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));
const WEBHOOK = { source: 'webhook' as const };
const CONTRACT_KEYS = [
	'event', 'object', 'id', 'occurredAt', 'data', 'previousData', 'changedFields',
	'mergedFrom', 'mergedInto', 'source', 'deliveryId', 'statusChange',
].sort();

function normalizeAny(body: unknown, ctx = WEBHOOK): TriggerItem[] {
	switch (detectPayloadKind(body)) {
		case 'openConnectors':
			return fromOpenConnectorsNotification(body, ctx);
		case 'close':
			return [fromCloseEvent(body, ctx)];
		case 'closeLegacy':
			return [fromLegacyPayload(body, ctx)];
		default:
			throw new Error('unknown');
	}
}

describe('every sample payload', () => {
	const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));

	it('covers the eight samples', () => {
		expect(files).toHaveLength(8);
	});

	it.each(files)('%s normalizes into exactly the contract shape', (file) => {
		const items = normalizeAny(sample(file));
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) {
			expect(Object.keys(item).sort()).toEqual(CONTRACT_KEYS);
			expect(['created', 'updated', 'deleted', 'merged']).toContain(item.event);
			expect(item.object).toBe('lead');
			expect(item.id).toMatch(/^lead_/);
			expect(item.occurredAt === null || /[+-]\d{2}:\d{2}$/.test(item.occurredAt)).toBe(true);
			for (const key of ['mergedFrom', 'mergedInto', 'deliveryId', 'data', 'previousData', 'changedFields'] as const) {
				expect(item[key]).not.toBeUndefined();
			}
		}
	});

	it.each(files)('%s carries the payload as raw only with includeRaw', (file) => {
		const body = sample(file);
		for (const item of normalizeAny(body, { source: 'webhook', includeRaw: true } as never)) expect(item.raw).toBe(body);
	});
});

describe('detectPayloadKind', () => {
	it.each([
		['oc-notification-polling.json', 'openConnectors'],
		['oc-notification-webhook.json', 'openConnectors'],
		['close-webhook-lead-updated.json', 'close'],
		['close-webhook-lead-deleted.json', 'close'],
		['close-legacy-lead-update.json', 'closeLegacy'],
		['close-legacy-lead-delete.json', 'closeLegacy'],
	])('%s is %s', (file, kind) => {
		expect(detectPayloadKind(sample(file))).toBe(kind);
	});

	it.each([null, 1, 'x', [], {}, { message: 'x' }, { event: 'update' }, { model: 'lead', event: 7 }, JSON.parse('{"__proto__": {"event": {"action": "updated"}}}')])(
		'%j is unknown',
		(body) => {
			expect(detectPayloadKind(body)).toBe('unknown');
		},
	);
});

describe('fromCloseEvent', () => {
	it('maps an update with previous data and changed fields, keeping every digit of the date', () => {
		expect(fromCloseEvent(sample('close-webhook-lead-updated.json'), WEBHOOK)).toEqual({
			event: 'updated',
			object: 'lead',
			id: 'lead_8Kq2mR7tX3vN9pL4wZ6yB1',
			occurredAt: '2026-03-02T14:05:11.482913+00:00',
			data: sample('close-webhook-lead-updated.json').event.data,
			previousData: { status_id: 'stat_Potential', status_label: 'Potential' },
			changedFields: ['status_id', 'status_label'],
			mergedFrom: null,
			mergedInto: null,
			source: 'webhook',
			deliveryId: 'ev_2n9XkT3mQp8R4sV7wY1zA0',
			statusChange: null,
		});
	});

	it('maps a delete: data null, the object in previousData', () => {
		const item = fromCloseEvent(sample('close-webhook-lead-deleted.json'), { source: 'polling' });
		expect(item).toMatchObject({ event: 'deleted', id: 'lead_4Hj7Kl2Zx9Cv5Bn8Mq3Wr6', data: null, source: 'polling' });
		expect(item.previousData).toMatchObject({ display_name: 'Old Prospect Ltd' });
		expect(item.changedFields).toEqual([]);
	});

	it('maps a merge to the surviving lead with both ids', () => {
		const body = sample('close-webhook-lead-merged.json');
		body.event.object_id = 'lead_SRC0000000000000000001'; // even if object_id named the source
		expect(fromCloseEvent(body, WEBHOOK)).toMatchObject({
			event: 'merged',
			id: 'lead_DEST000000000000000001',
			mergedFrom: 'lead_SRC0000000000000000001',
			mergedInto: 'lead_DEST000000000000000001',
		});
	});

	it('accepts the inner event as well as the envelope, and null changedFields when absent', () => {
		const event = { ...sample('close-webhook-lead-updated.json').event };
		delete event.changed_fields;
		const item = fromCloseEvent(event, WEBHOOK);
		expect(item.changedFields).toBeNull();
		expect(item.id).toBe('lead_8Kq2mR7tX3vN9pL4wZ6yB1');
	});

	it('passes unknown actions and objects through with the provider word (activities without the activity. prefix)', () => {
		const body = { event: { id: 'ev_1', object_type: 'activity.note', object_id: 'acti_1', action: 'sent', date_updated: '2026-01-01T00:00:00Z' } };
		expect(fromCloseEvent(body, WEBHOOK)).toMatchObject({ event: 'sent', object: 'note', occurredAt: '2026-01-01T00:00:00Z' });
		const other = { event: { id: 'ev_2', object_type: 'sequence', object_id: 'seq_1', action: 'paused' } };
		expect(fromCloseEvent(other, WEBHOOK)).toMatchObject({ event: 'paused', object: 'sequence' });
	});

	it.each([
		[{ event: { object_type: 'lead', object_id: 'lead_1' } }, 'missing action'],
		[{ event: { action: 'updated', object_id: 'lead_1' } }, 'missing object type'],
		[{ event: { action: 'updated', object_type: 'lead' } }, 'missing object id'],
		[{ event: { action: 'updated', object_type: 'lead', object_id: '' } }, 'missing object id'],
		[null, 'unrecognised payload'],
	])('rejects %j: %s', (body, reason) => {
		expect(() => fromCloseEvent(body, WEBHOOK)).toThrow(new PayloadError(reason));
	});
});

describe('withUtcOffset', () => {
	it.each([
		['2019-01-15T12:48:23.395000', '2019-01-15T12:48:23.395000+00:00'],
		['2019-01-15 12:48:23', '2019-01-15 12:48:23+00:00'],
		['2019-01-15T12:48:23.395000+02:00', '2019-01-15T12:48:23.395000+02:00'],
		['2019-01-15T12:48:23Z', '2019-01-15T12:48:23Z'],
		['yesterday', 'yesterday'],
		['', null],
		[7, null],
	])('%j -> %j', (input, expected) => {
		expect(withUtcOffset(input)).toBe(expected);
	});
});

describe('fromLegacyPayload', () => {
	it('maps an update', () => {
		expect(fromLegacyPayload(sample('close-legacy-lead-update.json'), WEBHOOK)).toEqual({
			event: 'updated',
			object: 'lead',
			id: 'lead_8Kq2mR7tX3vN9pL4wZ6yB1',
			occurredAt: '2026-03-02T14:05:11.480377+00:00',
			data: sample('close-legacy-lead-update.json').data,
			previousData: null,
			changedFields: null,
			mergedFrom: null,
			mergedInto: null,
			source: 'webhook',
			deliveryId: null,
			statusChange: null,
		});
	});

	it('maps a delete whose data is only the id', () => {
		expect(fromLegacyPayload(sample('close-legacy-lead-delete.json'), WEBHOOK)).toMatchObject({
			event: 'deleted', id: 'lead_4Hj7Kl2Zx9Cv5Bn8Mq3Wr6', data: null, previousData: null, occurredAt: null,
		});
	});

	it('maps a merge with ids at the top level or inside data', () => {
		const expected = { event: 'merged', id: 'lead_DEST000000000000000001', mergedFrom: 'lead_SRC0000000000000000001', mergedInto: 'lead_DEST000000000000000001' };
		expect(fromLegacyPayload(sample('close-legacy-lead-merge.json'), WEBHOOK)).toMatchObject(expected);
		const inside = { model: 'lead', event: 'merge', data: { source_id: 'lead_SRC0000000000000000001', destination_id: 'lead_DEST000000000000000001' } };
		expect(fromLegacyPayload(inside, WEBHOOK)).toMatchObject(expected);
	});

	it('maps create and passes unknown words through', () => {
		expect(fromLegacyPayload({ model: 'contact', event: 'create', data: { id: 'cont_1' } }, WEBHOOK)).toMatchObject({ event: 'created', object: 'contact' });
		expect(fromLegacyPayload({ model: 'lead', event: 'archive', data: { id: 'lead_1' } }, WEBHOOK).event).toBe('archive');
	});

	it.each([
		[{ model: 'lead', event: 'update', data: {} }, 'missing object id'],
		[{ model: 'lead', event: 'delete', data: '' }, 'missing object id'],
		[{ model: 'lead', event: 'update' }, 'missing object id'],
		[{ model: 'lead' }, 'unrecognised payload'],
	])('rejects %j: %s', (body, reason) => {
		expect(() => fromLegacyPayload(body, WEBHOOK)).toThrow(reason);
	});
});

describe('fromPolledRecord', () => {
	const record = (created: string, updated: string) => ({ id: 'cont_1', date_created: created, date_updated: updated });
	const T0 = '2026-03-02T14:06:40.000123+00:00';
	const T1 = '2026-03-02T14:06:40.000124+00:00';

	it('is created when created == updated to the microsecond, else updated', () => {
		expect(fromPolledRecord('contact', record(T0, T0), { source: 'polling' }).event).toBe('created');
		expect(fromPolledRecord('contact', record(T0, T1), { source: 'polling' }).event).toBe('updated');
	});

	it('honours a tolerance window', () => {
		expect(fromPolledRecord('contact', record(T0, T1), { source: 'polling', createdWindowMicros: 1 }).event).toBe('created');
	});

	it('is created when created after the cursor, so a create then update since the last poll is one created item', () => {
		const cursor = parseInstant(T0) - 1;
		expect(classifyPolledRecord(record(T0, '2026-03-02T15:00:00.000000+00:00'), { cursorMicros: cursor })).toBe('created');
		expect(classifyPolledRecord(record(T0, '2026-03-02T15:00:00.000000+00:00'), { cursorMicros: cursor + 1 })).toBe('updated');
	});

	it('reads dates in a configured non-ISO pattern and custom field names', () => {
		const r = { key: 7, made: '20260302140640', changed: '20260302140640' };
		const item = fromPolledRecord('task', r, { source: 'polling', idField: 'key', createdField: 'made', updatedField: 'changed', createdDateFormat: 'yyyyMMddHHmmss', updatedDateFormat: 'yyyyMMddHHmmss' });
		expect(item).toMatchObject({ event: 'created', id: '7', occurredAt: '20260302140640' });
		expect(classifyPolledRecord(r, { createdField: 'made', updatedField: 'changed' })).toBe('updated'); // unreadable without the pattern
	});

	it('keeps occurredAt exactly as sent and fills the rest per contract', () => {
		expect(fromPolledRecord('contact', record(T0, T1), { source: 'polling' })).toEqual({
			event: 'updated', object: 'contact', id: 'cont_1', occurredAt: T1, data: record(T0, T1), previousData: null,
			changedFields: null, mergedFrom: null, mergedInto: null, source: 'polling', deliveryId: null,
			statusChange: null,
		});
	});

	it('rejects a record without id', () => {
		expect(() => fromPolledRecord('contact', { date_updated: T0 }, { source: 'polling' })).toThrow('missing object id');
		expect(() => fromPolledRecord('contact', 'x', { source: 'polling' })).toThrow(PayloadError);
	});
});

describe('fromOpenConnectorsNotification', () => {
	it('maps platform polling: one item per event, record picked by id, CREATED/UPDATED from the platform', () => {
		const body = sample('oc-notification-polling.json');
		const items = fromOpenConnectorsNotification(body, WEBHOOK);
		expect(items.map((i) => [i.event, i.object, i.id, i.occurredAt, i.deliveryId])).toEqual([
			['created', 'lead', 'lead_A00000000000000000001', '2026-03-02T14:06:40.000123+00:00', '7a3e4b10-2c9d-4f61-8e25-5d0c1b9a7f33'],
			['updated', 'lead', 'lead_B00000000000000000002', '2026-03-02T14:07:05.998001+00:00', '7a3e4b10-2c9d-4f61-8e25-5d0c1b9a7f33'],
		]);
		expect(items[1].data).toBe(body.message.raw.accounts[1]);
	});

	it('uses the legacy payload in raw for a webhook relay', () => {
		const items = fromOpenConnectorsNotification(sample('oc-notification-webhook.json'), WEBHOOK);
		expect(items).toEqual([{ ...fromLegacyPayload(sample('oc-notification-webhook.json').message.raw, WEBHOOK), deliveryId: '1f0c9a52-5d1e-4c8e-9a53-0b7d2f6c9e41' }]);
	});

	it("uses Close's current payload in raw, keeping its event id and merge ids", () => {
		const close = sample('close-webhook-lead-merged.json');
		const body = {
			message: {
				eventId: 'n1',
				events: [{ objectType: 'accounts', objectId: 'lead_DEST000000000000000001', eventType: 'MERGED' }],
				raw: close,
			},
		};
		expect(fromOpenConnectorsNotification(body, WEBHOOK)).toEqual([fromCloseEvent(close, WEBHOOK)]);
	});

	it('falls back to what the notification says when the record is not in raw', () => {
		const body = { message: { eventId: 'n2', events: [{ objectType: 'contacts', objectId: 'cont_9', eventType: 'DELETED' }, { objectType: 'widgets', objectId: 'w1', eventType: 'Archived' }] } };
		const items = fromOpenConnectorsNotification(body, WEBHOOK);
		expect(items[0]).toEqual({
			event: 'deleted', object: 'contact', id: 'cont_9', occurredAt: null, data: null, previousData: null,
			changedFields: null, mergedFrom: null, mergedInto: null, source: 'webhook', deliveryId: 'n2',
			statusChange: null,
		});
		expect(items[1]).toMatchObject({ event: 'archived', object: 'widgets' });
	});

	it('tolerates instanceId absence and instance_id', () => {
		const body = sample('oc-notification-polling.json');
		delete body.message.instanceId;
		body.message.instance_id = 5;
		expect(fromOpenConnectorsNotification(body, WEBHOOK)).toHaveLength(2);
	});

	it.each([
		[{}, 'unrecognised payload'],
		[{ message: { events: [] } }, 'missing event id'],
		[{ message: { eventId: 'n', events: {} } }, 'events not an array'],
		[{ message: { eventId: 'n', events: [7] } }, 'malformed event'],
		[{ message: { eventId: 'n', events: [{ objectType: 'accounts', eventType: 'UPDATED' }] } }, 'missing object id'],
		[{ message: { eventId: 'n', events: [{ objectId: 'x', eventType: 'UPDATED' }] } }, 'missing object type'],
		[{ message: { eventId: 'n', events: [{ objectType: 'accounts', objectId: 'x' }] } }, 'missing event type'],
	])('rejects %j: %s', (body, reason) => {
		expect(() => fromOpenConnectorsNotification(body, WEBHOOK)).toThrow(reason);
	});
});

describe('dedupKey', () => {
	it('is the Close event id when known', () => {
		expect(dedupKey(fromCloseEvent(sample('close-webhook-lead-deleted.json'), WEBHOOK))).toBe('close:ev_5Qw8Er2Ty6Ui9Op3As7Df1');
	});

	it('is the record version for polled and relayed records, so routes and redeliveries agree', () => {
		const [, b] = fromOpenConnectorsNotification(sample('oc-notification-polling.json'), WEBHOOK);
		const polled = fromPolledRecord('lead', sample('oc-notification-polling.json').message.raw.accounts[1], { source: 'polling' });
		expect(dedupKey(b)).toBe('rec:lead:lead_B00000000000000000002:2026-03-02T14:07:05.998001+00:00');
		expect(dedupKey(polled)).toBe(dedupKey(b));
		const relayed = fromOpenConnectorsNotification(sample('oc-notification-webhook.json'), WEBHOOK)[0];
		expect(dedupKey(relayed)).toBe(dedupKey(fromLegacyPayload(sample('close-legacy-lead-update.json'), WEBHOOK)));
	});

	it('differs between two versions of one record that differ by a microsecond', () => {
		const a = fromPolledRecord('lead', { id: 'l', date_updated: '2026-01-01T00:00:00.000001+00:00' }, { source: 'polling' });
		const b = fromPolledRecord('lead', { id: 'l', date_updated: '2026-01-01T00:00:00.000002+00:00' }, { source: 'polling' });
		expect(dedupKey(a)).not.toBe(dedupKey(b));
	});

	it('uses the notification id for events without a record', () => {
		const body = { message: { eventId: 'n2', events: [{ objectType: 'contacts', objectId: 'cont_9', eventType: 'DELETED' }] } };
		expect(dedupKey(fromOpenConnectorsNotification(body, WEBHOOK)[0])).toBe('oc:n2:deleted:contact:cont_9');
	});

	it('falls back to the legacy key, telling merges from different sources apart', () => {
		expect(dedupKey(fromLegacyPayload(sample('close-legacy-lead-delete.json'), WEBHOOK))).toBe('leg:deleted:lead:lead_4Hj7Kl2Zx9Cv5Bn8Mq3Wr6:');
		const merge = fromLegacyPayload(sample('close-legacy-lead-merge.json'), WEBHOOK);
		expect(dedupKey(merge)).toBe('leg:merged:lead:lead_DEST000000000000000001::lead_SRC0000000000000000001');
		expect(dedupKey({ ...merge, mergedFrom: 'lead_OTHER' })).not.toBe(dedupKey(merge));
	});
});
