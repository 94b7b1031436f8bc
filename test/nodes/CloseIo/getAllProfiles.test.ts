// The Close.io node's getAll with each UI filter on the sandbox's two query profiles: `full` (the
// documented CEQL) and `seed` (only date_updated comparisons joined by AND, ties in no fixed order,
// offset pages): the same records on both.
import { QUERY_FORMS } from '../../../nodes/CloseIo/transport';
import type { ParameterValue } from '../../helpers/fakeContext';
import { fromList } from '../../helpers/runOpenConnectors';
import { useCloseIo } from './helpers';

const f = useCloseIo();

const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
const iso = (us: number) => `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, '0')}+00:00`;
const STATUSES = ['stat_SandboxPotential00000001', 'stat_SandboxQualified00000001', 'stat_SandboxCustomer00000001'];
const OPP_STATUSES = ['stat_SandboxActive0000000001', 'stat_SandboxWon000000000001', 'stat_SandboxLost00000000001'];
const USER = 'user_SandboxUser0000000000001';
const OTHER_USER = 'user_SandboxOther000000000001';

let leadIds: string[] = [];

beforeEach(() => {
	QUERY_FORMS.clear();
	const a = f.sandbox.admin;
	// Groups of 5 records share one date_updated, so ties straddle the pages.
	const updated = (i: number) => T0 + Math.floor(i / 5) * 1000;
	const created = (i: number) => T0 - (300 - i) * 60_000_000;
	leadIds = a
		.seed({
			object: 'lead',
			count: 230,
			silent: true,
			dateUpdated: updated,
			dateCreated: created,
			fields: (i) => ({ name: `Lead ${i % 4}`, status_id: STATUSES[i % 3] }),
		})
		.map((r) => String(r.id));
	const leadOf = (i: number) => leadIds[i % 6];
	a.seed({ object: 'contact', count: 120, silent: true, dateUpdated: updated, fields: (i) => ({ lead_id: leadOf(i), name: `Contact ${i % 3}` }) });
	a.seed({
		object: 'opportunity',
		count: 120,
		silent: true,
		dateUpdated: updated,
		fields: (i) => ({ lead_id: leadOf(i), status_id: OPP_STATUSES[i % 3], user_id: i % 2 ? USER : OTHER_USER }),
	});
	a.seed({
		object: 'task',
		count: 120,
		silent: true,
		dateUpdated: updated,
		fields: (i) => ({ lead_id: leadOf(i), text: `Task ${i}`, assigned_to: i % 2 ? USER : OTHER_USER, is_complete: i % 3 === 0 }),
	});
});

type Case = [string, string, Record<string, ParameterValue>];
const CASES: Case[] = [
	['lead', 'no filter', {}],
	['lead', 'name', { name: 'Lead 2' }],
	['lead', 'status', { status_id: STATUSES[1] }],
	['lead', 'updated after', { updatedAfter: iso(T0 + 20_000) }],
	['lead', 'created after', { createdAfter: iso(T0 - 150 * 60_000_000) }],
	['lead', 'every filter', { name: 'Lead 1', status_id: STATUSES[2], updatedAfter: iso(T0 + 3_000), createdAfter: iso(T0 - 250 * 60_000_000) }],
	['lead', 'raw date where with a filter', { name: 'Lead 3', where: `date_updated >= '${iso(T0 + 10_000)}'` }],
	['contact', 'lead', { leadId: 'LEAD:2' }],
	['contact', 'name', { name: 'Contact 1' }],
	['contact', 'lead and name', { leadId: 'LEAD:3', name: 'Contact 0' }],
	['opportunity', 'lead', { leadId: 'LEAD:4' }],
	['opportunity', 'status', { status_id: OPP_STATUSES[1] }],
	['opportunity', 'user', { user_id: USER }],
	['task', 'assigned to', { assigned_to: OTHER_USER }],
	['task', 'is complete', { is_complete: true }],
	['task', 'is not complete', { is_complete: false }],
	['task', 'lead', { leadId: 'LEAD:5' }],
];

function filtersFor(filters: Record<string, ParameterValue>): Record<string, ParameterValue> {
	const out: Record<string, ParameterValue> = {};
	for (const [k, v] of Object.entries(filters)) out[k] = typeof v === 'string' && v.startsWith('LEAD:') ? leadIds[Number(v.slice(5))] : v;
	return out;
}

describe('getAll on the full and seed profiles', () => {
	it.each(CASES)('%s, %s: the same records on both', async (resource, _name, filters) => {
		const params = { resource, operation: 'getAll', returnAll: true, filters: filtersFor(filters) };
		f.sandbox.admin.setQueryProfile({ ceql: 'full' });
		const full = await f.ok(params);
		f.sandbox.admin.setQueryProfile({ ceql: 'seed', tieSeed: 7 });
		const seed = await f.ok(params);
		const ids = (rows: Array<Record<string, any>>) => rows.map((r) => String(r.id)).sort();
		expect(full.length).toBeGreaterThan(0);
		expect(ids(seed)).toEqual(ids(full));
		expect(new Set(ids(seed)).size).toBe(seed.length);
	});

	it('the refused where costs one request per execution, not one per item; every item gets its records', async () => {
		f.sandbox.admin.setQueryProfile({ ceql: 'seed', tieSeed: 7 });
		const items = Array.from({ length: 5 }, (_, i) => ({ json: { i } }));
		const result = await f.run({ resource: 'lead', operation: 'getAll', returnAll: true, filters: { name: 'Lead 0' } }, { inputItems: items });
		if (result.error) throw result.error;
		const wheres = result.recorder.requests.map((r) => new URL(r.url).searchParams.get('where') ?? '');
		expect(wheres.filter((w) => w.includes('name'))).toHaveLength(1);
		const perItem = [0, 1, 2, 3, 4].map((i) => result.items.filter((it) => (it.pairedItem as { item: number }).item === i).length);
		// Leads 0, 4, 8, ... 228 are named 'Lead 0'.
		expect(perItem).toEqual(Array(5).fill(58));
		// The next execution on this platform does not ask again either.
		const again = await f.run({ resource: 'lead', operation: 'getAll', returnAll: true, filters: { name: 'Lead 1' } });
		expect(again.recorder.requests.some((r) => (new URL(r.url).searchParams.get('where') ?? '').includes('name'))).toBe(false);
	});

	it('Limit counts matching records on seed', async () => {
		f.sandbox.admin.setQueryProfile({ ceql: 'seed', tieSeed: 7 });
		const out = await f.ok({ resource: 'lead', operation: 'getAll', returnAll: false, limit: 12, filters: { status_id: STATUSES[0] } });
		expect(out).toHaveLength(12);
		expect(out.every((r) => r.status_id === STATUSES[0])).toBe(true);
	});

	it('a raw where seed refuses: a clear error naming it, paired to its item under Continue On Fail', async () => {
		f.sandbox.admin.setQueryProfile({ ceql: 'seed' });
		const result = await f.run(
			{ resource: 'lead', operation: 'getAll', returnAll: true, filters: { name: 'Lead 0', where: "status_id = 'x' OR status_id = 'y'" } },
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(1);
		expect(String(result.items[0].json.error)).toMatch(/refused the Where \(CEQL\) filter "status_id = 'x' OR status_id = 'y'"/);
		expect(String(result.items[0].json.error)).toMatch(/use the other Filters fields/);
	});

	it('note getAll reads Close, the same on both profiles', async () => {
		const lead = leadIds[0];
		await f.ok({ resource: 'note', operation: 'create', leadId: fromList(lead), note: 'n1' });
		f.sandbox.admin.setQueryProfile({ ceql: 'seed' });
		expect(await f.ok({ resource: 'note', operation: 'getAll', leadId: fromList(lead), returnAll: true })).toHaveLength(1);
	});
});
