// The sandbox's record write routes (CRM hub) and Close's custom fields, users and search, with
// the errors the platforms give.
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { plainRequest } from '../helpers/plainRequest';
import type { RequestFn } from '../../lib/clients/http';

let sb: Sandbox;
let request: RequestFn;
let token: string;

beforeAll(async () => {
	sb = await startSandbox();
	request = plainRequest(sb.secrets, sb.closeBaseUrl);
});
afterAll(async () => sb.close());
beforeEach(() => {
	sb.admin.reset();
	token = String(sb.admin.createInstance({ name: 'records' }).token);
});

const hub = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
	request({ method, url: `${sb.ocBaseUrl}/hubs/crm/${path}`, body, elementToken: token });
const close = (method: 'GET' | 'POST', path: string, body?: unknown) => request({ method, url: `${sb.closeBaseUrl}${path}`, body });

describe('CRM hub writes', () => {
	it('an account without a name: 400 naming the field, Close’s body as providerMessage; nothing created', async () => {
		const r = await hub('POST', 'accounts', { description: 'x' });
		expect(r.statusCode).toBe(400);
		expect((r.body as any).message).toBe('Provider returned an error: name: This field is required.');
		expect(JSON.parse((r.body as any).providerMessage)).toEqual({ errors: ['This field is required.'], 'field-errors': { name: 'This field is required.' } });
		expect(sb.admin.records('lead')).toHaveLength(0);
	});

	it('an unknown custom field and a bad choice are refused; a known one is stored under custom', async () => {
		const f = sb.admin.createCustomField('lead', { name: 'Tier', type: 'choices', choices: ['A', 'B'] });
		expect((await hub('POST', 'accounts', { name: 'x', 'custom.cf_nope': 1 })).statusCode).toBe(400);
		const bad = await hub('POST', 'accounts', { name: 'x', [`custom.${f.id}`]: 'C' });
		expect((bad.body as any).message).toMatch(/"C" is not a valid choice/);
		const ok = await hub('POST', 'accounts', { name: 'x', [`custom.${f.id}`]: 'A', contacts: [{ name: 'Nested', emails: [{ email: 'n@x.example' }] }] });
		expect(ok.statusCode).toBe(200);
		expect(ok.body).toMatchObject({ custom: { [f.id]: 'A' }, contacts: [expect.objectContaining({ name: 'Nested' })] });
		const cleared = await hub('PATCH', `accounts/${(ok.body as any).id}`, { [`custom.${f.id}`]: null });
		expect((cleared.body as any).custom).toEqual({});
	});

	it('PATCH and DELETE of an unknown record: 404; DELETE removes; notes live under their account', async () => {
		expect((await hub('PATCH', 'contacts/cont_missing', { name: 'x' })).statusCode).toBe(404);
		expect((await hub('DELETE', 'tasks/task_missing')).statusCode).toBe(404);
		const lead = sb.admin.create('lead', { name: 'L' });
		const other = sb.admin.create('lead', { name: 'O' });
		expect((await hub('POST', `accounts/${lead.id}/notes`, {})).statusCode).toBe(400);
		const note = (await hub('POST', `accounts/${lead.id}/notes`, { note: 'hello' })).body as any;
		expect((await hub('GET', `accounts/${other.id}/notes/${note.id}`)).statusCode).toBe(404);
		expect(((await hub('GET', `accounts/${lead.id}/notes`)).body as any[]).map((n) => n.id)).toEqual([note.id]);
		expect((await hub('PATCH', `accounts/${lead.id}/notes/${note.id}`, { note: 'bye' })).body).toMatchObject({ note: 'bye' });
		expect((await hub('DELETE', `accounts/${lead.id}/notes/${note.id}`)).statusCode).toBe(200);
		expect(sb.admin.get('note', note.id)).toBeUndefined();
	});
});

describe('Close: custom fields, users, search', () => {
	it('custom field create validates; lists and users come back in Close’s {data, has_more} shape', async () => {
		expect((await close('POST', '/custom_field/lead/', { type: 'text' })).body).toMatchObject({ 'field-errors': { name: 'This field is required.' } });
		const f = (await close('POST', '/custom_field/contact/', { name: 'Tier', type: 'text' })).body as any;
		expect(f.id).toMatch(/^cf_/);
		expect((await close('GET', '/custom_field/contact/')).body).toEqual({ data: [f], has_more: false });
		expect((await close('GET', '/custom_field/lead/')).body).toEqual({ data: [], has_more: false });
		expect(((await close('GET', '/user/')).body as any).data).toHaveLength(2);
	});

	it('search: leads by a contact’s email (has_related), a cursor for more, 400 on a bad query', async () => {
		const l1 = sb.admin.create('lead', { name: 'One' });
		const l2 = sb.admin.create('lead', { name: 'Two' });
		sb.admin.create('contact', { lead_id: l1.id, emails: [{ email: 'a@x.example' }], phones: [{ phone: '+1 (415) 555-0100' }] });
		sb.admin.create('contact', { lead_id: l2.id, emails: [{ email: 'b@x.example' }] });
		const byEmail = await close('POST', '/data/search/', {
			query: {
				type: 'and',
				queries: [
					{ type: 'object_type', object_type: 'lead' },
					{
						type: 'has_related',
						this_object_type: 'lead',
						related_object_type: 'contact',
						related_query: {
							type: 'has_related',
							this_object_type: 'contact',
							related_object_type: 'contact_email',
							related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact_email', field_name: 'email' }, condition: { type: 'text', mode: 'phrase', value: 'a@x.example' } },
						},
					},
				],
			},
			_fields: { lead: ['id', 'name'] },
		});
		expect(byEmail.body).toEqual({ data: [{ __object_type: 'lead', id: l1.id, name: 'One' }], cursor: null });
		const all = await close('POST', '/data/search/', { query: { type: 'object_type', object_type: 'lead' }, _limit: 1 });
		expect((all.body as any).data).toHaveLength(1);
		const next = await close('POST', '/data/search/', { query: { type: 'object_type', object_type: 'lead' }, _limit: 1, cursor: (all.body as any).cursor });
		expect((next.body as any).data[0].id).not.toBe((all.body as any).data[0].id);
		expect((next.body as any).cursor).toBeNull();
		expect((await close('POST', '/data/search/', { query: { type: 'bogus' } })).statusCode).toBe(400);
	});
});

describe('Close: contact phones (E.164, as Close stores them) and what the search finds', () => {
	it('stores phones as E.164; a phone search finds the one E.164 word, not national digits or spaced forms', async () => {
		const lead = sb.admin.create('lead', { name: 'Phones' });
		const c = sb.admin.create('contact', { lead_id: lead.id, phones: [{ phone: '(415) 555-0100', type: 'office' }, { phone: '020 7946 0958', type: 'other' }] });
		expect(c.phones).toEqual([
			{ phone: '+14155550100', type: 'office' },
			// No country known: kept as typed.
			{ phone: '020 7946 0958', type: 'other' },
		]);
		const find = async (value: string) => {
			const r = await close('POST', '/data/search/', {
				query: {
					type: 'and',
					queries: [
						{ type: 'object_type', object_type: 'contact' },
						{
							type: 'has_related',
							this_object_type: 'contact',
							related_object_type: 'contact_phone',
							related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact_phone', field_name: 'phone' }, condition: { type: 'text', mode: 'phrase', value } },
						},
					],
				},
			});
			return ((r.body as any).data as Array<{ id: string }>).map((d) => d.id);
		};
		expect(await find('+14155550100')).toEqual([c.id]);
		expect(await find('14155550100')).toEqual([c.id]);
		expect(await find('4155550100')).toEqual([]);
		expect(await find('+1 415 555 0100')).toEqual([]);
	});
});
