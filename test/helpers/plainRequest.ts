// A RequestFn over node's fetch with the credential's header scheme, for tests of the pure
// cores against the sandbox without n8n (no retries: faults reach the caller).

import type { HttpRequest, HttpResponse, RequestFn } from '../../lib/clients/http';

export interface PlainSecrets {
	userSecret: string;
	organizationSecret: string;
	closeApiKey: string;
}

export interface PlainRequestOptions {
	/** Sees each answer's text before it is parsed (the records bench screens it for secrets). */
	onText?: (text: string) => void;
}

export function plainRequest(secrets: PlainSecrets, closeBaseUrl: string, options: PlainRequestOptions = {}): RequestFn {
	return async (req: HttpRequest): Promise<HttpResponse> => {
		const url = new URL(req.url);
		for (const [key, value] of Object.entries(req.qs ?? {})) {
			if (value === undefined) continue;
			if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
			else url.searchParams.set(key, String(value));
		}
		const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
		if (req.url.startsWith(closeBaseUrl)) {
			headers.authorization = `Basic ${Buffer.from(`${secrets.closeApiKey}:`).toString('base64')}`;
		} else {
			headers.authorization = `User ${secrets.userSecret}, Organization ${secrets.organizationSecret}${
				req.elementToken ? `, Element ${req.elementToken}` : ''
			}`;
		}
		let body: string | undefined;
		if (req.body !== undefined) {
			body = JSON.stringify(req.body);
			headers['content-type'] = 'application/json';
		}
		const response = await fetch(url, { method: req.method, headers, body });
		const text = await response.text();
		options.onText?.(text);
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// keep text
		}
		const outHeaders: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			outHeaders[name.toLowerCase()] = value;
		});
		return { statusCode: response.status, headers: outHeaders, body: parsed };
	};
}
