import type { ICredentialTestFunctions, ICredentialDataDecryptedObject, INodeType } from 'n8n-workflow';

import { OpenConnectorsApi } from '../../credentials/OpenConnectorsApi.credentials';
import { CLOSE_KEY_EMPTY_MESSAGE, CREDENTIAL_OK_MESSAGE } from '../../lib/credentials/credentialCheck';
import { CloseIo } from '../../nodes/CloseIo/CloseIo.node';
import { CloseIoTrigger } from '../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { OpenConnectors } from '../../nodes/OpenConnectors/OpenConnectors.node';
import { CREDENTIAL_TEST_METHOD, openConnectorsApiTest } from '../../nodes/shared/credentialTest';
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../helpers/fakeContext';

interface Sent {
	url: string;
	authorization?: string;
}

/**
 * n8n's CredentialTestContext: `helpers.request` with request-promise options (the subset
 * n8n's proxyRequestToAxios honours and our glue uses), sent with fetch.
 */
function credentialTestContext(sent: Sent[]): ICredentialTestFunctions {
	const request = async (options: object): Promise<unknown> => {
		const o = options as {
			uri: string;
			method: string;
			qs?: Record<string, unknown>;
			headers?: Record<string, string>;
			simple?: boolean;
			resolveWithFullResponse?: boolean;
		};
		const url = new URL(o.uri);
		for (const [key, value] of Object.entries(o.qs ?? {})) url.searchParams.set(key, String(value));
		sent.push({ url: url.toString(), authorization: o.headers?.Authorization });
		const response = await fetch(url, { method: o.method, headers: o.headers });
		const text = await response.text();
		const body: unknown = text ? JSON.parse(text) : undefined;
		if (!response.ok && o.simple !== false) throw new Error(`HTTP ${response.status}`);
		return o.resolveWithFullResponse
			? { statusCode: response.status, headers: Object.fromEntries(response.headers), body }
			: body;
	};
	return { helpers: { request } } as unknown as ICredentialTestFunctions;
}

describe('credential Test button (node-level credentialTest) against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	async function test(data: ICredentialDataDecryptedObject, sent: Sent[] = []) {
		return await openConnectorsApiTest.call(credentialTestContext(sent), {
			id: 'c1',
			name: 'cred',
			type: 'openConnectorsApi',
			data,
		});
	}

	it('asks Open Connectors and Close (GET /me/) and passes with the right secrets', async () => {
		const sent: Sent[] = [];
		expect(await test(sandboxCredentials(sandbox), sent)).toEqual({ status: 'OK', message: CREDENTIAL_OK_MESSAGE });
		expect(sent.map((s) => s.url).sort()).toEqual(
			[`${sandbox.ocBaseUrl}/instances?hydrate=false`, `${sandbox.closeBaseUrl}/me/`].sort(),
		);
		const close = sent.find((s) => s.url.endsWith('/me/'));
		expect(close?.authorization).toBe(`Basic ${Buffer.from(`${sandbox.secrets.closeApiKey}:`).toString('base64')}`);
		const oc = sent.find((s) => s.url.includes('/instances'));
		expect(oc?.authorization).toBe(
			`User ${sandbox.secrets.userSecret}, Organization ${sandbox.secrets.organizationSecret}`,
		);
	});

	it.each(['userSecret', 'organizationSecret'])('names the Open Connectors secrets when %s is wrong', async (field) => {
		const result = await test({ ...sandboxCredentials(sandbox), [field]: 'wrong-secret-value' });
		expect(result).toEqual({
			status: 'Error',
			message: 'Open Connectors rejected the User Secret or Organization Secret (HTTP 401)',
		});
	});

	it('names the Close API Key when Close rejects it, and never shows it', async () => {
		const result = await test({ ...sandboxCredentials(sandbox), closeApiKey: 'api_WRONG-close-key' });
		expect(result).toEqual({ status: 'Error', message: 'Close rejected the Close API Key (HTTP 401)' });
	});

	it('refuses an empty Close API Key without asking Close', async () => {
		const sent: Sent[] = [];
		const result = await test({ ...sandboxCredentials(sandbox), closeApiKey: '  ' }, sent);
		expect(result).toEqual({ status: 'Error', message: CLOSE_KEY_EMPTY_MESSAGE });
		expect(sent.map((s) => s.url)).toEqual([`${sandbox.ocBaseUrl}/instances?hydrate=false`]);
	});

	it('names both when both are wrong', async () => {
		const result = await test({ ...sandboxCredentials(sandbox), userSecret: 'nope-user', closeApiKey: 'nope-close' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Open Connectors rejected the User Secret or Organization Secret (HTTP 401)');
		expect(result.message).toContain('Close rejected the Close API Key (HTTP 401)');
	});

	it('says which service it could not reach, without the secrets', async () => {
		const credentials = { ...sandboxCredentials(sandbox), closeBaseUrl: 'http://127.0.0.1:9/api/v1' };
		const result = await test(credentials);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Could not reach Close at http:\/\/127\.0\.0\.1:9\/api\/v1: /);
		for (const secret of Object.values(sandbox.secrets)) expect(result.message).not.toContain(secret);
	});
});

describe('how n8n finds the credential test', () => {
	it('the credential has no single-request test (n8n would prefer it over the nodes\' test)', () => {
		expect((new OpenConnectorsApi() as { test?: unknown }).test).toBeUndefined();
	});

	it('the Close API Key is a required field', () => {
		expect(new OpenConnectorsApi().properties.find((p) => p.name === 'closeApiKey')?.required).toBe(true);
	});

	it.each([
		['Close.io', new CloseIo()],
		['Close.io Trigger', new CloseIoTrigger()],
		['SAP Open Connectors', new OpenConnectors()],
	] as Array<[string, INodeType]>)('%s names the test in testedBy and provides it', (_name, node) => {
		expect(node.description.credentials).toEqual([
			{ name: 'openConnectorsApi', required: true, testedBy: CREDENTIAL_TEST_METHOD },
		]);
		expect(node.methods?.credentialTest?.[CREDENTIAL_TEST_METHOD]).toBe(openConnectorsApiTest);
	});
});
