import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ApiError, ClientError, NetworkError } from '../../../lib/clients/errors';
import { connect, credentialsBase, getInstanceId, instanceLocatorProperty, requestFn, toNodeApiError } from '../../../nodes/shared';
import { OpenConnectorsClient } from '../../../lib/clients/openConnectorsClient';
import { startSandbox } from '../../../sandbox';
import type { Sandbox } from '../../../sandbox';
import { fakeExecuteContext, fakeHookContext, fakePollContext, sandboxCredentials } from '../../helpers/fakeContext';

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
});

const node = { id: '1', name: 'SAP Open Connectors', type: 'x', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

describe('requestFn / connect on n8n helpers', () => {
	it('hub calls carry the instance token through the credential (Element <token>), paging to the end', async () => {
		sandbox.admin.seed({ object: 'contact', count: 5 });
		const instance = sandbox.admin.createInstance({ name: 'hub' });
		const ctx = fakePollContext({ credentials: { openConnectorsApi: credentials } });
		const { oc } = await connect(ctx);
		const token = await oc.getInstanceToken(instance.id as number);
		const ids: unknown[] = [];
		for await (const record of oc.listHubAll('contacts', { elementToken: token, pageSize: 2 })) ids.push(record.id);
		expect(ids).toHaveLength(5);
		const hubRequests = ctx.recorder.requests.filter((r) => r.url.includes('/hubs/crm/contacts'));
		expect(hubRequests.length).toBe(4); // 2 + 2 + 1 + the empty page
		for (const request of hubRequests) {
			expect(request.headers.Authorization).toBe(
				`User ${sandbox.secrets.userSecret}, Organization ${sandbox.secrets.organizationSecret}, Element ${token}`,
			);
			expect(Object.keys(request.headers).map((h) => h.toLowerCase())).not.toContain('x-oc-element-token');
		}
	});

	it('Close calls get Basic auth from the credential', async () => {
		const ctx = fakeHookContext({ credentials: { openConnectorsApi: credentials } });
		const { close } = await connect(ctx);
		const hook = await close.createWebhook({
			url: 'https://n8n.example.com/webhook/x',
			events: [{ object_type: 'lead', action: 'created' }],
		});
		expect(hook.id).toMatch(/^whsub_/);
		expect((await close.listWebhooks()).map((h) => h.id)).toEqual([hook.id]);
		expect(await close.getWebhook(hook.id)).toMatchObject({ id: hook.id });
		expect(await close.deleteWebhook(hook.id)).toBe(true);
		expect(await close.getWebhook(hook.id)).toBeNull();
		expect(await close.deleteWebhook(hook.id)).toBe(false);
		const events = await close.listEvents({ object_type: 'lead', action: 'created', _limit: 5 });
		expect(Array.isArray(events.data)).toBe(true);
		expect(ctx.recorder.requests[0].headers.Authorization).toBe(
			`Basic ${Buffer.from(`${sandbox.secrets.closeApiKey}:`).toString('base64')}`,
		);
	});

	it('resolves non-2xx without throwing, and rejects with a NetworkError on a dropped connection', async () => {
		const ctx = fakeExecuteContext({ credentials: { openConnectorsApi: credentials } });
		const request = requestFn(ctx);
		const response = await request({ method: 'GET', url: `${sandbox.ocBaseUrl}/instances/999` });
		expect(response.statusCode).toBe(404);
		expect(response.body).toMatchObject({ message: 'No instance found with id 999' });
		expect(typeof response.headers).toBe('object');

		sandbox.admin.addFault({ path: '/elements/api-v2/instances', drop: true, times: 1 });
		await expect(request({ method: 'GET', url: `${sandbox.ocBaseUrl}/instances` })).rejects.toBeInstanceOf(NetworkError);
	});

	it('asks for the text (encoding text), parses it, and says when it holds none of the secrets (screened)', async () => {
		const ctx = fakeExecuteContext({ credentials: { openConnectorsApi: credentials } });
		const { request, secrets } = await connect(ctx);
		const instance = sandbox.admin.createInstance({ name: 'screen' });
		sandbox.admin.create('lead', { name: 'Clean' });
		const list = await request({ method: 'GET', url: `${sandbox.ocBaseUrl}/hubs/crm/accounts`, elementToken: String(instance.token) });
		expect(Array.isArray(list.body)).toBe(true);
		expect(list.screened).toBe(secrets.length);
		expect(secrets.length).toBeGreaterThanOrEqual(3);

		sandbox.admin.create('lead', { name: `pasted ${sandbox.secrets.organizationSecret}` });
		const holding = await request({ method: 'GET', url: `${sandbox.ocBaseUrl}/hubs/crm/accounts`, elementToken: String(instance.token) });
		expect((holding.body as unknown[]).length).toBe(2);
		expect(holding.screened).toBeUndefined();

		// Not JSON (a proxy's error page): kept as text, nothing screened.
		const html: typeof fetch = async () => new Response('<html>Bad gateway</html>', { status: 502 });
		const proxied = await requestFn(fakeExecuteContext({ credentials: { openConnectorsApi: credentials }, fetch: html }), { secrets }).call(undefined, {
			method: 'GET',
			url: `${sandbox.ocBaseUrl}/instances`,
		});
		expect(proxied).toMatchObject({ statusCode: 502, body: '<html>Bad gateway</html>' });
		expect(proxied.screened).toBeUndefined();
	});

	it('times a request out after timeoutMs with a NetworkError, and drops its late answer', async () => {
		let late: Response | undefined;
		const slow: typeof fetch = async () => {
			await new Promise((resolve) => setTimeout(resolve, 200));
			late = new Response('[{"id":"lead_late"}]', { status: 200 });
			return late;
		};
		const request = requestFn(fakeExecuteContext({ credentials: { openConnectorsApi: credentials }, fetch: slow }), { timeoutMs: 30 });
		await expect(request({ method: 'GET', url: `${sandbox.ocBaseUrl}/instances` })).rejects.toMatchObject({
			name: 'NetworkError',
			message: expect.stringMatching(/timed out/i),
		});
		// Rejected, not resolved with the 200: the timer won the race.
		await new Promise((resolve) => setTimeout(resolve, 250));
		expect(late?.bodyUsed || late?.body?.locked).toBe(true);
	});

	it('credentialsBase reads both base URLs', async () => {
		const ctx = fakeExecuteContext({ credentials: { openConnectorsApi: credentials } });
		expect(await credentialsBase(ctx)).toEqual({ ocBaseUrl: sandbox.ocBaseUrl, closeBaseUrl: sandbox.closeBaseUrl });
	});

	it('the raw client on requestFn sends tags[] as the platform expects', async () => {
		sandbox.admin.createInstance({ name: 'a', tags: ['t1'] });
		sandbox.admin.createInstance({ name: 'b', tags: ['t2'] });
		const ctx = fakeExecuteContext({ credentials: { openConnectorsApi: credentials } });
		const client = new OpenConnectorsClient(requestFn(ctx), sandbox.ocBaseUrl);
		expect((await client.listInstances({ tags: ['t2'] })).map((i) => i.name)).toEqual(['b']);
	});
});

describe('toNodeApiError', () => {
	it('maps ApiError to NodeApiError with message, httpCode and request id', () => {
		const error = toNodeApiError(
			node,
			new ApiError({ statusCode: 404, message: 'No instance found', requestId: 'r-1', service: 'openConnectors', providerMessage: 'upstream' }),
			{ itemIndex: 3 },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('No instance found');
		expect((error as NodeApiError).httpCode).toBe('404');
		expect(error.description).toContain('Request ID: r-1');
		expect(error.description).toContain('Provider message: upstream');
		expect(error.context.itemIndex).toBe(3);
	});

	it('scrubs known secrets from every error kind', () => {
		const secrets = ['s3cr3t-value'];
		for (const input of [
			new ApiError({ statusCode: 400, message: 'bad s3cr3t-value', service: 'close' }),
			new NetworkError('connect failed for s3cr3t-value'),
			new ClientError('no token s3cr3t-value'),
			new Error('oops s3cr3t-value'),
			new NodeOperationError(node, 'op s3cr3t-value'),
			new NodeApiError(node, { message: 'api s3cr3t-value' }, { message: 'api s3cr3t-value' }),
		]) {
			const error = toNodeApiError(node, input, { secrets });
			expect(error.message).not.toContain('s3cr3t-value');
		}
	});
});

describe('getInstanceId and the locator property', () => {
	it('reads both modes in execute and in poll/hook contexts', () => {
		const execute = fakeExecuteContext({ parameters: { instance: { __rl: true, mode: 'list', value: '42' } } });
		expect(getInstanceId(execute, 'instance', 0)).toBe('42');
		const poll = fakePollContext({ parameters: { instance: { __rl: true, mode: 'id', value: ' 7 ' } } });
		expect(getInstanceId(poll)).toBe('7');
		const hook = fakeHookContext({ parameters: { instance: 9 } });
		expect(getInstanceId(hook)).toBe('9');
	});

	it('names the parameter when missing or not a number', () => {
		expect(() => getInstanceId(fakeExecuteContext({ parameters: { instance: { __rl: true, mode: 'id', value: '' } } }))).toThrow(
			'Missing required parameter: Instance',
		);
		expect(() => getInstanceId(fakeExecuteContext({ parameters: { instance: { __rl: true, mode: 'id', value: 'x1' } } }))).toThrow(
			/not an instance ID/,
		);
	});

	it('is reusable with overrides', () => {
		const property = instanceLocatorProperty({ displayOptions: { show: { mode: ['polling'] } } });
		expect(property).toMatchObject({ name: 'instance', type: 'resourceLocator', displayOptions: { show: { mode: ['polling'] } } });
		expect(property.modes?.[0].typeOptions?.searchListMethod).toBe('searchInstances');
	});
});
