import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { underBase } from '../lib/credentials/underBase';

export const OPEN_CONNECTORS_ENVIRONMENTS: Record<string, string> = {
	us2: 'https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2',
	eu10: 'https://api.openconnectors.eu10.ext.hana.ondemand.com/elements/api-v2',
};

export const DEFAULT_CLOSE_BASE_URL = 'https://api.close.com/api/v1';

/**
 * Request header through which our request function hands the instance token to authenticate().
 * authenticate() moves it into `Authorization: ..., Element <token>` and removes the header, so
 * it never reaches the network.
 */
export const ELEMENT_TOKEN_HEADER = 'x-oc-element-token';

function trimSlashes(url: string): string {
	const trimmed = url.trim();
	let end = trimmed.length;
	while (end > 0 && trimmed.charCodeAt(end - 1) === 0x2f) end--;
	return end === trimmed.length ? trimmed : trimmed.slice(0, end);
}

/** The Open Connectors API base (`.../elements/api-v2`) the credential points at. */
export function openConnectorsBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = String(credentials.environment ?? 'us2');
	if (environment === 'custom') return trimSlashes(String(credentials.baseUrl ?? ''));
	return OPEN_CONNECTORS_ENVIRONMENTS[environment] ?? OPEN_CONNECTORS_ENVIRONMENTS.us2;
}

export function closeBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const value = String(credentials.closeBaseUrl ?? '').trim();
	return trimSlashes(value === '' ? DEFAULT_CLOSE_BASE_URL : value);
}

function targetUrl(options: IHttpRequestOptions): string {
	const url = String(options.url ?? '');
	if (!options.baseURL || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
	return `${trimSlashes(String(options.baseURL))}/${url.replace(/^\/+/, '')}`;
}

/**
 * Adds the right secret for where the request goes: Open Connectors gets
 * `User <u>, Organization <o>[, Element <instance token>]`, Close gets Basic auth with the API
 * key as user name and an empty password. Any other host gets no secret at all.
 */
export async function authenticateOpenConnectors(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
	let elementToken: string | undefined;
	for (const name of Object.keys(headers)) {
		if (name.toLowerCase() === ELEMENT_TOKEN_HEADER) {
			const value = headers[name];
			if (typeof value === 'string' && value !== '') elementToken = value;
			delete headers[name];
		}
	}

	const url = targetUrl(requestOptions);
	const ocLength = underBase(url, openConnectorsBaseUrl(credentials));
	const closeLength = underBase(url, closeBaseUrl(credentials));

	if (closeLength >= 0 && closeLength >= ocLength) {
		const basic = Buffer.from(`${String(credentials.closeApiKey ?? '')}:`, 'utf8').toString('base64');
		headers.Authorization = `Basic ${basic}`;
	} else if (ocLength >= 0) {
		let authorization = `User ${String(credentials.userSecret ?? '')}, Organization ${String(
			credentials.organizationSecret ?? '',
		)}`;
		if (elementToken) authorization += `, Element ${elementToken}`;
		headers.Authorization = authorization;
	}
	return { ...requestOptions, headers };
}

export class OpenConnectorsApi implements ICredentialType {
	name = 'openConnectorsApi';

	displayName = 'SAP Open Connectors API';

	// The camel-case rule is meant for n8n's own repository (slugs); a community credential needs an
	// HTTP URL (cred-class-field-documentation-url-not-http-url), which can never be camel case.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl =
		'https://github.com/n8n-nodes-open-connectors-closeio/n8n-nodes-open-connectors-closeio/blob/main/docs/credentials.md';

	icon: Icon = { light: 'file:openConnectors.svg', dark: 'file:openConnectors.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'US (Us2)',
					value: 'us2',
					description: OPEN_CONNECTORS_ENVIRONMENTS.us2,
				},
				{
					name: 'Europe (Eu10)',
					value: 'eu10',
					description: OPEN_CONNECTORS_ENVIRONMENTS.eu10,
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Any other host, e.g. a trial account or a local sandbox',
				},
			],
			default: 'us2',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.openconnectors.example.com/elements/api-v2',
			description: 'The full Open Connectors API base, ending in /elements/api-v2',
			required: true,
			displayOptions: {
				show: {
					environment: ['custom'],
				},
			},
		},
		{
			displayName: 'User Secret',
			name: 'userSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Open Connectors: Settings, your User Secret',
		},
		{
			displayName: 'Organization Secret',
			name: 'organizationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Open Connectors: Settings, your Organization Secret',
		},
		{
			displayName: 'Close API Key',
			name: 'closeApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Close: Settings, Developer, API Keys. Becomes the "username" of the Close.io instances this node creates, and authenticates direct calls to Close (webhook subscriptions, event log).',
		},
		{
			displayName: 'Close Password',
			name: 'closePassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The "password" configuration entry of a Close.io instance, when your Open Connectors account asks for one.',
		},
		{
			displayName: 'Close API Base URL',
			name: 'closeBaseUrl',
			type: 'string',
			default: DEFAULT_CLOSE_BASE_URL,
			description: 'Change only to point at a test server',
		},
	];

	authenticate = authenticateOpenConnectors;

	// No `test` here: n8n's `test.request` is a single request and this credential holds the
	// secrets of two services. Every node using it declares `testedBy: 'openConnectorsApiTest'`
	// (nodes/shared/credentialTest.ts), which asks Open Connectors and Close (GET /me/) and names
	// the secret that failed. n8n prefers a credential's own `test` over a node's, so adding one
	// back would silently skip the Close check.
}
