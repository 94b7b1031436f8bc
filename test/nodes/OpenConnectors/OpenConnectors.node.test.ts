import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { OpenConnectors } from '../../../nodes/OpenConnectors/OpenConnectors.node';
import { startSandbox } from '../../../sandbox';
import type { Sandbox } from '../../../sandbox';
import { fakeLoadOptionsContext, sandboxCredentials } from '../../helpers/fakeContext';
import { byId, fromList, runOpenConnectors } from '../../helpers/runOpenConnectors';

jest.setTimeout(30000);

let sandbox: Sandbox;
let credentials: ICredentialDataDecryptedObject;

beforeAll(async () => {
	sandbox = await startSandbox();
	credentials = sandboxCredentials(sandbox);
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.admin.reset();
	sandbox.admin.clearFaults();
	sandbox.admin.clearLogs();
});

const MASK = '********';
const CALLBACK = 'https://n8n.example.com/webhook/abc';

function stored(id: number) {
	const instance = sandbox.admin.instances().find((i) => i.id === id);
	if (!instance) throw new Error(`no instance ${id}`);
	return instance;
}

async function provision(name = 'seeded', tags: string[] = []) {
	const created = await runOpenConnectors(credentials, { operation: 'create', name, tags: tags.join(',') });
	expect(created.error).toBeUndefined();
	return created.items[0].json as { id: number; token: string };
}

describe('description', () => {
	it('follows the contract', () => {
		const { description } = new OpenConnectors();
		expect(description.name).toBe('openConnectors');
		expect(description.displayName).toBe('SAP Open Connectors');
		expect(description.credentials).toEqual([{ name: 'openConnectorsApi', required: true, testedBy: 'openConnectorsApiTest' }]);
		const operation = description.properties.find((p) => p.name === 'operation');
		expect(operation?.options?.map((o) => (o as { value: string }).value).sort()).toEqual(
			['create', 'delete', 'get', 'getAll', 'getEventsUrl', 'update'].sort(),
		);
		const locator = description.properties.find((p) => p.name === 'instance');
		expect(locator?.type).toBe('resourceLocator');
		expect(locator?.modes?.map((m) => m.name)).toEqual(['list', 'id']);
	});
});

describe('create', () => {
	it('provisions a polling instance from UI fields; the output is masked', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: 'Close prod',
			tags: 'n8n, sales',
			eventsMode: 'polling',
			callbackUrl: CALLBACK,
			objects: ['lead', 'contact'],
			refreshInterval: 5,
			additionalFields: { signatureKey: 'sig-key-1', additionalConfiguration: '{"pagination.max": "50"}' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json as Record<string, any>;
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(out.name).toBe('Close prod');
		expect(out.tags).toEqual(['n8n', 'sales']);
		expect(out.token).toBe(MASK);
		expect(out.configuration.username).toBe(MASK);
		expect(out.configuration.password).toBe(MASK);
		expect(out.configuration['event.notification.signature.key']).toBe(MASK);

		const inst = stored(out.id);
		expect(inst.configuration.username).toBe(sandbox.secrets.closeApiKey);
		expect(inst.configuration.password).toBe(sandbox.secrets.closePassword);
		expect(inst.configuration['event.notification.enabled']).toBe('true');
		expect(inst.configuration['event.vendor.type']).toBe('polling');
		expect(inst.configuration['event.notification.callback.url']).toBe(CALLBACK);
		expect(inst.configuration['event.poller.refresh_interval']).toBe('5');
		expect(inst.configuration['event.notification.signature.key']).toBe('sig-key-1');
		expect(inst.configuration['pagination.max']).toBe('50');
		const poller = JSON.parse(String(inst.configuration['event.poller.configuration']));
		expect(Object.keys(poller)).toEqual(['accounts', 'contacts']);
		expect(poller.contacts).toEqual({
			url: "/hubs/crm/contacts?where=date_updated>'${gmtDate:yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX}'",
			idField: 'id',
			datesConfiguration: {
				updatedDateField: 'date_updated',
				updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
				createdDateField: 'date_created',
				createdDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
			},
		});
		const post = result.recorder.requests.find((r) => r.method === 'POST');
		expect((post?.body as Record<string, any>).element).toEqual({ key: 'closeio' });
	});

	it('provisions a webhook instance', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: 'hooks',
			eventsMode: 'webhook',
			callbackUrl: CALLBACK,
		});
		expect(result.error).toBeUndefined();
		const inst = stored((result.items[0].json as { id: number }).id);
		expect(inst.configuration['event.vendor.type']).toBe('webhook');
		expect(inst.configuration['event.poller.configuration']).toBeUndefined();
	});

	it('names every missing field before any request', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: '  ',
			eventsMode: 'polling',
			callbackUrl: '',
			objects: [],
		});
		expect(result.error?.message).toBe('Missing required fields: Name, Callback URL, Objects to Poll');
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('asks for the Close API key in the credential', async () => {
		const result = await runOpenConnectors({ ...credentials, closeApiKey: '' }, { operation: 'create', name: 'x' });
		expect(result.error?.message).toBe('Missing required field: Close API Key (in the credential)');
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('rejects invalid JSON naming the field', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: 'x',
			additionalFields: { additionalConfiguration: '{"a": ' },
		});
		expect(result.error?.message).toBe('Additional Configuration (JSON) is not valid JSON');
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('rejects a callback URL that is not http(s)', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: 'x',
			eventsMode: 'webhook',
			callbackUrl: 'ftp://nope',
		});
		expect(result.error?.message).toContain('Callback URL');
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('reports the platform 400 for a missing configuration entry', async () => {
		const result = await runOpenConnectors(credentials, {
			operation: 'create',
			name: 'x',
			additionalFields: { additionalConfiguration: '{"username": null}' },
		});
		expect(result.error?.message).toBe('Missing required configuration entries: username');
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.description).toMatch(/Request ID: /);
	});

	it('reports a wrong Close API key (provider error) without echoing it', async () => {
		const result = await runOpenConnectors({ ...credentials, closeApiKey: 'wrong-close-key' }, { operation: 'create', name: 'x' });
		expect(result.error?.httpCode).toBe('400');
		expect(result.error?.message).toContain('Close.io API key is invalid');
		expect(`${result.error?.message} ${result.error?.description}`).not.toContain('wrong-close-key');
	});

	it('reports 409 with the provider message and request id', async () => {
		sandbox.admin.addFault({
			method: 'POST',
			path: '/elements/api-v2/instances',
			status: 409,
			body: { message: 'An instance named x already exists', requestId: 'req-409' },
		});
		const result = await runOpenConnectors(credentials, { operation: 'create', name: 'x' });
		expect(result.error?.message).toBe('An instance named x already exists');
		expect(result.error?.httpCode).toBe('409');
		expect(result.error?.description).toContain('Request ID: req-409');
	});

	it('never retries the POST after a 500 (it may have been processed)', async () => {
		sandbox.admin.addFault({ method: 'POST', path: '/elements/api-v2/instances', status: 500, times: 1 });
		const result = await runOpenConnectors(credentials, { operation: 'create', name: 'x' });
		expect(result.error?.httpCode).toBe('500');
		expect(result.recorder.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});

	it('retries the POST after a 429, waiting the Retry-After', async () => {
		sandbox.admin.addFault({ method: 'POST', path: '/elements/api-v2/instances', status: 429, retryAfter: 1, times: 1 });
		const started = Date.now();
		const result = await runOpenConnectors(credentials, { operation: 'create', name: 'after-429' });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.recorder.requests.map((r) => r.statusCode)).toEqual([429, 200]);
	});
});

describe('get', () => {
	it('returns the masked instance (both locator modes)', async () => {
		const { id } = await provision('one');
		for (const instance of [byId(id), fromList(id), String(id)]) {
			const result = await runOpenConnectors(credentials, { operation: 'get', instance });
			expect(result.error).toBeUndefined();
			const out = result.items[0].json as Record<string, any>;
			expect(out.id).toBe(id);
			expect(out.token).toBe(MASK);
			expect(out.configuration.username).toBe(MASK);
		}
	});

	it('404 -> NodeApiError with the platform message', async () => {
		const result = await runOpenConnectors(credentials, { operation: 'get', instance: byId(999) });
		expect(result.error?.message).toBe('No instance found with id 999');
		expect(result.error?.httpCode).toBe('404');
	});

	it('401 -> NodeApiError with the platform message', async () => {
		const result = await runOpenConnectors({ ...credentials, userSecret: 'wrong' }, { operation: 'get', instance: byId(1) });
		expect(result.error?.message).toBe('Invalid Organization or User secret, or invalid Element token provided.');
		expect(result.error?.httpCode).toBe('401');
	});

	it('a missing or non-numeric instance fails before any request', async () => {
		for (const instance of [byId(''), byId('abc')]) {
			const result = await runOpenConnectors(credentials, { operation: 'get', instance });
			expect(result.error?.message).toMatch(/Instance/);
			expect(result.recorder.requests).toHaveLength(0);
		}
	});

	it('retries a 500 on GET and a dropped connection, honouring Retry-After', async () => {
		const { id } = await provision('retry');
		sandbox.admin.clearLogs();
		sandbox.admin.addFault({ method: 'GET', path: `/elements/api-v2/instances/${id}`, status: 503, retryAfter: 1, times: 1 });
		sandbox.admin.addFault({ method: 'GET', path: `/elements/api-v2/instances/${id}`, drop: true, times: 1 });
		const started = Date.now();
		const result = await runOpenConnectors(credentials, { operation: 'get', instance: byId(id) });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.recorder.requests).toHaveLength(3);
	});

	it('with retry off, the first 500 is reported', async () => {
		const { id } = await provision('no-retry');
		sandbox.admin.addFault({ method: 'GET', path: `/elements/api-v2/instances/${id}`, status: 500, times: 1 });
		const result = await runOpenConnectors(credentials, { operation: 'get', instance: byId(id), options: { retry: false } });
		expect(result.error?.httpCode).toBe('500');
		expect(result.recorder.requests).toHaveLength(1);
	});

	it('a server delay above the cap is reported at once, with the delay', async () => {
		sandbox.admin.addFault({ method: 'GET', path: '/elements/api-v2/instances/5', status: 429, retryAfter: 3600, times: 1 });
		const result = await runOpenConnectors(credentials, { operation: 'get', instance: byId(5) });
		expect(result.error?.httpCode).toBe('429');
		expect(result.error?.description).toContain('retry after 3600 s');
		expect(result.recorder.requests).toHaveLength(1);
	});

	it('continueOnFail: one error item per failing input item, paired', async () => {
		const { id } = await provision('ok');
		const ids = [id, 424242];
		const result = await runOpenConnectors(
			credentials,
			{ operation: 'get', instance: (i: number) => byId(ids[i]) },
			{ continueOnFail: true, inputItems: [{ json: {} }, { json: {} }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toMatchObject({ json: { id }, pairedItem: { item: 0 } });
		expect(result.items[1]).toMatchObject({
			json: { error: 'No instance found with id 424242', httpCode: '404' },
			pairedItem: { item: 1 },
		});
	});
});

describe('getAll', () => {
	it('returns every closeio instance (return all), or up to the limit, masked', async () => {
		for (let i = 0; i < 7; i++) await provision(`i${i}`, i % 2 ? ['odd'] : ['even']);
		const all = await runOpenConnectors(credentials, { operation: 'getAll', returnAll: true });
		expect(all.items).toHaveLength(7);
		for (const item of all.items) expect((item.json as Record<string, any>).token).toBe(MASK);
		expect(all.items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);

		const limited = await runOpenConnectors(credentials, { operation: 'getAll', returnAll: false, limit: 3 });
		expect(limited.items).toHaveLength(3);
	});

	it('follows elements-next-page-token to the end when the platform pages the list', async () => {
		for (let i = 0; i < 5; i++) await provision(`p${i}`);
		// The sandbox answers /instances in one piece; this fetch pages it the hub's way.
		const pagingFetch: typeof fetch = async (input, init) => {
			const url = new URL(String(input));
			const response = await fetch(input, init);
			if (!url.pathname.endsWith('/instances') || (init?.method ?? 'GET') !== 'GET') return response;
			const all = (await response.json()) as unknown[];
			const pageSize = 2;
			const offset = Number(url.searchParams.get('nextPage') ?? 0);
			const page = all.slice(offset, offset + pageSize);
			return new Response(JSON.stringify(page), {
				status: 200,
				headers: { 'content-type': 'application/json', 'elements-next-page-token': String(offset + pageSize) },
			});
		};
		const result = await runOpenConnectors(credentials, { operation: 'getAll', returnAll: true }, { fetch: pagingFetch });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => (i.json as { name: string }).name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
		expect(result.recorder.requests).toHaveLength(4); // 2 + 2 + 1 + the empty page

		const limited = await runOpenConnectors(credentials, { operation: 'getAll', limit: 3 }, { fetch: pagingFetch });
		expect(limited.items).toHaveLength(3);
		expect(limited.recorder.requests).toHaveLength(2);
	});

	it('filters by tags (sent as tags[])', async () => {
		await provision('a', ['red']);
		await provision('b', ['blue']);
		await provision('c', ['red', 'blue']);
		const result = await runOpenConnectors(credentials, { operation: 'getAll', returnAll: true, filters: { tags: 'red' } });
		expect(result.items.map((i) => (i.json as { name: string }).name).sort()).toEqual(['a', 'c']);
		expect(result.recorder.requests[0].url).toContain('tags%5B%5D=red');
	});
});

describe('update', () => {
	it('renames, retags, turns events off and changes the callback URL', async () => {
		const { id } = await provision('before', ['x']);
		const result = await runOpenConnectors(credentials, {
			operation: 'update',
			instance: byId(id),
			updateFields: { name: 'after', tags: 'y, z', eventsEnabled: false, callbackUrl: CALLBACK, refreshInterval: 10, objects: ['task'] },
		});
		expect(result.error).toBeUndefined();
		const out = result.items[0].json as Record<string, any>;
		expect(out).toMatchObject({ id, name: 'after', tags: ['y', 'z'], token: MASK });
		const inst = stored(id);
		expect(inst.configuration['event.notification.enabled']).toBe('false');
		expect(inst.configuration['event.notification.callback.url']).toBe(CALLBACK);
		expect(inst.configuration['event.poller.refresh_interval']).toBe('10');
		expect(Object.keys(JSON.parse(String(inst.configuration['event.poller.configuration'])))).toEqual(['tasks']);
		const patch = result.recorder.requests.find((r) => r.method === 'PATCH');
		expect(patch?.url).toBe(`${sandbox.ocBaseUrl}/instances/${id}`);
	});

	it('nothing to update -> error before any request', async () => {
		const result = await runOpenConnectors(credentials, { operation: 'update', instance: byId(1), updateFields: {} });
		expect(result.error?.message).toContain('Nothing to update');
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('404 on an unknown instance', async () => {
		const result = await runOpenConnectors(credentials, { operation: 'update', instance: byId(777), updateFields: { name: 'n' } });
		expect(result.error?.httpCode).toBe('404');
	});
});

describe('delete', () => {
	it('deletes; a second delete is a 404, or false with Ignore Not Found', async () => {
		const { id } = await provision('doomed');
		const first = await runOpenConnectors(credentials, { operation: 'delete', instance: byId(id) });
		expect(first.items[0].json).toEqual({ id, deleted: true });
		expect(sandbox.admin.instances().find((i) => i.id === id)).toBeUndefined();

		const second = await runOpenConnectors(credentials, { operation: 'delete', instance: byId(id) });
		expect(second.error?.httpCode).toBe('404');

		const tolerant = await runOpenConnectors(credentials, { operation: 'delete', instance: byId(id), options: { ignoreNotFound: true } });
		expect(tolerant.items[0].json).toEqual({ id, deleted: false });
	});
});

describe('getEventsUrl', () => {
	it('returns the webhook receive URL with the base64 instance id', async () => {
		const result = await runOpenConnectors(credentials, { operation: 'getEventsUrl', instance: byId(20931) });
		expect(result.items[0].json).toEqual({
			id: 20931,
			encodedId: 'MjA5MzE=',
			eventsUrl: `${sandbox.ocBaseUrl}/events/closeio/MjA5MzE=`,
		});
		expect(result.recorder.requests).toHaveLength(0);
	});

	it('the URL is accepted by the platform for that instance', async () => {
		const { id } = await provision('hook-target');
		const result = await runOpenConnectors(credentials, { operation: 'getEventsUrl', instance: byId(id) });
		const url = (result.items[0].json as { eventsUrl: string }).eventsUrl;
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBeLessThan(500);
		expect(response.status).not.toBe(404);
	});
});

describe('listSearch searchInstances', () => {
	it('lists closeio instances as "<name> (#<id>)", filtered by the search text', async () => {
		const a = await provision('Alpha', ['sales']);
		const b = await provision('Beta');
		const ctx = fakeLoadOptionsContext({ nodeType: new OpenConnectors(), credentials: { openConnectorsApi: credentials } });
		const search = new OpenConnectors().methods.listSearch.searchInstances;
		const all = await search.call(ctx);
		expect(all.results).toEqual([
			{ name: `Alpha (#${a.id})`, value: String(a.id) },
			{ name: `Beta (#${b.id})`, value: String(b.id) },
		]);
		expect((await search.call(ctx, 'bet')).results).toEqual([{ name: `Beta (#${b.id})`, value: String(b.id) }]);
		expect((await search.call(ctx, 'SALES')).results.map((r) => r.value)).toEqual([String(a.id)]);
		expect((await search.call(ctx, String(b.id))).results.map((r) => r.value)).toEqual([String(b.id)]);
	});

	it('a wrong secret surfaces as a NodeApiError', async () => {
		const ctx = fakeLoadOptionsContext({ credentials: { openConnectorsApi: { ...credentials, organizationSecret: 'bad' } } });
		await expect(new OpenConnectors().methods.listSearch.searchInstances.call(ctx)).rejects.toMatchObject({
			httpCode: '401',
		});
	});
});
