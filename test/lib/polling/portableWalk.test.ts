// The portable way against the sandbox's seed profile, in the cases the property test does not draw:
// an instant holding more records than the platform's page (read to the end, checked against the
// total count) and a date pattern coarser than the provider's microseconds.

import type { PollState } from '../../../lib/polling';
import { readPollState, runPoll } from '../../../lib/polling';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { pollSettings, sandboxPollSources } from '../../helpers/sandboxPollSources';

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

async function pollUntilQuiet(state: PollState, settings = pollSettings()) {
	const sources = sandboxPollSources(sandbox, String(sandbox.admin.createInstance({ name: 'walk' }).token));
	const delivered: string[] = [];
	let requests = 0;
	for (let quiet = 0, i = 0; quiet < 2 && i < 50; i++) {
		const result = await runPoll(sources, settings, state);
		state = readPollState(JSON.parse(JSON.stringify(result.state)));
		requests += result.requests.hub;
		delivered.push(...result.items.map((item) => `${item.id}@${item.occurredAt}`));
		quiet = result.items.length === 0 ? quiet + 1 : 0;
	}
	return { delivered, requests, state };
}

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
