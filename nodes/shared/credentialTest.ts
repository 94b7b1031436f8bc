// n8n glue for the credential's Test button. The credential cannot declare this itself: n8n's
// `test.request` is one request and this credential holds two services' secrets. Every node
// that uses the credential names this method in `testedBy`; n8n then runs it with a
// CredentialTestContext, whose only HTTP helper is `helpers.request` (no authenticate()), so the
// credential's own authenticate() is applied here by hand.

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	authenticateOpenConnectors,
	closeBaseUrl,
	openConnectorsBaseUrl,
} from '../../credentials/OpenConnectorsApi.credentials';
import type { HttpRequest, HttpResponse, RequestFn } from '../../lib/clients/http';
import { checkCredential } from '../../lib/credentials/credentialCheck';
import { DEFAULT_TIMEOUT_MS, secretValuesOf } from './transport';

/** The name every node puts in `credentials: [{ testedBy }]`. */
export const CREDENTIAL_TEST_METHOD = 'openConnectorsApiTest';

function lowerCaseHeaders(headers: unknown): Record<string, string | string[] | undefined> {
	const out: Record<string, string | string[] | undefined> = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
	}
	return out;
}

export function credentialTestRequestFn(
	ctx: ICredentialTestFunctions,
	credentials: ICredentialDataDecryptedObject,
): RequestFn {
	return async (req: HttpRequest): Promise<HttpResponse> => {
		const authenticated = await authenticateOpenConnectors(credentials, {
			url: req.url,
			method: req.method,
			headers: { ...(req.headers ?? {}) },
		});
		// request-promise options: `simple: false` resolves on every HTTP status, so only a missing
		// response rejects.
		const response = (await ctx.helpers.request({
			uri: req.url,
			method: req.method,
			qs: req.qs as IDataObject | undefined,
			headers: authenticated.headers,
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: req.timeout ?? DEFAULT_TIMEOUT_MS,
		})) as { statusCode: number; headers?: unknown; body?: unknown };
		return { statusCode: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
	};
}

export async function openConnectorsApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as ICredentialDataDecryptedObject;
	return await checkCredential(credentialTestRequestFn(this, data), {
		ocBaseUrl: openConnectorsBaseUrl(data),
		closeBaseUrl: closeBaseUrl(data),
		hasCloseApiKey: String(data.closeApiKey ?? '').trim() !== '',
		secrets: secretValuesOf(data),
	});
}

/** `methods.credentialTest` of every node using the credential. */
export const credentialTest = { [CREDENTIAL_TEST_METHOD]: openConnectorsApiTest };
