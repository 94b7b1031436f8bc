// The HTTP contract every client core is written against. Nodes pass a function built on
// n8n's helpers (httpRequestWithAuthentication with returnFullResponse and
// ignoreHttpStatusErrors), tests pass one built on node's own http: the cores never see n8n.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | string[] | undefined;

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL. */
	url: string;
	qs?: Record<string, QueryValue>;
	body?: unknown;
	headers?: Record<string, string>;
	/**
	 * For Open Connectors calls on one instance (the CRM hub): the instance token. The request
	 * function (the credential, in n8n) folds it into the Authorization header, so no node code
	 * assembles a secret header by hand.
	 */
	elementToken?: string;
	/** Milliseconds before the request is abandoned. */
	timeout?: number;
}

export interface HttpResponse<T = unknown> {
	statusCode: number;
	/** Lower-case header names. */
	headers: Record<string, string | string[] | undefined>;
	body: T;
	/**
	 * Set when the body arrived as JSON text that holds none of the first `screened` secrets of the
	 * connection's list in any string (secretScreen.ts): what is parsed from it needs no scrubbing.
	 */
	screened?: number;
}

/**
 * Sends one request. Resolves with any HTTP status (no throw on 4xx/5xx); rejects only when no
 * response arrived (connection refused or reset, timeout).
 */
export type RequestFn = (request: HttpRequest) => Promise<HttpResponse>;

/** A pause the caller controls (n8n's `sleep` in nodes, fake clocks in tests). */
export type SleepFn = (ms: number) => Promise<void>;

/**
 * A request that may be left unawaited (a page asked for ahead, when the reader stops before it):
 * its failure is then nobody's and must not surface as an unhandled rejection. Awaiting the
 * returned promise still throws.
 */
export function quiet<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

export function header(response: HttpResponse, name: string): string | undefined {
	const value = response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
