// The event-log reader against the sandbox over HTTP, which answers only Close's documented filter
// combinations (object_type + action here) and pages by cursor.
import { EVENT_LOG_LIMIT, RESCAN_WINDOW_US, eventLogCursorAtNewest, readEventLog, readEventLogCursor, type EventLogCursor, type LoggedEvent } from '../../../lib/polling/eventLogReader';
import { EMPTY_CURSOR, readCursor, versionKey } from '../../../lib/polling/pollCursor';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { sandboxPollSources } from '../../helpers/sandboxPollSources';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => {
	sb.admin.reset();
	sb.admin.setEventConsolidation(0);
});

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

async function read(source: { objectType: string; actions: string[] }, cursor: EventLogCursor, cap = Infinity) {
	const { listEvents } = sandboxPollSources(sb, 'unused');
	const got: LoggedEvent[] = [];
	const next = await readEventLog(listEvents, source, cursor, (e) => {
		if (got.length >= cap) return false;
		got.push(e);
		return true;
	});
	// Through JSON, as static data keeps it.
	return { got, ids: got.map((e) => `${String(e.event.object_id)}@${String(e.event.date_updated)}`), cursor: JSON.parse(JSON.stringify(next)) as EventLogCursor };
}

const NOTES = { objectType: 'activity.note', actions: ['created', 'deleted'] };

describe('readEventLog', () => {
	it('asks only object_type + action (one query per action) and pages by cursor, never _skip', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		for (let i = 0; i < EVENT_LOG_LIMIT + 5; i++) sb.admin.create('note', { lead_id: lead.id }, { at: at(i) });
		sb.admin.clearLogs();
		const { got } = await read(NOTES, EMPTY_CURSOR);
		expect(got).toHaveLength(EVENT_LOG_LIMIT + 5);
		const queries = sb.admin.requests().filter((r) => r.path.endsWith('/event/')).map((r) => r.query);
		expect(queries.length).toBeGreaterThanOrEqual(3);
		for (const q of queries) {
			expect(Object.keys(q).filter((k) => !k.startsWith('_') && !k.startsWith('date_updated')).sort()).toEqual(['action', 'object_type']);
			expect(q._skip).toBeUndefined();
		}
		expect(queries.some((q) => typeof q._cursor === 'string')).toBe(true);
	});

	it('delivers an event seen late (dated 90 s before one already delivered) once, and nothing twice', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(0) });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(120) });
		const first = await read(NOTES, EMPTY_CURSOR);
		expect(first.got).toHaveLength(2);
		const late = sb.admin.create('note', { lead_id: lead.id }, { at: at(30) });
		const second = await read(NOTES, first.cursor);
		expect(second.got.map((e) => e.event.object_id)).toEqual([late.id]);
		const third = await read(NOTES, second.cursor);
		expect(third.got).toEqual([]);
	});

	it('a consolidated event (same id, later date, merged content) comes again as its new version, once; the same version never twice', async () => {
		sb.admin.setEventConsolidation(60_000);
		const lead = sb.admin.create('lead', { name: 'A', description: 'x' }, { at: at(0) });
		sb.admin.update('lead', lead.id, { name: 'B' }, { at: at(1) });
		const source = { objectType: 'lead', actions: ['updated'] };
		const first = await read(source, EMPTY_CURSOR);
		expect(first.got).toHaveLength(1);
		sb.admin.update('lead', lead.id, { description: 'y' }, { at: at(2) });
		const second = await read(source, first.cursor);
		expect(second.got).toHaveLength(1);
		expect(second.got[0].id).toBe(first.got[0].id);
		expect(second.got[0].us).toBeGreaterThan(first.got[0].us);
		expect(second.got[0].event.changed_fields).toEqual(expect.arrayContaining(['name', 'description']));
		expect((await read(source, second.cursor)).got).toEqual([]);
	});

	it('keeps only the versions of the last five minutes in the cursor, so it stays small', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		// 400 notes over 40 minutes: about 50 in the re-scan window.
		for (let i = 0; i < 400; i++) sb.admin.create('note', { lead_id: lead.id }, { at: at(i * 6) });
		const { cursor } = await read(NOTES, EMPTY_CURSOR);
		const floor = cursor.atUs! - RESCAN_WINDOW_US;
		expect(cursor.seen.length).toBeLessThanOrEqual(51);
		expect(cursor.seen.every((key) => Number(key.split('|')[0]) >= floor)).toBe(true);
		expect(JSON.stringify(cursor).length).toBeLessThan(10_000);
	});

	it('with a cap, stops before the event over it; that one and later ones come next read', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		for (let i = 0; i < 5; i++) sb.admin.create('note', { lead_id: lead.id }, { at: at(i) });
		const a = await read(NOTES, EMPTY_CURSOR, 2);
		const b = await read(NOTES, a.cursor, 2);
		const c = await read(NOTES, b.cursor, 2);
		const d = await read(NOTES, c.cursor, 2);
		expect([...a.ids, ...b.ids, ...c.ids, ...d.ids]).toHaveLength(5);
		expect(new Set([...a.ids, ...b.ids, ...c.ids]).size).toBe(5);
		expect(d.got).toEqual([]);
	});

	it('a "start from" date is a lower bound even inside the re-scan window', async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(0) });
		const after = sb.admin.create('note', { lead_id: lead.id }, { at: at(60) });
		const us = (T0 + 30_000) * 1000;
		const { got } = await read(NOTES, { at: at(30), atUs: us, seen: [], notBeforeUs: us });
		expect(got.map((e) => e.event.object_id)).toEqual([after.id]);
	});

	it('"now": what exists is handled; a later event, and one seen late dated before the start, come once', async () => {
		const { listEvents } = sandboxPollSources(sb, 'unused');
		const lead = sb.admin.create('lead', { name: 'A' });
		for (let i = 0; i < 3; i++) sb.admin.create('note', { lead_id: lead.id }, { at: at(i * 10) });
		const start = await eventLogCursorAtNewest(listEvents, NOTES);
		expect((await read(NOTES, start)).got).toEqual([]);
		const next = sb.admin.create('note', { lead_id: lead.id }, { at: at(100) });
		const late = sb.admin.create('note', { lead_id: lead.id }, { at: at(15) });
		const r = await read(NOTES, start);
		expect(r.got.map((e) => e.event.object_id)).toEqual([late.id, next.id]);
		expect((await read(NOTES, r.cursor)).got).toEqual([]);
	});

	it("reads the earlier reader's cursor (at = a floor, seen at it) without delivering what it had handled", async () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(0) });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(60) });
		const newer = sb.admin.create('note', { lead_id: lead.id }, { at: at(61) });
		const handledAt60 = sb.admin.events().find((e) => e.date_updated.startsWith(at(60).slice(0, 19)))!;
		const us60 = (T0 + 60_000) * 1000;
		const stored = { at: at(60), atUs: us60, seen: [versionKey(us60, handledAt60.id)] };
		const cursor = readEventLogCursor(stored, readCursor(stored))!;
		const { got } = await read(NOTES, cursor);
		expect(got.map((e) => e.event.object_id)).toEqual([newer.id]);
	});
});
