// Targeted cases of the polling core against the sandbox (the property test covers the rest).

import type { PollSettings, PollSources, PollState } from '../../../lib/polling';
import { ceqlString, readPollState, runPoll } from '../../../lib/polling';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollSettings, sandboxPollSources } from '../../helpers/sandboxPollSources';

let sandbox: Sandbox;
let sources: PollSources;
const hubQueries: string[] = [];

const settings = pollSettings;

const T = '2024-05-01T10:00:00.000001+00:00';
const T1 = '2024-05-01T10:00:00.000002+00:00';

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
	hubQueries.length = 0;
	const instance = sandbox.admin.createInstance({ name: 'polling' });
	const base = sandboxPollSources(sandbox, String(instance.token));
	sources = {
		...base,
		listHub: async (resource, query) => {
			hubQueries.push(`${query.where ?? ''} | ${query.orderBy}`);
			return await base.listHub(resource, query);
		},
	};
});

/** The same sources from a platform that sends no count (`elements-total-count`). */
const uncounted = (counted: PollSources): PollSources => ({
	...counted,
	listHub: async (resource, query) => {
		const page = await counted.listHub(resource, query);
		return { records: page.records, nextPage: page.nextPage };
	},
});

async function pollAll(state: PollState, s = settings(), from: PollSources = sources) {
	const result = await runPoll(from, s, state);
	return { ids: result.items.map((i) => `${i.id}@${i.occurredAt}`), state: JSON.parse(JSON.stringify(result.state)) as PollState, result };
}

describe('runPoll', () => {
	it('catches a record written at an instant the poll already read past, within the same microsecond', async () => {
		// Five records at T, read one a page in id order: the writes come after the third (x) was read,
		// while the poll is still running (the newest of the five is read later).
		const five = Array.from({ length: 5 }, (_, i) => sandbox.admin.create('lead', { name: `r${i}` }, { at: T }));
		const x = five.map((r) => String(r.id)).sort()[2];
		// Before the fourth page: 20 writes in the same microsecond as x (some sort before x), then a later one.
		let hub = 0;
		const stop = sandbox.admin.onRequest((info) => {
			if (info.path.includes('/hubs/crm/') && ++hub === 5) {
				for (let i = 0; i < 20; i++) sandbox.admin.create('lead', { name: `same${i}` }, { at: T });
				sandbox.admin.create('lead', { name: 'later' }, { at: T1 });
			}
		});
		const first = await pollAll(readPollState(undefined));
		stop();
		const lateIds = sandbox.admin.records('lead').filter((r) => r.date_updated === T && String(r.id) < x);
		expect(lateIds.length).toBeGreaterThan(0); // the case under test exists
		const second = await pollAll(first.state);
		const all = [...first.ids, ...second.ids];
		const expected = sandbox.admin.records('lead').map((r) => `${r.id}@${r.date_updated}`);
		expect(all.sort()).toEqual(expected.sort());
		const third = await pollAll(second.state);
		expect(third.ids).toEqual([]);
	});

	// A platform already shown to sort by date (HubQuerySupport.ordered): no page is checked against its count.
	const sorting = () => readPollState({ records: {}, events: {}, hub: { query: 'keyset', ordered: true } });

	it('pages with keyset queries after the last record, not offsets', async () => {
		sandbox.admin.seed({ object: 'lead', count: 5, silent: true, dateUpdated: T });
		const { ids } = await pollAll(sorting(), settings({ pageSize: 2 }));
		expect(ids).toHaveLength(5);
		const paging = hubQueries.filter((q) => q.includes('id >'));
		expect(paging.length).toBe(2);
		expect(paging[0]).toMatch(/^date_updated > '.*' OR \(date_updated = '.*' AND id > 'lead_/);
	});

	it('ends at the newest record noted before the first page: no request for an empty page after it', async () => {
		sandbox.admin.seed({ object: 'lead', count: 4, silent: true, dateUpdated: (i) => Date.parse('2024-05-01T10:00:00Z') * 1000 + i });
		// Without the platform's count (with it, the newest page would end the walk even earlier: below).
		const first = await pollAll(sorting(), settings({ pageSize: 2 }), uncounted(sources));
		expect(first.ids).toHaveLength(4);
		// The newest-date request and two full pages; the page after the newest record is not asked for.
		expect(hubQueries).toHaveLength(3);
		// What was written after that newest record comes with the next poll, once.
		sandbox.admin.create('lead', { name: 'after' }, { at: '2024-05-01T10:00:00.000003+00:00' });
		const second = await pollAll(first.state, settings({ pageSize: 2 }));
		expect(second.ids).toEqual(sandbox.admin.records('lead').filter((r) => r.name === 'after').map((r) => `${r.id}@${r.date_updated}`));
	});

	it('the page of newest records proves the platform sorts: no page is checked against the count, then or later', async () => {
		sandbox.admin.seed({ object: 'lead', count: 40, silent: true, dateUpdated: (i) => Date.parse('2024-05-01T10:00:00Z') * 1000 + i });
		const first = await pollAll(readPollState(undefined), settings({ pageSize: 2 }));
		expect(first.ids).toHaveLength(40);
		expect(first.state.hub).toMatchObject({ query: 'keyset', ordered: true });
		// the newest-records page, then keyset pages only: no count check (id <=), no check of the newest (date_updated > alone)
		expect(hubQueries.filter((q) => q.includes('id <=') || /^date_updated > '[^']*' \| date_updated desc$/.test(q))).toEqual([]);
		// That page (of 100) holds all 40 and the platform counts 40: nothing is walked.
		expect(hubQueries).toHaveLength(1);
		// A later poll walks (more changed than its page): keyset pages, still no check.
		sandbox.admin.seed({ object: 'lead', count: 10, silent: true, dateUpdated: (i) => Date.parse('2024-05-01T11:00:00Z') * 1000 + i });
		hubQueries.length = 0;
		const second = await pollAll(first.state, settings({ pageSize: 2 }));
		expect(second.ids).toHaveLength(10);
		expect(hubQueries.filter((q) => q.includes('id <='))).toEqual([]);
		expect(hubQueries.filter((q) => q.includes('id >')).length).toBeGreaterThan(0);
	});

	describe.each(['full', 'seed'] as const)('the newest page asked first, with the count, ends the walk (%s query profile)', (ceql) => {
		const at = (i: number) => Date.parse('2024-05-01T10:00:00Z') * 1000 + i;
		beforeEach(() => sandbox.admin.setQueryProfile({ ceql }));
		afterEach(() => sandbox.admin.setQueryProfile({ ceql: 'full' }));
		const records = () => sandbox.admin.records('lead').map((r) => `${r.id}@${r.date_updated}`);
		// The query form found by an earlier poll (a first one on seed adds the refused keyset query).
		const found = () => readPollState({ records: {}, events: {}, hub: ceql === 'seed' ? { query: 'portable', pollsUntilRecheck: 50 } : { query: 'keyset' } });

		it('no request for the records that page holds: 250 records, pages of 100, three requests', async () => {
			sandbox.admin.seed({ object: 'lead', count: 250, silent: true, dateUpdated: at });
			const first = await pollAll(found(), settings({ pageSize: 100 }));
			// The newest 100 with the count of 250, then two pages: the second reaches into those 100.
			expect(first.result.requests.hub).toBe(3);
			expect(first.ids).toEqual(records()); // each once, in date order
			expect((await pollAll(first.state, settings({ pageSize: 100 }))).ids).toEqual([]);
		});

		it('a record deleted during the walk leaves the count unmet: the walk reads on, and delivers every other record once', async () => {
			sandbox.admin.seed({ object: 'lead', count: 250, silent: true, dateUpdated: at });
			const doomed = sandbox.admin.records('lead')[149]!;
			let hub = 0;
			const stop = sandbox.admin.onRequest((info) => {
				if (info.path.includes('/hubs/crm/') && ++hub === 3) sandbox.admin.delete('lead', String(doomed.id));
			});
			const first = await pollAll(found(), settings({ pageSize: 100 }));
			stop();
			expect(first.result.requests.hub).toBe(4);
			expect(first.ids).toEqual(records());
		});

		it('a record updated during the walk: its new version comes once, every other record once', async () => {
			sandbox.admin.seed({ object: 'lead', count: 250, silent: true, dateUpdated: at });
			const moved = sandbox.admin.records('lead')[120]!;
			let hub = 0;
			const stop = sandbox.admin.onRequest((info) => {
				if (info.path.includes('/hubs/crm/') && ++hub === 3) sandbox.admin.update('lead', String(moved.id), { name: 'moved' }, { at: '2024-05-01T10:00:01.000000+00:00' });
			});
			const first = await pollAll(found(), settings({ pageSize: 100 }));
			stop();
			const second = await pollAll(first.state, settings({ pageSize: 100 }));
			const delivered = [...first.ids, ...second.ids];
			expect(new Set(delivered).size).toBe(delivered.length);
			// Every record's final version was delivered; the moved one's first version only if read before it moved.
			expect(records().every((version) => delivered.includes(version))).toBe(true);
			expect(delivered.filter((d) => !d.startsWith(`${moved.id}@`))).toHaveLength(249);
		});
	});

	it('keeps the cursor small: only the newest instant after reading many records', async () => {
		sandbox.admin.seed({ object: 'lead', count: 300, silent: true, dateUpdated: (i) => Date.parse('2024-05-01T10:00:00Z') * 1000 + i });
		const { state } = await pollAll(readPollState(undefined), settings({ pageSize: 50 }));
		expect(state.records.lead!.seen).toHaveLength(1);
		expect(JSON.stringify(state).length).toBeLessThan(300);
	});

	it('starts from the provider\'s newest record with startFrom now, whatever the host clock says', async () => {
		sandbox.admin.seed({ object: 'lead', count: 3, silent: true, dateUpdated: '2031-01-01T00:00:00.000000+00:00' });
		const first = await pollAll(readPollState(undefined), settings({ startFrom: { mode: 'now' }, pageSize: 2 }));
		expect(first.ids).toEqual([]);
		expect(first.state.records.lead!.at).toBe('2031-01-01T00:00:00.000000+00:00');
		expect(first.state.records.lead!.seen).toHaveLength(3);
		const later = sandbox.admin.create('lead', { name: 'n' }, { at: '2031-01-01T00:00:00.000000+00:00' });
		const second = await pollAll(first.state, settings({ startFrom: { mode: 'now' } }));
		expect(second.ids).toEqual([`${later.id}@${later.date_updated}`]);
	});

	it('delivers a capped catch-up over several polls in order, nothing skipped', async () => {
		sandbox.admin.seed({ object: 'lead', count: 7, silent: true, dateUpdated: (i) => (i < 4 ? T : T1) });
		let state = readPollState(undefined);
		const got: string[] = [];
		for (let i = 0; i < 5; i++) {
			const r = await pollAll(state, settings({ maxItemsPerPoll: 2, pageSize: 3 }));
			expect(r.ids.length).toBeLessThanOrEqual(2);
			got.push(...r.ids);
			state = r.state;
		}
		expect(got).toEqual(sandbox.admin.records('lead').map((r) => `${r.id}@${r.date_updated}`));
	});

	describe('a poll with a cursor asks first for what lies at or after it, newest first, with the count', () => {
		const T2 = '2024-05-01T10:00:00.000003+00:00';
		const sinceQuery = /^date_updated >= '[^']*' \| date_updated desc, id desc$/;
		const startAfterSeed = async (pageSize: number, objects: PollSettings['objects'] = ['lead']) => {
			for (const object of objects) sandbox.admin.seed({ object, count: 4, silent: true, dateUpdated: T });
			const first = await pollAll(sorting(), settings({ pageSize, objects }));
			expect(first.ids).toHaveLength(4 * objects.length);
			hubQueries.length = 0;
			return first.state;
		};

		it('an idle poll costs one hub request per object: no newest-date request, no walk', async () => {
			const state = await startAfterSeed(100, ['lead', 'contact']);
			const idle = await pollAll(state, settings({ pageSize: 100, objects: ['lead', 'contact'] }));
			expect(idle.ids).toEqual([]);
			expect(idle.result.requests.hub).toBe(2);
			expect(hubQueries.every((q) => sinceQuery.test(q))).toBe(true);
			expect(idle.state.records).toEqual(state.records);
		});

		it('an idle poll with deletes and merges: one hub request and one event-log request per action (object_type + action)', async () => {
			const events = ['created', 'updated', 'deleted', 'merged'] as PollSettings['events'];
			sandbox.admin.seed({ object: 'lead', count: 4, silent: true, dateUpdated: T });
			const doomed = sandbox.admin.create('lead', { name: 'doomed' }, { at: T });
			sandbox.admin.delete('lead', String(doomed.id));
			const first = await pollAll(sorting(), settings({ pageSize: 100, events }));
			expect(first.ids.length).toBeGreaterThan(0);
			const idle = await runPoll(sources, settings({ pageSize: 100, events }), first.state);
			expect(idle.items).toEqual([]);
			expect(idle.requests).toEqual({ hub: 1, events: 2 });
		});

		it('a change set that fits the page comes with that request, in (date, id) order, each once', async () => {
			const state = await startAfterSeed(100);
			const made = [
				sandbox.admin.create('lead', { name: 'b' }, { at: T2 }),
				sandbox.admin.create('lead', { name: 'a' }, { at: T1 }),
				sandbox.admin.create('lead', { name: 'c' }, { at: T1 }),
			];
			const next = await pollAll(state, settings({ pageSize: 100 }));
			const expected = made
				.map((r) => ({ id: String(r.id), at: String(r.date_updated) }))
				.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0)) // code-unit order, as Close's ids compare
				.map((r) => `${r.id}@${r.at}`);
			expect(next.ids).toEqual(expected);
			expect(next.result.requests.hub).toBe(1);
			const again = await pollAll(next.state, settings({ pageSize: 100 }));
			expect(again.ids).toEqual([]);
		});

		it('a change set larger than the page is walked: every record once', async () => {
			const state = await startAfterSeed(2);
			const made = Array.from({ length: 5 }, (_, i) => sandbox.admin.create('lead', { name: `m${i}` }, { at: i < 3 ? T1 : T2 }));
			const next = await pollAll(state, settings({ pageSize: 2 }));
			expect(next.ids.sort()).toEqual(made.map((r) => `${r.id}@${r.date_updated}`).sort());
			expect(next.result.requests.hub).toBeGreaterThan(1);
			expect((await pollAll(next.state, settings({ pageSize: 2 }))).ids).toEqual([]);
		});

		it('the page holding every counted record is read whole even when the platform ignores the sort', async () => {
			const state = await startAfterSeed(100);
			const made = Array.from({ length: 6 }, (_, i) => sandbox.admin.create('lead', { name: `s${i}` }, { at: i % 2 ? T1 : T2 }));
			const shuffled: PollSources = {
				...sources,
				listHub: async (resource, query) => {
					const page = await sources.listHub(resource, query);
					return { ...page, records: [...page.records].reverse() };
				},
			};
			const result = await runPoll(shuffled, settings({ pageSize: 100 }), state);
			expect(result.items.map((i) => i.id).sort()).toEqual(made.map((r) => String(r.id)).sort());
			expect(result.items.map((i) => i.occurredAt)).toEqual([...result.items.map((i) => i.occurredAt)].sort());
			expect(result.requests.hub).toBe(1);
		});

		it('a platform that sends no count: the newest-first page is only the newest date, the walk reads the rest', async () => {
			const state = await startAfterSeed(100);
			const made = Array.from({ length: 3 }, (_, i) => sandbox.admin.create('lead', { name: `n${i}` }, { at: T1 }));
			const result = await runPoll(uncounted(sources), settings({ pageSize: 100 }), state);
			expect(result.items.map((i) => i.id).sort()).toEqual(made.map((r) => String(r.id)).sort());
			expect(result.requests.hub).toBeGreaterThan(1);
		});
	});

	it('quotes CEQL literals', () => {
		expect(ceqlString("O'Brien")).toBe("'O''Brien'");
	});
});
