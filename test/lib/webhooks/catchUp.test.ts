// Webhook mode's catch-up core against the strict sandbox over HTTP (Close's event log answers only
// object_type + action, paged by cursor).
import { catchUp, catchUpSources, catchUpStartUs, readCatchUpState, LOG_RETENTION_MS, type CatchUpInput } from '../../../lib/webhooks/catchUp';
import { itemMatchesSelection, type Selection } from '../../../lib/triggerEvents/selection';
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
const HOUR = 3600_000;

const selection: Selection = { objects: ['lead'], events: ['created', 'updated'], fromStatus: [], toStatus: [], fieldsToWatch: [] };

function input(over: Partial<CatchUpInput>, delivered = new Set<string>()): CatchUpInput {
	return {
		list: sandboxPollSources(sb, 'unused').listEvents,
		sources: catchUpSources(selection),
		lastDeliveredMs: T0,
		nowMs: T0 + 5 * HOUR,
		accept: (item) => itemMatchesSelection(item, selection),
		delivered: (key) => delivered.has(key),
		...over,
	};
}

describe('catchUpStartUs', () => {
	it('needs no catch-up on a first activation or below the threshold; starts five minutes back, at most 30 days', () => {
		expect(catchUpStartUs(undefined, T0)).toBeUndefined();
		expect(catchUpStartUs(T0, T0 + HOUR - 1)).toBeUndefined();
		expect(catchUpStartUs(T0, T0 + HOUR)).toBe((T0 - 5 * 60_000) * 1000);
		expect(catchUpStartUs(T0, T0 + 40 * 24 * HOUR)).toBe((T0 + 40 * 24 * HOUR - LOG_RETENTION_MS) * 1000);
	});
});

describe('catchUp', () => {
	it('emits what was logged after the last delivery (minus five minutes), in order, as webhook items with close: keys', async () => {
		const lead = sb.admin.create('lead', { name: 'old' }, { at: at(-600) });
		const late = sb.admin.update('lead', lead.id, { name: 'inside the window' }, { at: at(-60) });
		for (let i = 1; i <= 60; i++) sb.admin.update('lead', lead.id, { name: `v${i}` }, { at: at(i) });
		const got = await catchUp(input({}));
		expect(got.state).toBeUndefined();
		expect(got.items).toHaveLength(61);
		expect(got.items.map((i) => (i.data as { name?: string } | null)?.name)).toEqual([late.name, ...Array.from({ length: 60 }, (_, i) => `v${i + 1}`)]);
		for (const item of got.items) expect(item.source).toBe('webhook');
		for (const key of got.keys) expect(key).toMatch(/^close:ev_/);
		expect(new Set(got.keys).size).toBe(61);
	});

	it('skips keys already delivered and what the selection refuses', async () => {
		const lead = sb.admin.create('lead', { name: 'a' }, { at: at(10) });
		sb.admin.create('note', { lead_id: lead.id }, { at: at(20) });
		sb.admin.update('lead', lead.id, { name: 'b' }, { at: at(30) });
		const all = await catchUp(input({}));
		expect(all.items.map((i) => i.event)).toEqual(['created', 'updated']);
		const again = await catchUp(input({}, new Set([all.keys[0]])));
		expect(again.keys).toEqual([all.keys[1]]);
	});

	it('nothing on a first activation, nor when the last delivery is recent', async () => {
		sb.admin.create('lead', { name: 'a' }, { at: at(10) });
		expect((await catchUp(input({ lastDeliveredMs: undefined }))).items).toEqual([]);
		expect((await catchUp(input({ nowMs: T0 + 30 * 60_000 }))).items).toEqual([]);
	});

	it('cut by the cap, continues from the stored state (through JSON): each event once, in order, across sources', async () => {
		const both: Selection = { ...selection, objects: ['lead', 'note'] };
		const lead = sb.admin.create('lead', { name: 'L' }, { at: at(1) });
		for (let i = 0; i < 37; i++) {
			if (i % 3 === 0) sb.admin.create('note', { lead_id: lead.id, note: `n${i}` }, { at: at(10 + i) });
			else sb.admin.update('lead', lead.id, { name: `u${i}` }, { at: at(10 + i) });
		}
		const delivered = new Set<string>();
		const seen: string[] = [];
		const dates: string[] = [];
		let state;
		for (let round = 0; round < 20; round++) {
			const got = await catchUp(input({ sources: catchUpSources(both), accept: (i) => itemMatchesSelection(i, both), cap: 7, state }, delivered));
			for (const k of got.keys) delivered.add(k);
			seen.push(...got.keys);
			dates.push(...got.items.map((i) => String(i.occurredAt)));
			expect(got.items.length).toBeLessThanOrEqual(7);
			state = readCatchUpState(JSON.parse(JSON.stringify(got.state ?? null)));
			if (!got.state) break;
		}
		expect(state).toBeUndefined();
		expect(seen).toHaveLength(38);
		expect(new Set(seen).size).toBe(38);
		expect([...dates].sort()).toEqual(dates);
	});
});
