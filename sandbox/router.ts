import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Ctx {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	/** Path without query, e.g. /api/v1/lead/ */
	path: string;
	query: URLSearchParams;
	params: string[];
	rawBody: Buffer;
	/** Extra response headers set by the side (request id, RateLimit). */
	headers: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

export interface Reply {
	status: number;
	body?: unknown;
	/** Already-serialized JSON body (takes precedence over body). */
	rawJson?: string;
	headers?: Record<string, string>;
}

export interface Route {
	method: string;
	pattern: RegExp;
	handler: Handler;
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
	}
}

export function route(method: string, path: string, handler: Handler): Route {
	// `:name` segments capture; a trailing slash is optional, as both APIs tolerate it.
	const re = '^' + path.replace(/\/$/, '').replace(/:[a-zA-Z]+/g, '([^/]+)') + '/?$';
	return { method, pattern: new RegExp(re), handler };
}

export function match(routes: Route[], method: string, path: string): { route?: Route; params: string[]; methodMismatch: boolean } {
	let methodMismatch = false;
	for (const r of routes) {
		const m = r.pattern.exec(path);
		if (!m) continue;
		if (r.method !== method) {
			methodMismatch = true;
			continue;
		}
		return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)), methodMismatch };
	}
	return { params: [], methodMismatch };
}

export function jsonBody(ctx: Ctx): unknown {
	if (ctx.rawBody.length === 0) return undefined;
	try {
		return JSON.parse(ctx.rawBody.toString('utf8'));
	} catch (e) {
		throw new HttpError(400, `Request body is not valid JSON: ${(e as Error).message}`);
	}
}

export function objectBody(ctx: Ctx): Record<string, unknown> {
	const body = jsonBody(ctx);
	if (body === undefined) return {};
	if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'Request body must be a JSON object');
	return body as Record<string, unknown>;
}
