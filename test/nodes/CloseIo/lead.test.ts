import { byUrl, fromList } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();
const lead = (id: string) => fromList(id);

describe('lead: create', () => {
	it('creates the lead through the hub with status and custom fields, and outputs Close’s record', async () => {
		const a = f.sandbox.admin;
		const industry = a.createCustomField('lead', { name: 'Industry', type: 'text' });
		const result = await f.run({
			resource: 'lead',
			operation: 'create',
			name: 'Acme Inc',
			additionalFields: { description: 'From n8n', url: 'https://acme.example', status_id: 'stat_SandboxPotential00000001' },
			customFields: { field: [{ fieldId: industry.id, value: 'Retail' }] },
		});
		expect(result.error).toBeUndefined();
		expect(calls(result)).toEqual(['POST /elements/api-v2/hubs/crm/accounts']);
		expect(result.recorder.requests.at(-1)!.body).toEqual({
			name: 'Acme Inc',
			description: 'From n8n',
			url: 'https://acme.example',
			status_id: 'stat_SandboxPotential00000001',
			[`custom.${industry.id}`]: 'Retail',
		});
		const out = result.items[0].json as Record<string, any>;
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(out).toMatchObject({ name: 'Acme Inc', url: 'https://acme.example', custom: { [industry.id]: 'Retail' } });
		expect(a.get('lead', out.id)).toMatchObject({ name: 'Acme Inc', custom: { [industry.id]: 'Retail' } });
	});

	it('an unknown custom field is refused by Close, named in the error, and nothing is created', async () => {
		const result = await f.run({
			resource: 'lead',
			operation: 'create',
			name: 'Acme',
			customFields: { field: [{ fieldId: 'cf_doesNotExist', value: 'x' }] },
		});
		expect(result.error?.message).toMatch(/custom\.cf_doesNotExist/);
		expect(result.error?.httpCode).toBe('400');
		expect(f.sandbox.admin.records('lead')).toHaveLength(0);
	});

	it('a missing name fails before any request', async () => {
		const result = await f.run({ resource: 'lead', operation: 'create', name: '  ' });
		expect(result.error?.message).toBe('Missing required field: Name');
		expect(calls(result)).toEqual([]);
	});
});

describe('lead: get, update, delete', () => {
	it('get by list, id or Close URL; Simplify keeps the main fields', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Globex' });
		a.create('contact', { lead_id: l.id, name: 'Hank', emails: [{ email: 'hank@globex.example', type: 'office' }] });
		const [full] = await f.ok({ resource: 'lead', operation: 'get', leadId: lead(l.id) });
		expect(full).toMatchObject({ id: l.id, name: 'Globex' });
		expect(full.contacts).toHaveLength(1);
		const [viaUrl] = await f.ok({ resource: 'lead', operation: 'get', leadId: byUrl(`https://app.close.com/lead/${l.id}/`), simplify: true });
		expect(viaUrl).toEqual({
			id: l.id,
			name: 'Globex',
			display_name: 'Globex',
			status_id: l.status_id,
			status_label: l.status_label,
			url: null,
			description: '',
			date_created: expect.any(String),
			date_updated: expect.any(String),
			contacts: [{ id: expect.any(String), name: 'Hank', title: '', emails: ['hank@globex.example'], phones: [] }],
			opportunityCount: 0,
			taskCount: 0,
			custom: {},
		});
		const bad = await f.run({ resource: 'lead', operation: 'get', leadId: byUrl('https://app.close.com/contact/cont_1/') });
		expect(bad.error?.message).toMatch(/not a Close lead URL/);
	});

	it('get of an unknown lead: a 404 naming it', async () => {
		const result = await f.run({ resource: 'lead', operation: 'get', leadId: lead('lead_missing') });
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.message).toMatch(/lead_missing/);
	});

	it('update sends a PATCH with only the fields given; an empty update is refused', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Initech', description: 'old' });
		const result = await f.run({ resource: 'lead', operation: 'update', leadId: lead(l.id), updateFields: { description: 'new' } });
		expect(calls(result)).toEqual([`PATCH /elements/api-v2/hubs/crm/accounts/${l.id}`]);
		expect(result.recorder.requests.at(-1)!.body).toEqual({ description: 'new' });
		expect(a.get('lead', l.id)).toMatchObject({ name: 'Initech', description: 'new' });
		const empty = await f.run({ resource: 'lead', operation: 'update', leadId: lead(l.id), updateFields: {} });
		expect(empty.error?.message).toMatch(/Nothing to update/);
	});

	it('delete outputs {id, deleted: true}', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Umbrella' });
		expect(await f.ok({ resource: 'lead', operation: 'delete', leadId: lead(l.id) })).toEqual([{ id: l.id, deleted: true }]);
		expect(a.get('lead', l.id)).toBeUndefined();
	});
});

describe('lead: getAll', () => {
	it('Return All walks every page, asking for the total once (no trailing empty page)', async () => {
		const a = f.sandbox.admin;
		a.seed({ object: 'lead', count: 450, silent: true });
		const result = await f.run({ resource: 'lead', operation: 'getAll', returnAll: true });
		expect(result.items).toHaveLength(450);
		expect(new Set(result.items.map((i) => i.json.id)).size).toBe(450);
		// 100 a page: the closeio instance's pagination.max.
		expect(calls(result)).toEqual(Array(5).fill('GET /elements/api-v2/hubs/crm/accounts'));
		expect(result.recorder.requests.filter((r) => r.url.includes('/hubs/crm/')).map((r) => new URL(r.url).searchParams.get('pageSize'))).toEqual(Array(5).fill('100'));
		expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit stops early; filters become a CEQL where joined with the raw clause', async () => {
		const a = f.sandbox.admin;
		a.seed({ object: 'lead', count: 30, silent: true });
		const limited = await f.run({ resource: 'lead', operation: 'getAll', returnAll: false, limit: 7 });
		expect(limited.items).toHaveLength(7);
		expect(new URL(limited.recorder.requests.at(-1)!.url).searchParams.get('pageSize')).toBe('7');

		a.create('lead', { name: "O'Brien", status_id: 'stat_SandboxQualified00000001' });
		a.create('lead', { name: "O'Brien" });
		const filtered = await f.run({
			resource: 'lead',
			operation: 'getAll',
			returnAll: true,
			filters: { name: "O'Brien", where: "status_id = 'stat_SandboxQualified00000001'" },
		});
		expect(new URL(filtered.recorder.requests.at(-1)!.url).searchParams.get('where')).toBe(
			"name = 'O''Brien' AND status_id = 'stat_SandboxQualified00000001'",
		);
		expect(filtered.items.map((i) => i.json.name)).toEqual(["O'Brien"]);
	});
});

describe('lead: upsert', () => {
	const upsert = (matchBy: string, matchValue: string, fields: Record<string, unknown> = {}) => ({
		resource: 'lead',
		operation: 'upsert',
		matchBy,
		matchValue,
		fields,
	});

	it('no match: creates the lead with a contact carrying the email; the next run updates that lead', async () => {
		const a = f.sandbox.admin;
		const [created] = await f.ok(upsert('email', 'jane@acme.example', { name: 'Acme' }));
		expect(created.contacts.map((c: any) => c.emails[0].email)).toEqual(['jane@acme.example']);
		const [updated] = await f.ok(upsert('email', 'JANE@acme.example', { description: 'second run' }));
		expect(updated.id).toBe(created.id);
		expect(a.records('lead')).toHaveLength(1);
		expect(a.get('lead', created.id)).toMatchObject({ name: 'Acme', description: 'second run' });
	});

	it('one match by name updates it; an email that only contains the value does not match', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Wayne Enterprises' });
		const other = a.create('lead', { name: 'Other' });
		a.create('contact', { lead_id: other.id, emails: [{ email: 'xjane@acme.example' }] });
		const [out] = await f.ok(upsert('name', 'wayne enterprises', { description: 'matched' }));
		expect(out.id).toBe(l.id);
		const [fresh] = await f.ok(upsert('email', 'jane@acme.example', { name: 'New' }));
		expect(fresh.id).not.toBe(other.id);
		expect(a.records('lead')).toHaveLength(3);
	});

	it('several matches: fails naming every id, and changes nothing', async () => {
		const a = f.sandbox.admin;
		const one = a.create('lead', { name: 'Twin' });
		const two = a.create('lead', { name: 'Twin' });
		const eventsBefore = a.events().length;
		const result = await f.run(upsert('name', 'Twin', { description: 'x' }));
		expect(result.error?.message).toContain(one.id);
		expect(result.error?.message).toContain(two.id);
		expect(result.error?.message).toMatch(/nothing was changed/);
		expect(a.events()).toHaveLength(eventsBefore);
		expect(calls(result).filter((c) => !c.startsWith('POST /api/v1/data/search'))).toEqual([]);
	});

	it('no match and no name to create with: a clear error', async () => {
		const result = await f.run(upsert('email', 'nobody@example.com'));
		expect(result.error?.message).toBe('Upsert: no lead matched, and Name (When Creating) is needed to create one');
		expect(f.sandbox.admin.records('lead')).toHaveLength(0);
	});

	it('Name (When Creating) names the lead an upsert by email creates; Lead Fields > Name takes its place', async () => {
		const [created] = await f.ok({ ...upsert('email', 'new@acme.example'), createName: 'Acme New' });
		expect(created).toMatchObject({ name: 'Acme New' });
		const [other] = await f.ok({ ...upsert('email', 'other@acme.example', { name: 'From Fields' }), createName: 'Unused' });
		expect(other).toMatchObject({ name: 'From Fields' });
		// a match is updated, its name left alone
		const [again] = await f.ok({ ...upsert('email', 'new@acme.example', { description: 'x' }), createName: 'Ignored' });
		expect(again).toMatchObject({ id: created.id, name: 'Acme New', description: 'x' });
	});

	it('a create is not repeated when its answer is lost; the retried item re-matches and updates the lead', async () => {
		const a = f.sandbox.admin;
		// The platform processes the create, then the connection drops before the answer.
		a.beforeNext({ method: 'POST', path: '/elements/api-v2/hubs/crm/accounts' }, () => {
			const l = a.create('lead', { name: 'Once' });
			a.create('contact', { lead_id: l.id, emails: [{ email: 'once@acme.example', type: 'office' }] });
		});
		a.addFault({ method: 'POST', path: '/elements/api-v2/hubs/crm/accounts', drop: true, times: 1 });
		const first = await f.run(upsert('email', 'once@acme.example', { name: 'Once' }));
		expect(first.error).toBeDefined();
		expect(calls(first).filter((c) => c === 'POST /elements/api-v2/hubs/crm/accounts')).toHaveLength(1);
		const [second] = await f.ok(upsert('email', 'once@acme.example', { name: 'Once', description: 'retried' }));
		expect(a.records('lead')).toHaveLength(1);
		expect(second).toMatchObject({ id: a.records('lead')[0].id, description: 'retried' });
	});
});

describe('lead: merge', () => {
	it('merges the source into the kept lead through Close and outputs the surviving lead', async () => {
		const a = f.sandbox.admin;
		const keep = a.create('lead', { name: 'Keep' });
		const gone = a.create('lead', { name: 'Gone' });
		a.create('contact', { lead_id: gone.id, name: 'Moved' });
		const result = await f.run({ resource: 'lead', operation: 'merge', leadId: lead(keep.id), sourceLeadId: lead(gone.id) });
		expect(calls(result)).toEqual(['POST /api/v1/lead/merge/', `GET /elements/api-v2/hubs/crm/accounts/${keep.id}`]);
		const out = result.items[0].json as Record<string, any>;
		expect(out.id).toBe(keep.id);
		expect(out.contacts.map((c: any) => c.name)).toEqual(['Moved']);
		expect(a.get('lead', gone.id)).toBeUndefined();
		const self = await f.run({ resource: 'lead', operation: 'merge', leadId: lead(keep.id), sourceLeadId: lead(keep.id) });
		expect(self.error?.message).toMatch(/cannot be merged into itself/);
	});
});
