// The portable way against the sandbox's seed profile, in the cases the property test does not draw:
// an instant holding more records than the platform's page (read to the end, checked against the
// total count) and a date pattern coarser than the provider's microseconds; and, against a fake, a
// platform that ignores the where altogether.

import type { HubListing, HubQuery, PollState, ProviderRecord } from '../../../lib/polling';
import { formatInstant, parseInstant } from '../../../lib/polling/datePattern';
import { checkNewestKept, walkPortableWindow } from '../../../lib/polling/portableWalk';
import { walkUnorderedWindow } from '../../../lib/polling/unorderedWalk';
import { readPollState, runPoll } from '../../../lib/polling';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollSettings, pollUntilQuiet as pollQuiet, sandboxPollSources } from '../../helpers/sandboxPollSources';

let sandbox: Sandbox;
const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
const portable = () => readPollState({ records: {}, events: {}, hub: { query: 'portable', pollsUntilRecheck: 50 } });

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, ceql: 'seed', extraOrderBy: 'reject' });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
	sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'reject', tieSeed: 9 });
});

/** A fresh instance's sources each call, polled until quiet. */
const pollUntilQuiet = async (state: PollState, settings = pollSettings()) =>
	await pollQuiet(sandboxPollSources(sandbox, String(sandbox.admin.createInstance({ name: 'walk' }).token)), state, settings);

describe('portable walk', () => {
	jest.setTimeout(120_000);

	it('reads an instant of 250 records (more than the 100 a page) completely, though each request shuffles them', async () => {
		const before = sandbox.admin.seed({ object: 'lead', count: 3, silent: true, dateUpdated: (i) => T0 - 10 + i });
		const crowd = sandbox.admin.seed({ object: 'lead', count: 250, silent: true, dateUpdated: () => T0 });
		const after = sandbox.admin.seed({ object: 'lead', count: 3, silent: true, dateUpdated: (i) => T0 + 10 + i });
		const { delivered } = await pollUntilQuiet(portable(), pollSettings({ pageSize: 100 }));
		const expected = [...before, ...crowd, ...after].map((r) => `${r.id}@${r.date_updated}`);
		expect([...delivered].sort()).toEqual([...expected].sort());
		expect(new Set(delivered).size).toBe(delivered.length);
		// oldest first, the crowd in between
		expect(delivered.slice(0, 3)).toEqual(before.map((r) => `${r.id}@${r.date_updated}`));
		expect(delivered.slice(-3)).toEqual(after.map((r) => `${r.id}@${r.date_updated}`));
		const counted = sandbox.admin.requests().filter((r) => r.query.returnCount === 'true');
		expect(counted.length).toBeGreaterThan(0);
	});

	it('with a millisecond date pattern, records sharing a millisecond across page ends all come once', async () => {
		// 4 milliseconds of 3 records each, different microseconds; pages of 2.
		const leads = sandbox.admin.seed({ object: 'lead', count: 12, silent: true, dateUpdated: (i) => T0 + Math.floor(i / 3) * 1000 + (i % 3) * 7 });
		const settings = pollSettings({ pageSize: 2, datePattern: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" });
		const { delivered, state } = await pollUntilQuiet(portable(), settings);
		expect(delivered).toEqual(leads.map((r) => `${r.id}@${r.date_updated}`));
		for (const r of sandbox.admin.requests().filter((x) => x.path.includes('/hubs/crm/'))) {
			expect(String(r.query.where ?? '')).not.toMatch(/\.\d{4}/); // literals carry milliseconds only
		}
		// A later write inside the last millisecond is news, once.
		const late = sandbox.admin.create('lead', { name: 'late' }, { at: T0 + 3 * 1000 + 999 });
		const next = await pollUntilQuiet(state, settings);
		expect(next.delivered).toEqual([`${late.id}@${late.date_updated}`]);
	});
});

describe('a platform that ignores the where on a resource (paging is not seen for tasks)', () => {
	const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
	// Every request answers the same records, oldest first, whatever the where says.
	const records = Array.from({ length: 250 }, (_, i) => ({ id: `task_${String(i).padStart(4, '0')}`, date_updated: formatInstant(T0 + i * 1000, pattern) }));
	const ignoring = () => {
		let requests = 0;
		const list = async (q: HubQuery): Promise<HubListing> => {
			requests++;
			if (requests > 50) throw new Error('the walk kept asking');
			return { records: records.slice(0, q.pageSize), total: records.length, nextPage: 'x' };
		};
		return { list, count: () => requests };
	};
	const identify = (r: ProviderRecord) => ({ us: parseInstant(String(r.date_updated)), id: String(r.id) });

	it('the portable walk stops at the first record outside the window with an error naming it, instead of asking for the same page forever', async () => {
		const hub = ignoring();
		const taken: string[] = [];
		const walk = walkPortableWindow({ list: hub.list, datePattern: pattern, pageSize: 100, from: T0 + 120_000, to: T0 + 200_000, identify, take: (_r, _us, id) => taken.push(id) > 0 });
		await expect(walk).rejects.toThrow(/answered a record outside the asked where=date_updated >= '.*' AND date_updated <= '.*' \(task_0000, dated .*\): it does not apply date queries to this resource/);
		expect(taken).toEqual([]);
		expect(hub.count()).toBeLessThanOrEqual(2);
	});

	it('the unordered walk too', async () => {
		const hub = ignoring();
		const walk = walkUnorderedWindow({ list: hub.list, datePattern: pattern, pageSize: 100, from: T0 + 120_000, to: T0 + 200_000, identify, take: () => true });
		await expect(walk).rejects.toThrow(/outside the asked where/);
		expect(hub.count()).toBeLessThanOrEqual(2);
	});

	it('a poll of such a resource fails with that error and keeps its cursor', async () => {
		const hub = ignoring();
		const sources = {
			listHub: async (_resource: string, q: HubQuery) => await hub.list(q),
			listEvents: async () => ({ data: [], has_more: false }),
		} as unknown as Parameters<typeof runPoll>[0];
		const state = readPollState({ records: { task: { at: formatInstant(T0 + 120_000, pattern), atUs: T0 + 120_000, seen: [] } }, events: {}, hub: { query: 'portable', pollsUntilRecheck: 50, ordered: true } });
		await expect(runPoll(sources, pollSettings({ objects: ['task'], pageSize: 100 }), state)).rejects.toThrow(/outside the asked where/);
		expect(state.records.task?.atUs).toBe(T0 + 120_000);
	});
});

describe('checkNewestKept: was the record answered for orderBy=date_updated desc the newest?', () => {
	const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
	const rec = (id: string, us: number) => ({ id, date_updated: formatInstant(us, pattern) });
	const identify = (r: ProviderRecord) => ({ us: parseInstant(String(r.date_updated)), id: String(r.id) });
	// answers: what "after the newest" returns, then what a second "desc" returns
	const fake = (after: ProviderRecord[], again: ProviderRecord[]) => {
		const asked: HubQuery[] = [];
		const list = async (q: HubQuery): Promise<HubListing> => {
			asked.push(q);
			return { records: q.where ? after : again };
		};
		return { list, asked };
	};

	it('nothing after it: kept, one request', async () => {
		const hub = fake([], []);
		await expect(checkNewestKept({ list: hub.list, datePattern: pattern, identify }, T0)).resolves.toBeUndefined();
		expect(hub.asked).toEqual([{ where: `date_updated > '${formatInstant(T0, pattern)}'`, orderBy: 'date_updated desc', pageSize: 1 }]);
	});

	it('a record after it, and the newest asked again is at least as new: a write since, kept', async () => {
		const hub = fake([rec('lead_late', T0 + 5)], [rec('lead_later', T0 + 9)]);
		await expect(checkNewestKept({ list: hub.list, datePattern: pattern, identify }, T0)).resolves.toBeUndefined();
		expect(hub.asked).toHaveLength(2);
	});

	it('a record after it, and the newest asked again is older than that record: desc was not kept', async () => {
		const hub = fake([rec('lead_late', T0 + 5)], [rec('lead_old', T0)]);
		await expect(checkNewestKept({ list: hub.list, datePattern: pattern, identify }, T0)).rejects.toThrow(
			/did not keep orderBy=date_updated desc: it answered a record dated .* as the newest, then lead_late dated/,
		);
	});
});
