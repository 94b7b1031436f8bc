// Request recording for the conformance test (test/conformance/): every request the sandbox
// receives on the Close API or the Open Connectors API (never its admin routes) is appended as one
// JSON line to a file of its own under $SANDBOX_REQUEST_LOG_DIR. `npm test` sets that folder, every
// suite (unit, e2e, queue) records into it, and the `conformance` jest project holds each line
// against the tables of documented operations.
//
// Only names and query values are kept: body values and headers are never written, so no secret
// (API key, element token, user/organization secret) reaches the file.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const REQUEST_LOG_DIR_ENV = 'SANDBOX_REQUEST_LOG_DIR';

/**
 * A test that probes the sandbox itself (deliberately malformed or off-spec requests) sends this
 * header; the line is still written, marked `probe`, and the conformance test leaves it out.
 * Product code never sends it.
 */
export const PROBE_HEADER = 'x-sandbox-probe';

export type RecordedApi = 'close' | 'oc' | 'none';

export interface RecordedRequest {
	api: RecordedApi;
	method: string;
	/** Path below the API's base (`/lead/`, `/hubs/crm/contacts`); the full path for api 'none'. */
	path: string;
	/** Every query parameter with all its values, in order received. */
	query: Record<string, string[]>;
	/** Top-level field names of a JSON object body (none for other bodies). */
	bodyFields: string[];
	/**
	 * One level down, names only: keys of top-level objects as `field.key` (e.g.
	 * `configuration.event.vendor.type`) and of top-level arrays' objects as `field[].key`.
	 */
	nestedFields?: string[];
	probe?: true;
}

/** Field names of a JSON body, without any value. */
export function bodyFieldNames(raw: Buffer): { bodyFields: string[]; nestedFields: string[] } {
	if (raw.length === 0) return { bodyFields: [], nestedFields: [] };
	let body: unknown;
	try {
		body = JSON.parse(raw.toString('utf8'));
	} catch {
		return { bodyFields: [], nestedFields: [] };
	}
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return { bodyFields: [], nestedFields: [] };
	const nested = new Set<string>();
	for (const [k, v] of Object.entries(body)) {
		if (v && typeof v === 'object' && !Array.isArray(v)) for (const n of Object.keys(v)) nested.add(`${k}.${n}`);
		if (!Array.isArray(v)) continue;
		for (const el of v) {
			if (el && typeof el === 'object' && !Array.isArray(el)) for (const n of Object.keys(el)) nested.add(`${k}[].${n}`);
		}
	}
	return { bodyFields: Object.keys(body), nestedFields: [...nested] };
}

export interface RequestRecorder {
	readonly file: string;
	record(entry: RecordedRequest): void;
}

/** One file per sandbox instance (pid + random), so parallel jest workers never share a file. */
export function createRequestRecorder(dir: string): RequestRecorder {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `sandbox-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`);
	return {
		file,
		record(entry) {
			// Synchronous on purpose: a line must be on disk before the test process may exit.
			appendFileSync(file, JSON.stringify(entry) + '\n');
		},
	};
}

/** The recorder when $SANDBOX_REQUEST_LOG_DIR is set, else none. */
export function recorderFromEnv(env: NodeJS.ProcessEnv = process.env): RequestRecorder | undefined {
	const dir = env[REQUEST_LOG_DIR_ENV];
	return dir ? createRequestRecorder(dir) : undefined;
}

export function recordedQuery(q: URLSearchParams): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const k of new Set(q.keys())) out[k] = q.getAll(k);
	return out;
}
