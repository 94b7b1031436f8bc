import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	ELEMENT_TOKEN_HEADER,
	OpenConnectorsApi,
	authenticateOpenConnectors,
	openConnectorsBaseUrl,
} from '../../credentials/OpenConnectorsApi.credentials';

const credentials = {
	environment: 'custom',
	baseUrl: 'http://127.0.0.1:9/oc/elements/api-v2/',
	userSecret: 'u-secret',
	organizationSecret: 'o-secret',
	closeApiKey: 'close-key',
	closePassword: '',
	closeBaseUrl: 'http://127.0.0.1:9/close/api/v1',
};

describe('OpenConnectorsApi credential', () => {
	const type = new OpenConnectorsApi();

	it('declares the contract properties', () => {
		expect(type.name).toBe('openConnectorsApi');
		expect(type.displayName).toBe('SAP Open Connectors API');
		expect(type.properties.map((p) => p.name)).toEqual([
			'environment',
			'baseUrl',
			'userSecret',
			'organizationSecret',
			'closeApiKey',
			'closePassword',
			'closeBaseUrl',
		]);
		for (const name of ['userSecret', 'organizationSecret', 'closeApiKey', 'closePassword']) {
			expect(type.properties.find((p) => p.name === name)?.typeOptions?.password).toBe(true);
		}
		expect(type.properties.find((p) => p.name === 'environment')?.options?.map((o) => (o as { value: string }).value)).toEqual([
			'us2',
			'eu10',
			'custom',
		]);
		expect(type.properties.find((p) => p.name === 'closeBaseUrl')?.default).toBe('https://api.close.com/api/v1');
		expect(typeof type.authenticate).toBe('function');
	});

	it('resolves the environment base URLs', () => {
		expect(openConnectorsBaseUrl({ environment: 'us2' })).toBe(
			'https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2',
		);
		expect(openConnectorsBaseUrl({ environment: 'eu10' })).toBe(
			'https://api.openconnectors.eu10.ext.hana.ondemand.com/elements/api-v2',
		);
		expect(openConnectorsBaseUrl(credentials)).toBe('http://127.0.0.1:9/oc/elements/api-v2');
	});

	it('authenticates Open Connectors platform calls with User and Organization', async () => {
		const out = await authenticateOpenConnectors(credentials, {
			url: 'http://127.0.0.1:9/oc/elements/api-v2/instances',
			headers: { Accept: 'application/json' },
		});
		expect(out.headers).toEqual({ Accept: 'application/json', Authorization: 'User u-secret, Organization o-secret' });
	});

	it('folds the instance token header into Authorization and removes it', async () => {
		const request: IHttpRequestOptions = {
			url: 'http://127.0.0.1:9/oc/elements/api-v2/hubs/crm/accounts',
			headers: { [ELEMENT_TOKEN_HEADER]: 'tok/en=' },
		};
		const out = await authenticateOpenConnectors(credentials, request);
		expect(out.headers).toEqual({ Authorization: 'User u-secret, Organization o-secret, Element tok/en=' });
		expect(request.headers).toEqual({ [ELEMENT_TOKEN_HEADER]: 'tok/en=' }); // input not mutated
	});

	it('authenticates Close calls with Basic (API key, empty password)', async () => {
		const out = await authenticateOpenConnectors(credentials, {
			url: 'http://127.0.0.1:9/close/api/v1/webhook/',
			headers: { [ELEMENT_TOKEN_HEADER]: 'must-not-leak' },
		});
		expect(out.headers).toEqual({ Authorization: `Basic ${Buffer.from('close-key:').toString('base64')}` });
	});

	it('uses baseURL + url (the credential test request shape)', async () => {
		const out = await authenticateOpenConnectors(credentials, {
			baseURL: 'http://127.0.0.1:9/oc/elements/api-v2',
			url: '/instances',
		});
		expect(out.headers?.Authorization).toBe('User u-secret, Organization o-secret');
	});

	it('matches a base whatever the case of the URL, and a base typed with several trailing slashes', async () => {
		const upper = await authenticateOpenConnectors(credentials, { url: 'HTTP://127.0.0.1:9/OC/Elements/api-v2/instances' });
		expect(upper.headers?.Authorization).toBe('User u-secret, Organization o-secret');
		const slashes = { ...credentials, baseUrl: 'http://127.0.0.1:9/oc/elements/api-v2///' };
		expect(openConnectorsBaseUrl(slashes)).toBe('http://127.0.0.1:9/oc/elements/api-v2');
		const exact = await authenticateOpenConnectors(slashes, { url: 'http://127.0.0.1:9/oc/elements/api-v2?x=1' });
		expect(exact.headers?.Authorization).toBe('User u-secret, Organization o-secret');
	});

	it('sends no secret to any other host, nor to a look-alike path', async () => {
		for (const url of ['https://evil.test/elements/api-v2/instances', 'http://127.0.0.1:9/oc/elements/api-v2-evil/x']) {
			const out = await authenticateOpenConnectors(credentials, { url, headers: { [ELEMENT_TOKEN_HEADER]: 't' } });
			expect(out.headers).toEqual({});
		}
	});
});
