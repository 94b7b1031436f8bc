// The credential test as n8n's Test button runs it: one credential holds two sets of secrets (the
// Open Connectors User and Organization Secrets, and the Close API Key), so one request cannot
// test it. Both are asked at once and every failure names the secret it is about, never its value.

import { sanitizeText } from '../clients/errors';
import type { RequestFn } from '../clients/http';

export interface CredentialCheckInput {
	/** Open Connectors API base, `.../elements/api-v2`. */
	ocBaseUrl: string;
	/** Close API base, `.../api/v1`. */
	closeBaseUrl: string;
	/** Whether the Close API Key field holds anything (an empty key is refused without a request). */
	hasCloseApiKey: boolean;
	/** Secret values, masked out of any message built from a network error. */
	secrets: readonly string[];
}

export interface CredentialCheckResult {
	status: 'OK' | 'Error';
	message: string;
}

export const CREDENTIAL_OK_MESSAGE =
	'Open Connectors accepted the User Secret and Organization Secret, and Close accepted the Close API Key';

export const CLOSE_KEY_EMPTY_MESSAGE =
	'The Close API Key is empty: the Close.io and Close.io Trigger nodes need it (Close: Settings, Developer, API Keys)';

function networkMessage(service: string, url: string, error: unknown, secrets: readonly string[]): string {
	const text = error instanceof Error && error.message ? error.message : 'no response';
	return sanitizeText(`Could not reach ${service} at ${url}: ${text}`, secrets);
}

async function checkOpenConnectors(send: RequestFn, input: CredentialCheckInput): Promise<string | undefined> {
	const url = `${input.ocBaseUrl}/instances`;
	let status: number;
	try {
		status = (await send({ method: 'GET', url, qs: { hydrate: false } })).statusCode;
	} catch (error) {
		return networkMessage('Open Connectors', input.ocBaseUrl, error, input.secrets);
	}
	if (status >= 200 && status < 300) return undefined;
	if (status === 401) return 'Open Connectors rejected the User Secret or Organization Secret (HTTP 401)';
	if (status === 403) return 'Open Connectors refused access with the User Secret and Organization Secret (HTTP 403)';
	if (status === 404) return `Open Connectors has no API at this Base URL (HTTP 404 for ${url}): check the Environment or Base URL`;
	return `Open Connectors answered HTTP ${status} for ${url}`;
}

async function checkClose(send: RequestFn, input: CredentialCheckInput): Promise<string | undefined> {
	if (!input.hasCloseApiKey) return CLOSE_KEY_EMPTY_MESSAGE;
	// GET /me/ is the cheapest call that every valid API key may make.
	const url = `${input.closeBaseUrl}/me/`;
	let status: number;
	try {
		status = (await send({ method: 'GET', url })).statusCode;
	} catch (error) {
		return networkMessage('Close', input.closeBaseUrl, error, input.secrets);
	}
	if (status >= 200 && status < 300) return undefined;
	if (status === 401) return 'Close rejected the Close API Key (HTTP 401)';
	if (status === 403) return 'Close refused access with the Close API Key (HTTP 403)';
	if (status === 404) return `Close has no API at the Close API Base URL (HTTP 404 for ${url})`;
	return `Close answered HTTP ${status} for ${url}`;
}

/** Tests both sets of secrets; the message lists every failure, Open Connectors first. */
export async function checkCredential(send: RequestFn, input: CredentialCheckInput): Promise<CredentialCheckResult> {
	const failures = (await Promise.all([checkOpenConnectors(send, input), checkClose(send, input)])).filter(
		(message): message is string => message !== undefined,
	);
	if (failures.length === 0) return { status: 'OK', message: CREDENTIAL_OK_MESSAGE };
	return { status: 'Error', message: failures.join('. ') };
}
