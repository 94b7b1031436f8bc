// A RequestFn that answers from a script, for client-core unit tests without a server.
import type { HttpRequest, HttpResponse, RequestFn } from '../../lib/clients/http';

export type ScriptStep =
	| Partial<HttpResponse>
	| Error
	| ((request: HttpRequest) => Partial<HttpResponse> | Error | Promise<Partial<HttpResponse> | Error>);

export interface ScriptedRequest extends RequestFn {
	calls: HttpRequest[];
	/** Steps not consumed yet. */
	remaining(): number;
}

/** Each call consumes the next step; the last step repeats when the script runs out. */
export function scriptedRequest(...steps: ScriptStep[]): ScriptedRequest {
	const queue = [...steps];
	const calls: HttpRequest[] = [];
	const fn = (async (request: HttpRequest) => {
		calls.push(request);
		const step = queue.length > 1 ? queue.shift()! : queue[0];
		const result = typeof step === 'function' ? await step(request) : step;
		if (result instanceof Error) throw result;
		return { statusCode: 200, headers: {}, body: undefined, ...(result ?? {}) } as HttpResponse;
	}) as ScriptedRequest;
	fn.calls = calls;
	fn.remaining = () => queue.length;
	return fn;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Partial<HttpResponse> {
	return { statusCode, body, headers };
}

/** A sleep that records the delays it was asked for and returns at once. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { delays: number[] } {
	const delays: number[] = [];
	const sleep = (async (ms: number) => {
		delays.push(ms);
	}) as ((ms: number) => Promise<void>) & { delays: number[] };
	sleep.delays = delays;
	return sleep;
}
