import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { CloseIo } from '../../../nodes/CloseIo/CloseIo.node';
import { fakeLoadOptionsContext } from '../../helpers/fakeContext';
import { CLOSE_KEY_MISSING_MESSAGE } from '../../../lib/credentials/closeKeyGuard';
import { byId, fromList, runCloseIo } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';
import { INSTANCE_TOKENS } from '../../../nodes/shared/instanceTokens';

jest.setTimeout(30000);

const f = useCloseIo();

describe('note', () => {
	it('create through the hub on the lead; get and getAll from Close; update and delete through the hub', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const create = await f.run({ resource: 'note', operation: 'create', leadId: fromList(l.id), note: 'Met at the fair' });
		expect(calls(create)).toEqual([`POST /elements/api-v2/hubs/crm/accounts/${l.id}/notes`]);
		const created = create.items[0].json as Record<string, any>;
		expect(created).toMatchObject({ lead_id: l.id, note: 'Met at the fair', _type: 'Note' });

		expect(await f.ok({ resource: 'note', operation: 'get', noteId: created.id })).toEqual([expect.objectContaining({ id: created.id, note: 'Met at the fair' })]);
		const other = a.create('lead', { name: 'Other' });
		await f.ok({ resource: 'note', operation: 'create', leadId: fromList(other.id), note: 'elsewhere' });
		const ofLead = await f.ok({ resource: 'note', operation: 'getAll', leadId: fromList(l.id), returnAll: true });
		expect(ofLead.map((n) => n.id)).toEqual([created.id]);
		expect(await f.ok({ resource: 'note', operation: 'getAll', leadId: fromList(''), returnAll: true })).toHaveLength(2);

		const update = await f.run({ resource: 'note', operation: 'update', noteId: created.id, note: 'Met at the fair; follow up' });
		expect(calls(update)).toEqual([`GET /api/v1/activity/note/${created.id}/`, `PATCH /elements/api-v2/hubs/crm/accounts/${l.id}/notes/${created.id}`]);
		expect(a.get('note', created.id)).toMatchObject({ note: 'Met at the fair; follow up' });

		expect(await f.ok({ resource: 'note', operation: 'delete', noteId: created.id })).toEqual([{ id: created.id, deleted: true }]);
		expect(a.get('note', created.id)).toBeUndefined();
		const gone = await f.run({ resource: 'note', operation: 'get', noteId: created.id });
		expect(gone.error?.httpCode).toBe('404');
	});

	it('an empty note fails before any request', async () => {
		const l = f.sandbox.admin.create('lead', { name: 'Acme' });
		const result = await f.run({ resource: 'note', operation: 'create', leadId: fromList(l.id), note: '' });
		expect(result.error?.message).toBe('Missing required field: Note');
		expect(calls(result)).toEqual([]);
	});
});

describe('every operation: items, errors, retries, secrets', () => {
	const three = [{ json: { name: 'Good 1' } }, { json: { name: '' } }, { json: { name: 'Good 2' } }];

	it('Continue On Fail: each output paired to its item, the error on the failing item', async () => {
		const result = await f.run(
			{ resource: 'lead', operation: 'create', name: (i: number) => three[i].json.name },
			{ inputItems: three, continueOnFail: true },
		);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.name).toBe('Good 1');
		expect(result.items[1].json).toEqual({ error: 'Missing required field: Name' });
		expect(result.items[2].json.name).toBe('Good 2');
		expect(f.sandbox.admin.records('lead').map((l) => l.name).sort()).toEqual(['Good 1', 'Good 2']);
	});

	it('without Continue On Fail the first failure stops the node, naming its item', async () => {
		const result = await f.run({ resource: 'lead', operation: 'create', name: (i: number) => three[i].json.name }, { inputItems: three });
		expect(result.error?.message).toBe('Missing required field: Name');
		expect((result.error as any).context?.itemIndex).toBe(1);
	});

	it('a bad status id is refused by Close through the hub, with its message', async () => {
		const result = await f.run({ resource: 'lead', operation: 'create', name: 'Acme', additionalFields: { status_id: 'stat_nope' } });
		expect(result.error?.httpCode).toBe('400');
		expect(`${result.error?.message} ${result.error?.description}`).toMatch(/status/i);
		expect(f.sandbox.admin.records('lead')).toHaveLength(0);
	});

	it('429 then success: retried after the server’s delay, even for a create (the request was refused, not processed)', async () => {
		const a = f.sandbox.admin;
		a.addFault({ method: 'POST', path: '/elements/api-v2/hubs/crm/accounts', status: 429, retryAfter: 0, times: 1 });
		const result = await f.run({ resource: 'lead', operation: 'create', name: 'Retried' });
		expect(result.error).toBeUndefined();
		expect(calls(result)).toEqual(['POST /elements/api-v2/hubs/crm/accounts', 'POST /elements/api-v2/hubs/crm/accounts']);
		expect(a.records('lead')).toHaveLength(1);
	});

	it('the instance token is fetched by the first execution only; a kept one the platform refuses is replaced and the refused create sent again, once', async () => {
		const a = f.sandbox.admin;
		const tokenRequests = () => a.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/instances/${f.instanceId}`)).length;
		await f.ok({ resource: 'lead', operation: 'create', name: 'First' });
		await f.ok({ resource: 'lead', operation: 'create', name: 'Second' });
		expect(tokenRequests()).toBe(1);

		// The kept token goes stale (the instance's token changed): the POST is refused, not processed.
		INSTANCE_TOKENS.clear();
		const owner = { baseUrl: f.sandbox.ocBaseUrl, userSecret: f.sandbox.secrets.userSecret, organizationSecret: f.sandbox.secrets.organizationSecret, instanceId: f.instanceId };
		await INSTANCE_TOKENS.requests(owner, async () => 'stale0token0that0the0platform0refuses', async () => ({ statusCode: 200, headers: {}, body: null })).token();
		const result = await f.run({ resource: 'lead', operation: 'create', name: 'Third' });
		expect(result.error).toBeUndefined();
		expect(calls(result)).toEqual(['POST /elements/api-v2/hubs/crm/accounts', 'POST /elements/api-v2/hubs/crm/accounts']);
		expect(a.requests().filter((r) => r.method === 'POST' && r.status === 401)).toHaveLength(1);
		expect(a.records('lead').map((l) => l.name).sort()).toEqual(['First', 'Second', 'Third']);
		expect(tokenRequests()).toBe(2);
		await f.ok({ resource: 'lead', operation: 'create', name: 'Fourth' });
		expect(tokenRequests()).toBe(2);
	});

	it('5xx on a read is retried; on a create it is not', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		a.addFault({ method: 'GET', path: `/elements/api-v2/hubs/crm/accounts/${l.id}`, status: 503, times: 1 });
		expect((await f.ok({ resource: 'lead', operation: 'get', leadId: fromList(l.id) }))[0].id).toBe(l.id);
		a.addFault({ method: 'POST', path: '/elements/api-v2/hubs/crm/accounts', status: 503, times: 1 });
		const create = await f.run({ resource: 'lead', operation: 'create', name: 'Once' });
		expect(create.error?.httpCode).toBe('503');
		expect(calls(create).filter((c) => c.startsWith('POST'))).toHaveLength(1);
	});

	it('no secret in outputs or errors, even when the provider echoes one', async () => {
		const a = f.sandbox.admin;
		const token = String(a.instances()[0].token);
		const secrets = [f.sandbox.secrets.userSecret, f.sandbox.secrets.organizationSecret, f.sandbox.secrets.closeApiKey, token];
		a.addFault({
			method: 'POST',
			path: '/elements/api-v2/hubs/crm/accounts',
			status: 400,
			times: 1,
			body: { message: `Bad request for User ${f.sandbox.secrets.userSecret}, Element ${token}`, providerMessage: `key ${f.sandbox.secrets.closeApiKey}` },
		});
		const failed = await f.run({ resource: 'lead', operation: 'create', name: 'x' }, { continueOnFail: true });
		const l = a.create('lead', { name: `echo ${f.sandbox.secrets.closeApiKey}` });
		const got = await f.run({ resource: 'lead', operation: 'get', leadId: fromList(l.id) });
		const text = JSON.stringify([failed.items, got.items]);
		for (const secret of secrets) expect(text).not.toContain(secret);
		expect(text).toContain('********');
		expect(failed.items[0].json.error).toMatch(/Bad request/);
	});

	// Get Many passes over the records of pages whose text was proven free of secrets
	// (lib/clients/secretScreen.ts): a secret in one record, as written or \u-escaped, is still scrubbed.
	it('Get Many: a secret in one record of 150 is scrubbed, written as is or with \\u escapes', async () => {
		const a = f.sandbox.admin;
		const key = f.sandbox.secrets.closeApiKey;
		a.seed({ object: 'lead', count: 149, fields: (i) => ({ name: `Bulk ${i}` }), silent: true });
		const holder = a.create('lead', { name: `pasted ${key}` });
		const asIs = await f.ok({ resource: 'lead', operation: 'getAll', returnAll: true });
		expect(asIs).toHaveLength(150);
		expect(JSON.stringify(asIs)).not.toContain(key);
		expect(asIs.find((l) => l.id === holder.id)?.name).toBe('pasted ********');
		expect(asIs.filter((l) => String(l.name).startsWith('Bulk '))).toHaveLength(149);

		// The same pages with every ASCII letter of every string value escaped as \u00XX (valid JSON
		// a server may send): the key no longer shows in the text, only in the parsed value.
		const escaping: typeof fetch = async (input, init) => {
			const response = await fetch(input, init);
			if (!String(input).includes('/hubs/crm/accounts')) return response;
			const text = (await response.text()).replace(/"((?:[^"\\]|\\.)*)"(?=\s*[,}\]])/g, (_m, inner: string) => `"${inner.replace(/[A-Za-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}"`);
			expect(text).not.toContain(key);
			return new Response(text, { status: response.status, headers: response.headers });
		};
		const escaped = await f.ok({ resource: 'lead', operation: 'getAll', returnAll: true }, { fetch: escaping });
		expect(escaped).toHaveLength(150);
		expect(JSON.stringify(escaped)).not.toContain(key);
		expect(escaped.find((l) => l.id === holder.id)?.name).toBe('pasted ********');
	});
});

describe('editor lists', () => {
	const node = new CloseIo();
	const ctx = () => fakeLoadOptionsContext({ nodeType: node, credentials: { openConnectorsApi: f.credentials } }) as ILoadOptionsFunctions;

	it('leads: searchable by name, paged, each with its Close URL', async () => {
		const a = f.sandbox.admin;
		a.seed({ object: 'lead', count: 60, fields: (i) => ({ name: `Bulk ${i}` }), silent: true });
		const acme = a.create('lead', { name: 'Acme Rockets' });
		const found = await node.methods.listSearch.searchLeads.call(ctx(), 'rock');
		expect(found.results).toEqual([{ name: 'Acme Rockets', value: acme.id, url: `https://app.close.com/lead/${acme.id}/` }]);
		const first = await node.methods.listSearch.searchLeads.call(ctx());
		expect(first.results).toHaveLength(50);
		const second = await node.methods.listSearch.searchLeads.call(ctx(), undefined, first.paginationToken as string);
		expect(second.results).toHaveLength(11);
		expect(second.paginationToken).toBeUndefined();
	});

	it('statuses, users and custom fields come from Close', async () => {
		const a = f.sandbox.admin;
		const field = a.createCustomField('lead', { name: 'Industry', type: 'choices', choices: ['IT', 'Retail'] });
		const leadStatuses = await node.methods.loadOptions.getLeadStatuses.call(ctx());
		expect(leadStatuses.map((s) => s.value)).toContain('stat_SandboxPotential00000001');
		expect(leadStatuses.find((s) => s.value === 'stat_SandboxPotential00000001')?.name).toBe('Potential');
		const oppStatuses = await node.methods.loadOptions.getOpportunityStatuses.call(ctx());
		expect(oppStatuses.map((s) => s.name)).toContain('Active');
		const users = await node.methods.loadOptions.getUsers.call(ctx());
		expect(users).toEqual([
			{ name: 'Sandbox User', value: 'user_SandboxUser0000000000001', description: 'sandbox.user@example.com' },
			{ name: 'Second Rep', value: 'user_SandboxSecondUser00000001', description: 'second.rep@example.com' },
		]);
		expect(await node.methods.loadOptions.getLeadCustomFields.call(ctx())).toEqual([{ name: 'Industry', value: field.id, description: 'choices; choices: IT, Retail' }]);
		expect(await node.methods.loadOptions.getContactCustomFields.call(ctx())).toEqual([]);
	});

	it('a wrong Close key: the list fails with Close’s message and no secret', async () => {
		const bad = fakeLoadOptionsContext({ nodeType: node, credentials: { openConnectorsApi: { ...f.credentials, closeApiKey: 'wrong-close-key' } } }) as ILoadOptionsFunctions;
		const error = await node.methods.loadOptions.getUsers.call(bad).catch((e: Error) => e);
		expect((error as any).httpCode).toBe('401');
		expect(JSON.stringify({ m: (error as Error).message, d: (error as any).description })).not.toContain('wrong-close-key');
	});
});

describe('a credential without the Close API Key', () => {
	it('an operation that calls Close directly fails before any Close request, naming the field', async () => {
		const l = f.sandbox.admin.create('lead', { name: 'Acme' });
		const result = await runCloseIo(
			{ ...f.credentials, closeApiKey: '' },
			{ instance: byId(f.instanceId), resource: 'note', operation: 'getAll', leadId: fromList(l.id), returnAll: true },
		);
		expect(result.error?.message).toBe(CLOSE_KEY_MISSING_MESSAGE);
		expect(calls(result).filter((c) => c.includes('/api/v1/'))).toEqual([]);
	});
});
