// n8n glue: the RequestFn the client cores run on, built on n8n's
// helpers.httpRequestWithAuthentication, so the credential's authenticate() adds every secret
// and n8n's proxy / TLS / cancellation handling applies. Shared by the action node and the trigger.

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	ELEMENT_TOKEN_HEADER,
	closeBaseUrl,
	openConnectorsBaseUrl,
} from '../../credentials/OpenConnectorsApi.credentials';
import { CloseClient } from '../../lib/clients/closeClient';
import { NetworkError, sanitizeText } from '../../lib/clients/errors';
import { jsonMayHoldSecret } from '../../lib/clients/secretScreen';
import type { HttpRequest, HttpResponse, RequestFn } from '../../lib/clients/http';
import { OpenConnectorsClient } from '../../lib/clients/openConnectorsClient';
import type { RetryOptions } from '../../lib/clients/retry';
import { guardCloseKey } from '../../lib/credentials/closeKeyGuard';
import { withRetry } from '../../lib/clients/retry';

export const CREDENTIAL_NAME = 'openConnectorsApi';

/** Every n8n context our nodes make requests from. */
export type AnyContext =
	| IExecuteFunctions
	| IPollFunctions
	| IWebhookFunctions
	| IHookFunctions
	| ILoadOptionsFunctions;

export const DEFAULT_TIMEOUT_MS = 60000;

function lowerCaseHeaders(headers: unknown): Record<string, string | string[] | undefined> {
	const out: Record<string, string | string[] | undefined> = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
	}
	return out;
}

function cleanQs(qs: HttpRequest['qs']): IDataObject | undefined {
	if (!qs) return undefined;
	let out: IDataObject | undefined;
	for (const key in qs) {
		const value = qs[key];
		if (value === undefined) continue;
		(out ??= {})[key] = value;
	}
	return out;
}

function networkErrorOf(error: unknown, secrets: readonly string[]): NetworkError {
	const record = (error ?? {}) as { message?: unknown; code?: unknown; cause?: { code?: unknown } };
	const code =
		typeof record.code === 'string'
			? record.code
			: typeof record.cause?.code === 'string'
				? record.cause.code
				: undefined;
	const message = typeof record.message === 'string' && record.message ? record.message : 'The request failed';
	return new NetworkError(sanitizeText(message, secrets), code);
}

/**
 * A RequestFn on n8n's helpers: it resolves with every HTTP status (ignoreHttpStatusErrors) and
 * rejects with a sanitized NetworkError only when no response arrived. The instance token of a
 * hub call travels in a dedicated header that the credential's authenticate() folds into
 * `Authorization` and removes.
 */
export function requestFn(
	ctx: AnyContext,
	options: { timeoutMs?: number; secrets?: readonly string[] } = {},
): RequestFn {
	return async (req: HttpRequest): Promise<HttpResponse> => {
		const headers: IDataObject = { ...(req.headers ?? {}) };
		if (req.elementToken) headers[ELEMENT_TOKEN_HEADER] = req.elementToken;
		const requestOptions: IHttpRequestOptions = {
			method: req.method,
			url: req.url,
			qs: cleanQs(req.qs),
			headers,
			json: true,
			// The text as sent, parsed below: one search of it proves whether it holds a secret.
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: req.timeout ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
			// `tags[]=a&tags[]=b`: the client already names the key `tags[]`.
			arrayFormat: 'repeat',
		};
		if (req.body !== undefined) requestOptions.body = req.body as IDataObject;

		let response: IN8nHttpFullResponse | undefined;
		let failure: NetworkError | undefined;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_NAME,
				requestOptions,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			failure = networkErrorOf(error, options.secrets ?? []);
		}
		if (failure || !response) throw failure ?? new NetworkError('No response');
		let body: unknown = response.body;
		let screened: number | undefined;
		if (typeof body === 'string' && body.trim() !== '') {
			const text = body;
			try {
				body = JSON.parse(text);
				const secrets = options.secrets ?? [];
				if (!jsonMayHoldSecret(text, secrets)) screened = secrets.length;
			} catch {
				// Not JSON: keep the text (error bodies of proxies and load balancers).
			}
		} else if (body === '') {
			body = undefined;
		}
		const out: HttpResponse = { statusCode: response.statusCode, headers: lowerCaseHeaders(response.headers), body };
		if (screened !== undefined) out.screened = screened;
		return out;
	};
}

export interface ConnectionBase {
	ocBaseUrl: string;
	closeBaseUrl: string;
}

/** Where the credential points (Open Connectors base by environment, Close base). */
export async function credentialsBase(ctx: AnyContext): Promise<ConnectionBase> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME);
	return { ocBaseUrl: openConnectorsBaseUrl(credentials), closeBaseUrl: closeBaseUrl(credentials) };
}

/** The credential's secret values, to scrub from anything we output. */
export function secretValuesOf(credentials: ICredentialDataDecryptedObject): string[] {
	return ['userSecret', 'organizationSecret', 'closeApiKey', 'closePassword']
		.map((key) => credentials[key])
		.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

export interface Connection extends ConnectionBase {
	oc: OpenConnectorsClient;
	close: CloseClient;
	/** Credential secrets (and tokens seen later, pushed by callers): scrubbed from outputs. */
	secrets: string[];
	credentials: ICredentialDataDecryptedObject;
	request: RequestFn;
}

export interface ConnectionOptions {
	/** Retry 429 / 5xx / network failures. Default true. */
	retry?: boolean;
	retryOptions?: Omit<RetryOptions, 'sleep' | 'enabled'>;
	timeoutMs?: number;
}

/** Both clients on one credential, with retries (n8n's `sleep`) unless turned off. */
export async function connect(ctx: AnyContext, options: ConnectionOptions = {}): Promise<Connection> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME);
	const secrets = secretValuesOf(credentials);
	const base = requestFn(ctx, { timeoutMs: options.timeoutMs, secrets });
	const ocBaseUrl = openConnectorsBaseUrl(credentials);
	const closeBase = closeBaseUrl(credentials);
	// The guard sits outside the retries: a missing key is not worth a second attempt.
	const request = guardCloseKey(
		withRetry(base, {
			...(options.retryOptions ?? {}),
			sleep,
			enabled: options.retry ?? true,
		}),
		{ ocBaseUrl, closeBaseUrl: closeBase },
		String(credentials.closeApiKey ?? '').trim() !== '',
	);
	return {
		ocBaseUrl,
		closeBaseUrl: closeBase,
		oc: new OpenConnectorsClient(request, ocBaseUrl, { secrets }),
		close: new CloseClient(request, closeBase, { secrets }),
		secrets,
		credentials,
		request,
	};
}
