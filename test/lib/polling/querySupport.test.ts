// The poller finds out what the platform's hub queries support: a refused query form (400/422) or
// records out of the asked order switch it to the portable way, the finding is kept in its state,
// and it is put to the test again after RECHECK_POLLS polls or a day. Against the sandbox's two
// query profiles over HTTP.

import type { PollSettings, PollSources, PollState } from '../../../lib/polling';
import { readPollState, runPoll } from '../../../lib/polling';
import { RECHECK_MS, RECHECK_POLLS, isRefusedQuery, nextHubSupport, queryModeFor, readHubSupport } from '../../../lib/polling/querySupport';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollSettings, sandboxPollSources } from '../../helpers/sandboxPollSources';

let sandbox: Sandbox;
let sources: PollSources;

const settings = (over: Partial<PollSettings> = {}): PollSettings => pollSettings({ pageSize: 2, ...over });

const T0 = Date.UTC(2024, 4, 1, 10) * 1000;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
	sandbox.admin.setQueryProfile({ ceql: 'full', extraOrderBy: 'ignore', tieSeed: 7 });
	const instance = sandbox.admin.createInstance({ name: 'support' });
	sources = sandboxPollSources(sandbox, String(instance.token));
});

function hubQueries(): Array<{ where: string; orderBy: string; status: number }> {
	return sandbox.admin
		.requests()
		.filter((r) => r.path.includes('/hubs/crm/'))
		.map((r) => ({ where: String(r.query.where ?? ''), orderBy: String(r.query.orderBy ?? ''), status: r.status }));
}

async function poll(state: PollState, s = settings(), nowMs?: number) {
	const result = await runPoll(sources, s, state, { nowMs });
	return { ids: result.items.map((i) => i.id), state: readPollState(JSON.parse(JSON.stringify(result.state))) };
}

function seedLeads(count: number, dateUpdated: (i: number) => number) {
	return sandbox.admin.seed({ object: 'lead', count, silent: true, dateUpdated });
}

describe('what the hub supports', () => {
	it('full profile: keyset pages (OR, two orderBy fields) are used and the finding says keyset', async () => {
		// More than the page of newest records asked first (100): the rest is walked.
		const leads = seedLeads(105, (i) => T0 + i);
		const first = await poll(readPollState(undefined));
		expect(first.ids).toEqual(leads.map((l) => l.id));
		// (and the page of 100 newest, in date order, proved the platform sorts)
		expect(first.state.hub).toEqual({ query: 'keyset', confirmed: true, ordered: true });
		expect(hubQueries().some((q) => q.where.includes(' OR '))).toBe(true);
		expect(hubQueries().every((q) => q.status === 200)).toBe(true);
	});

	it('seed profile refusing a second orderBy field: the 400 switches to the portable way within the same poll', async () => {
		sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'reject' });
		const leads = seedLeads(5, (i) => T0 + i);
		const first = await poll(readPollState(undefined));
		expect(first.ids).toEqual(leads.map((l) => l.id));
		expect(first.state.hub).toMatchObject({ query: 'portable', pollsUntilRecheck: RECHECK_POLLS });
		expect(first.state.hub?.reason).toMatch(/^HTTP 400 for .*orderBy=date_updated desc, id desc: .*one field/);
		const queries = hubQueries();
		expect(queries[0].status).toBe(400);
		// After the refusal, only the seed's forms: one orderBy field, no OR, no id.
		for (const q of queries.slice(1)) {
			expect(q.status).toBe(200);
			expect(q.orderBy).not.toContain(',');
			expect(q.where).not.toMatch(/ OR |\(|\bid\b/);
		}

		// The next poll starts the portable way: no refused request at all.
		sandbox.admin.clearLogs();
		const later = sandbox.admin.create('lead', { name: 'later' }, { at: T0 + 100 });
		const second = await poll(first.state);
		expect(second.ids).toEqual([later.id]);
		expect(hubQueries().every((q) => q.status === 200)).toBe(true);
		expect(second.state.hub).toMatchObject({ query: 'portable', pollsUntilRecheck: RECHECK_POLLS - 1 });
	});

	it('seed profile ignoring the second orderBy field: records out of the asked order switch to the portable way', async () => {
		sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'ignore', tieSeed: 3 });
		// Records in one microsecond, more than the page of newest records asked first (100): the seed
		// shuffles them, so id order is not kept.
		const leads = seedLeads(106, () => T0);
		const first = await poll(readPollState(undefined), settings({ pageSize: 6 }));
		expect([...first.ids].sort()).toEqual(leads.map((l) => l.id).sort());
		expect(first.state.hub?.query).toBe('portable');
		expect(first.state.hub?.reason).toMatch(/out of the asked order/);
		expect(hubQueries().every((q) => q.status === 200)).toBe(true);
	});

	it('an OR refused mid-walk discards what the keyset way read and re-reads the portable way, once each', async () => {
		sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'ignore' });
		const leads = seedLeads(107, (i) => T0 + i * 10);
		const first = await poll(readPollState(undefined), settings({ pageSize: 3 }));
		expect(first.ids).toEqual(leads.map((l) => l.id));
		// The first OR sent: checking the first full page against the count, or the next keyset page.
		expect(first.state.hub?.reason).toMatch(/^HTTP 400 for where=\(?date_updated [<>] .* OR .*: Invalid where clause: parentheses are not supported/);
	});

	it('activation (Start From Now) on the seed profile never fails: it stores a cursor and the finding', async () => {
		sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'reject' });
		seedLeads(4, () => T0);
		const first = await poll(readPollState(undefined), settings({ startFrom: { mode: 'now' } }));
		expect(first.ids).toEqual([]);
		expect(first.state.records.lead?.seen).toHaveLength(4);
		expect(first.state.hub?.query).toBe('portable');
		const later = sandbox.admin.create('lead', { name: 'later' }, { at: T0 });
		expect((await poll(first.state, settings({ startFrom: { mode: 'now' } }))).ids).toEqual([later.id]);
	});

	it('re-checks after RECHECK_POLLS polls: the keyset way comes back once the platform takes it', async () => {
		const state = readPollState({ records: {}, events: {}, hub: { query: 'portable', reason: 'old', pollsUntilRecheck: 1 } });
		seedLeads(3, (i) => T0 + i);
		const portable = await poll(state);
		expect(hubQueries().some((q) => q.where.includes(' OR '))).toBe(false);
		expect(portable.state.hub).toMatchObject({ query: 'portable', pollsUntilRecheck: 0 });
		sandbox.admin.clearLogs();
		// More than the walk's first page and the page of newest records together: a keyset page is asked.
		for (let i = 0; i < 6; i++) sandbox.admin.create('lead', { name: `x${i}` }, { at: T0 + 10 + i });
		const rechecked = await poll(portable.state);
		expect(rechecked.ids).toHaveLength(6);
		expect(rechecked.state.hub).toEqual({ query: 'keyset', confirmed: true });
		expect(hubQueries().some((q) => q.where.includes(' OR '))).toBe(true);
	});

	it('re-checks after a day even when polls are rare, and a platform still refusing it renews the finding', async () => {
		sandbox.admin.setQueryProfile({ ceql: 'seed', extraOrderBy: 'reject' });
		const now = 1_700_000_000_000;
		const state = readPollState({ records: {}, events: {}, hub: { query: 'portable', reason: 'old', pollsUntilRecheck: 50, recheckAfter: now } });
		seedLeads(2, (i) => T0 + i);
		const result = await poll(state, settings(), now);
		expect(hubQueries()[0].status).toBe(400);
		expect(result.state.hub).toMatchObject({ query: 'portable', pollsUntilRecheck: RECHECK_POLLS, recheckAfter: now + RECHECK_MS });
		expect(result.state.hub?.reason).not.toBe('old');
	});

	it('a 4xx that is not about the query form (403) fails the poll and leaves the finding alone', async () => {
		sandbox.admin.addFault({ path: /\/hubs\/crm\//, status: 403, times: 1 });
		await expect(runPoll(sources, settings(), readPollState(undefined))).rejects.toThrow(/403/);
	});
});

describe('querySupport (pure)', () => {
	it('reads a stored finding tolerantly', () => {
		expect(readHubSupport(undefined)).toEqual({ query: 'keyset' });
		expect(readHubSupport({ query: 'bogus' })).toEqual({ query: 'keyset' });
		expect(readHubSupport({ query: 'portable', reason: 'r', pollsUntilRecheck: 3, recheckAfter: 5 })).toEqual({
			query: 'portable',
			reason: 'r',
			pollsUntilRecheck: 3,
			recheckAfter: 5,
		});
	});

	it('portable until the count runs out or the day passes', () => {
		expect(queryModeFor({ query: 'portable', pollsUntilRecheck: 2 }, undefined)).toBe('portable');
		expect(queryModeFor({ query: 'portable', pollsUntilRecheck: 0 }, undefined)).toBe('keyset');
		expect(queryModeFor({ query: 'portable', pollsUntilRecheck: 2, recheckAfter: 10 }, 9)).toBe('portable');
		expect(queryModeFor({ query: 'portable', pollsUntilRecheck: 2, recheckAfter: 10 }, 10)).toBe('keyset');
		expect(nextHubSupport({ query: 'portable', pollsUntilRecheck: 2 }, 'portable', undefined, undefined)).toEqual({ query: 'portable', pollsUntilRecheck: 1 });
	});

	it('keyset is confirmed once the platform answered a keyset query in order, and stays so until refused', () => {
		expect(readHubSupport({ query: 'keyset', confirmed: true })).toEqual({ query: 'keyset', confirmed: true });
		expect(readHubSupport({ query: 'keyset', confirmed: 'yes' })).toEqual({ query: 'keyset' });
		expect(nextHubSupport({ query: 'keyset' }, 'keyset', undefined, undefined)).toEqual({ query: 'keyset' });
		expect(nextHubSupport({ query: 'keyset' }, 'keyset', undefined, undefined, { answered: true })).toEqual({ query: 'keyset', confirmed: true });
		expect(nextHubSupport({ query: 'keyset', confirmed: true }, 'keyset', undefined, undefined)).toEqual({ query: 'keyset', confirmed: true });
		expect(nextHubSupport({ query: 'keyset', confirmed: true }, 'keyset', 'out of order', undefined, { answered: true }).query).toBe('portable');
	});

	it('an unordered finding starts polls unordered, survives them, and gives way to a keyset re-check when due', () => {
		const found = nextHubSupport({ query: 'portable', pollsUntilRecheck: 5 }, 'portable', undefined, 1000, { unordered: 'out of date order' });
		expect(found).toEqual({ query: 'portable', unordered: true, reason: 'out of date order', pollsUntilRecheck: RECHECK_POLLS, recheckAfter: 1000 + RECHECK_MS });
		expect(readHubSupport(JSON.parse(JSON.stringify(found)))).toEqual(found);
		expect(queryModeFor(found, 2000)).toBe('unordered');
		expect(nextHubSupport(found, 'unordered', undefined, 2000)).toMatchObject({ unordered: true, pollsUntilRecheck: RECHECK_POLLS - 1 });
		expect(queryModeFor({ ...found, pollsUntilRecheck: 0 }, 2000)).toBe('keyset');
		// a keyset start that falls through to unordered in one poll
		expect(nextHubSupport({ query: 'keyset' }, 'keyset', 'HTTP 400', 0, { unordered: 'desc not kept' })).toMatchObject({ query: 'portable', unordered: true, reason: 'desc not kept' });
	});

	it('order proven by a page is kept until a finding changes, never alongside unordered', () => {
		expect(nextHubSupport({ query: 'keyset' }, 'keyset', undefined, undefined, { ordered: true })).toEqual({ query: 'keyset', ordered: true });
		expect(nextHubSupport({ query: 'keyset', ordered: true }, 'keyset', undefined, undefined)).toEqual({ query: 'keyset', ordered: true });
		expect(nextHubSupport({ query: 'portable', pollsUntilRecheck: 3 }, 'portable', undefined, undefined, { ordered: true })).toEqual({ query: 'portable', pollsUntilRecheck: 2, ordered: true });
		expect(nextHubSupport({ query: 'keyset', ordered: true }, 'keyset', 'HTTP 400', undefined)).not.toHaveProperty('ordered');
		expect(nextHubSupport({ query: 'keyset', ordered: true }, 'keyset', undefined, undefined, { unordered: 'x' })).not.toHaveProperty('ordered');
		expect(readHubSupport({ query: 'portable', ordered: true, unordered: true })).toEqual({ query: 'portable', unordered: true });
		expect(readHubSupport({ query: 'keyset', ordered: 'yes' })).toEqual({ query: 'keyset' });
	});

	it('only 400 and 422 count as a refused query form', () => {
		for (const status of [400, 422]) expect(isRefusedQuery({ statusCode: status })).toBe(true);
		for (const status of [401, 403, 404, 429, 500]) expect(isRefusedQuery({ statusCode: status })).toBe(false);
		expect(isRefusedQuery(new Error('x'))).toBe(false);
	});
});
