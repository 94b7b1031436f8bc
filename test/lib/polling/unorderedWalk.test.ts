// The unordered way: a platform that drops orderBy altogether (the sandbox's seed profile with
// orderBy 'ignore' pages by record id). The poll finds that out by itself, from a portable start or a
// keyset one, and still delivers every version once, oldest first; windows larger than a few pages
// are split by date; records changing while a window is read are neither lost nor doubled.

import type { PollState } from '../../../lib/polling';
import { readPollState } from '../../../lib/polling';
import type { HubListing, HubQuery, ProviderRecord } from '../../../lib/polling';
import { newestUnordered, walkUnorderedWindow } from '../../../lib/polling/unorderedWalk';
import { formatInstant, parseInstant } from '../../../lib/polling/datePattern';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollSettings, pollUntilQuiet as pollQuiet, sandboxPollSources } from '../../helpers/sandboxPollSources';

let sandbox: Sandbox;
const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
const fresh = () => readPollState({ records: {}, events: {} });

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, ceql: 'seed', orderBy: 'ignore' });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
	sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'ignore', orderBy: 'ignore', tieSeed: 3 });
});

const key = (r: { id?: unknown; date_updated?: unknown }) => `${String(r.id)}@${String(r.date_updated)}`;

/** A fresh instance's sources each call, polled until quiet. */
const pollUntilQuiet = async (state: PollState, settings = pollSettings()) =>
	await pollQuiet(sandboxPollSources(sandbox, String(sandbox.admin.createInstance({ name: 'unordered' }).token)), state, settings);

describe('polling where the platform ignores orderBy', () => {
	jest.setTimeout(120_000);

	it('the sandbox plays it: records come by id, not by date, whatever orderBy asks', async () => {
		sandbox.admin.seed({ object: 'lead', count: 30, silent: true, dateUpdated: (i) => T0 + ((i * 7919) % 30) * 1000 });
		const sources = sandboxPollSources(sandbox, String(sandbox.admin.createInstance({ name: 'probe' }).token));
		const page = await sources.listHub('accounts', { orderBy: 'date_updated asc', pageSize: 100 });
		const ids = page.records.map((r) => String(r.id));
		expect(ids).toEqual([...ids].sort());
		const dates = page.records.map((r) => parseInstant(String(r.date_updated)));
		expect(dates).not.toEqual([...dates].sort((a, b) => a - b));
	});

	it('finds it out from a keyset start and delivers every version once, oldest first; later polls start unordered', async () => {
		const leads = sandbox.admin.seed({ object: 'lead', count: 250, silent: true, dateUpdated: (i) => T0 + ((i * 7919) % 250) * 1000 + (i % 3) });
		const { delivered, state } = await pollUntilQuiet(fresh(), pollSettings({ pageSize: 100 }));
		const expected = [...leads].sort((a, b) => parseInstant(String(a.date_updated)) - parseInstant(String(b.date_updated)) || (String(a.id) < String(b.id) ? -1 : 1));
		expect(delivered).toEqual(expected.map(key));
		expect(state.hub).toMatchObject({ query: 'portable', unordered: true });
		expect(String(state.hub?.reason)).toMatch(/out of date order|did not keep orderBy/);

		// The next poll goes straight to the unordered way: no keyset (OR) or portable query is sent.
		sandbox.admin.clearLogs();
		const before = sandbox.admin.requests().length;
		const late = sandbox.admin.create('lead', { name: 'late' }, { at: T0 + 400 * 1000 });
		const next = await pollUntilQuiet(state, pollSettings({ pageSize: 100 }));
		expect(next.delivered).toEqual([key(late)]);
		const sent = sandbox.admin.requests().slice(before).filter((r) => r.path.includes('/hubs/crm/'));
		expect(sent.some((r) => /\bOR\b/.test(String(r.query.where ?? '')))).toBe(false);
		expect(sent.some((r) => r.query.returnCount === 'true')).toBe(true);
	});

	it.each([
		['seed', 'the portable way', { query: 'portable', pollsUntilRecheck: 50 }],
		['full', 'the keyset way', undefined],
	] as const)('on the %s profile, a platform whose own order follows the dates does not fool %s: the check of the newest records catches it', async (ceql, _way, hub) => {
		// Ids in date order: every page looks sorted, but "orderBy=date_updated desc" answers the OLDEST
		// lead as the newest. A portable walk up to its date would deliver that one lead and nothing
		// else, poll after poll; a keyset read would restart from it every poll.
		sandbox.admin.setQueryProfile({ ceql, orderBy: 'ignore' });
		const seeded = sandbox.admin.seed({ object: 'lead', count: 6, silent: true, dateUpdated: () => T0 });
		const byId = [...seeded].sort((x, y) => (String(x.id) < String(y.id) ? -1 : 1));
		const leads = byId.map((lead, k) => sandbox.admin.update('lead', String(lead.id), { description: `v${k}` }, { at: T0 + (k + 1) * 1000 }));
		const state0 = readPollState({ records: {}, events: {}, ...(hub ? { hub } : {}) });
		const { delivered, state } = await pollUntilQuiet(state0, pollSettings({ pageSize: 100 }));
		expect(delivered).toEqual(leads.map(key));
		expect(state.hub).toMatchObject({ query: 'portable', unordered: true });
		// the page of newest records came in rising dates (or, with one record, a later one was found)
		expect(String(state.hub?.reason)).toMatch(/out of date order for orderBy=date_updated desc|did not keep orderBy=date_updated desc/);
	});

	it('a window of 2,500 records is split by date, and records written while it is read come once', async () => {
		const leads = sandbox.admin.seed({ object: 'lead', count: 2500, silent: true, dateUpdated: (i) => T0 + ((i * 7919) % 2500) * 1000 });
		const state0 = readPollState({ records: {}, events: {}, hub: { query: 'portable', unordered: true, pollsUntilRecheck: 50 } });
		const touched: Array<{ id: unknown; date_updated?: unknown }> = [];
		let hubRequests = 0;
		// Every 7th hub request updates an old lead: it leaves the window being read.
		const sources = sandboxPollSources(sandbox, String(sandbox.admin.createInstance({ name: 'split' }).token));
		const listHub = sources.listHub.bind(sources);
		sources.listHub = async (resource: string, query: HubQuery): Promise<HubListing> => {
			hubRequests++;
			if (hubRequests % 7 === 0 && touched.length < 40) {
				const victim = leads[(hubRequests * 31) % leads.length]!;
				touched.push(sandbox.admin.update('lead', String(victim.id), { description: `touched ${hubRequests}` }));
			}
			return await listHub(resource, query);
		};
		const { delivered } = await pollQuiet(sources, state0, pollSettings({ pageSize: 100 }));
		const touchedIds = new Set(touched.map((t) => String(t.id)));
		// every untouched lead once at its only version; every touched one at its last version once
		const expected = new Set([...leads.filter((l) => !touchedIds.has(String(l.id))).map(key), ...latest(touched).map(key)]);
		const got = new Set(delivered);
		expect(got.size).toBe(delivered.length);
		expect(touched.length).toBeGreaterThan(10);
		for (const k of expected) expect(got).toContain(k);
		// nothing delivered that never existed: old versions of touched leads may come (read before the write)
		const existed = new Set([...leads.map(key), ...touched.map(key)]);
		for (const k of delivered) expect(existed).toContain(k);
		// split: no request asked for the whole 2,500 past its first page
		const counted = sandbox.admin.requests().filter((r) => r.query.returnCount === 'true');
		expect(counted.length).toBeGreaterThan(25);
	});
});

function latest<T extends { id: unknown; date_updated?: unknown }>(writes: T[]): T[] {
	const byId = new Map<string, T>();
	for (const w of writes) byId.set(String(w.id), w);
	return [...byId.values()];
}

describe('walkUnorderedWindow and newestUnordered over a fake list', () => {
	const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
	// A platform with a fixed order unrelated to dates (by id), offset tokens, and a total count.
	function fakeHub(records: Array<{ id: string; us: number }>, opts: { count?: boolean; serve?: number } = {}) {
		const asked: HubQuery[] = [];
		const list = async (q: HubQuery): Promise<HubListing> => {
			asked.push(q);
			const bounds = [...String(q.where ?? '').matchAll(/date_updated (>=|<=|>|<) '([^']+)'/g)].map((m) => ({ op: m[1], us: parseInstant(m[2]!) }));
			const ok = (us: number) =>
				bounds.every((b) => (b.op === '>=' ? us >= b.us : b.op === '>' ? us > b.us : b.op === '<=' ? us <= b.us : us < b.us));
			const all = records.filter((r) => ok(r.us)).sort((a, b) => (a.id < b.id ? -1 : 1));
			const offset = q.nextPage ? Number(q.nextPage) : 0;
			// `serve`: the platform's own page limit, below what is asked (a short page is not the end)
			const size = Math.min(q.pageSize, opts.serve ?? Infinity);
			const page = all.slice(offset, offset + size);
			return {
				records: page.map((r) => ({ id: r.id, date_updated: formatInstant(r.us, pattern) })),
				nextPage: String(offset + size),
				total: opts.count === false ? undefined : all.length,
			};
		};
		return { list, asked };
	}
	const base = { datePattern: pattern, pageSize: 100, identify: (r: ProviderRecord) => ({ us: parseInstant(String(r.date_updated)), id: String(r.id) }) };
	const records = Array.from({ length: 1234 }, (_, i) => ({ id: `lead_${String((i * 7919) % 1234).padStart(5, '0')}`, us: T0 + ((i * 104729) % 5000) * 10 }));
	const TO = T0 + 10_000_000;

	it('hands every version over once, sorted by date then id, splitting windows over windowMax', async () => {
		const hub = fakeHub(records);
		const taken: Array<{ us: number; id: string }> = [];
		await walkUnorderedWindow({ ...base, list: hub.list, from: null, to: TO, windowMax: 200, take: (_r, us, id) => (taken.push({ us, id }), true) });
		const sorted = [...records].sort((a, b) => a.us - b.us || (a.id < b.id ? -1 : 1));
		expect(taken).toEqual(sorted.map((r) => ({ us: r.us, id: r.id })));
		// split: no window read whole counted more than 200 records past its first page
		const pagesOfBigWindows = hub.asked.filter((q) => q.nextPage !== undefined && q.where && counted(hub, q) > 200);
		expect(pagesOfBigWindows).toEqual([]);
	});

	it('stops where take says so, having handed over the oldest records only', async () => {
		const hub = fakeHub(records);
		const taken: number[] = [];
		await walkUnorderedWindow({ ...base, list: hub.list, from: null, to: TO, windowMax: 200, take: (_r, us) => taken.push(us) < 50 });
		const sortedUs = records.map((r) => r.us).sort((a, b) => a - b);
		expect(taken).toEqual(sortedUs.slice(0, 50));
	});

	it('without a total count reads each window to its end all the same', async () => {
		const hub = fakeHub(records.slice(0, 300), { count: false });
		const taken: string[] = [];
		await walkUnorderedWindow({ ...base, list: hub.list, from: null, to: TO, take: (_r, _us, id) => taken.push(id) > 0 });
		expect(taken.length).toBe(300);
		expect(new Set(taken)).toEqual(new Set(records.slice(0, 300).map((r) => r.id)));
	});

	it('without a total count, pages shorter than asked are not the end: the window is read to its empty page', async () => {
		const hub = fakeHub(records.slice(0, 300), { count: false, serve: 40 });
		const taken: string[] = [];
		await walkUnorderedWindow({ ...base, list: hub.list, from: null, to: TO, take: (_r, _us, id) => taken.push(id) > 0 });
		expect(new Set(taken)).toEqual(new Set(records.slice(0, 300).map((r) => r.id)));
		expect(taken).toHaveLength(300);
	});

	it('a record leaving the window between two pages shifts the offsets: the one that slid past a page end is read all the same', async () => {
		const window = Array.from({ length: 250 }, (_, i) => ({ id: `lead_${String(i).padStart(5, '0')}`, us: T0 + ((i * 37) % 250) * 10 }));
		const hub = fakeHub(window);
		const list = async (q: HubQuery) => {
			// After the first page (offsets 0-99), lead 5 is written: it moves past the window's end.
			if (hub.asked.length === 1) window[5]!.us = TO + 1;
			return await hub.list(q);
		};
		const taken: string[] = [];
		await walkUnorderedWindow({ ...base, list, from: null, to: TO, windowMax: Infinity, take: (_r, us, id) => taken.push(`${id}@${us}`) > 0 });
		expect(taken).toHaveLength(250);
		expect(taken).toContain(`lead_00100@${T0 + ((100 * 37) % 250) * 10}`);
		expect(taken).toContain(`lead_00005@${T0 + ((5 * 37) % 250) * 10}`); // its old version, read before the write
	});

	it('newestUnordered finds the newest record whatever order the pages come in', async () => {
		const hub = fakeHub(records);
		const newest = await newestUnordered({ ...base, list: hub.list });
		expect(newest?.us).toBe(Math.max(...records.map((r) => r.us)));
		expect(await newestUnordered({ ...base, list: fakeHub([]).list })).toBeNull();
	});

	function counted(hub: ReturnType<typeof fakeHub>, q: HubQuery): number {
		const bounds = [...String(q.where ?? '').matchAll(/date_updated (>=|<=|>|<) '([^']+)'/g)].map((m) => ({ op: m[1], us: parseInstant(m[2]!) }));
		return records.filter((r) => bounds.every((b) => (b.op === '>=' ? r.us >= b.us : b.op === '>' ? r.us > b.us : b.op === '<=' ? r.us <= b.us : r.us < b.us))).length;
	}
});
