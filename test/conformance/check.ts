// Holds recorded sandbox requests (sandbox/requestLog.ts) against the operation tables. Pure: the
// conformance test reads the files, this decides.

import type { RecordedRequest } from '../../sandbox/requestLog';
import type { Assumption, OperationRow } from './table';

export interface Violation {
	request: RecordedRequest;
	problems: string[];
	/** The matching row, or the nearest one when no row matches. */
	nearest?: OperationRow;
}

function segments(path: string): string[] {
	return path.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
}

/** Does `path` fit the pattern? Close paths end in '/', Open Connectors paths do not: both must match exactly. */
export function pathMatches(pattern: string, path: string): boolean {
	if (pattern === '*') return true;
	if (pattern.endsWith('/') !== path.endsWith('/')) return false;
	const p = segments(pattern);
	const s = segments(path);
	if (p.length !== s.length) return false;
	return p.every((seg, i) => (/^\{.+\}$/.test(seg) ? s[i].length > 0 : seg === s[i]));
}

/** Literal segments weigh more than `{param}` ones: `/lead/merge/` beats `/lead/{id}/`. */
function specificity(pattern: string): number {
	return segments(pattern).filter((s) => !/^\{.+\}$/.test(s)).length;
}

function nameAllowed(name: string, allowed: string[]): boolean {
	return allowed.some((a) => (a.endsWith('*') ? name.startsWith(a.slice(0, -1)) : a === name));
}

function similarity(row: OperationRow, r: RecordedRequest): number {
	const a = segments(row.path);
	const b = segments(r.path);
	let same = 0;
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		if (a[i] === b[i] || /^\{.+\}$/.test(a[i])) same++;
		else break;
	}
	return same * 4 + (row.method === r.method ? 2 : 0) - Math.abs(a.length - b.length);
}

export function nearestRow(rows: OperationRow[], r: RecordedRequest): OperationRow | undefined {
	let best: OperationRow | undefined;
	let score = -Infinity;
	for (const row of rows) {
		if (row.api !== r.api) continue;
		const s = similarity(row, r);
		if (s > score) {
			score = s;
			best = row;
		}
	}
	return best;
}

function assumptionsFor(assumptions: Assumption[], r: RecordedRequest): Assumption[] {
	return assumptions.filter((a) => a.api === r.api && (a.method === '*' || a.method === r.method) && pathMatches(a.path, r.path));
}

/** The problems of one request, [] when it conforms. */
export function checkRequest(rows: OperationRow[], assumptions: Assumption[], r: RecordedRequest): Violation | undefined {
	const candidates = rows
		.filter((row) => row.api === r.api && row.method === r.method && pathMatches(row.path, r.path))
		.sort((a, b) => specificity(b.path) - specificity(a.path));
	const assumed = assumptionsFor(assumptions, r);
	const row = candidates[0];
	if (!row) {
		if (assumed.some((a) => a.operation)) return undefined;
		const pathOnly = rows.some((x) => x.api === r.api && pathMatches(x.path, r.path));
		return {
			request: r,
			problems: [pathOnly ? `method ${r.method} not documented on this path` : 'no documented operation'],
			nearest: nearestRow(rows, r),
		};
	}
	const problems: string[] = [];
	const extraQuery = assumed.flatMap((a) => a.query ?? []);
	const keys = Object.keys(r.query);
	// A row's own list wins over a blanket assumption: the event log keeps `_skip` out even though
	// list endpoints in general take it.
	const rowRefuses = (k: string): boolean => row.combinations !== undefined && !nameAllowed(k, row.query);
	for (const k of keys) {
		if (nameAllowed(k, row.query)) continue;
		if (!rowRefuses(k) && nameAllowed(k, extraQuery)) continue;
		problems.push(`query parameter ${k} not documented`);
	}
	for (const k of keys) {
		if (r.query[k].length > 1 && !k.endsWith('[]') && !k.endsWith('__in')) problems.push(`query parameter ${k} given ${r.query[k].length} times`);
	}
	if (row.combinations) {
		const used = keys.filter((k) => row.combinations!.filters.includes(k)).sort();
		const ok = row.combinations.allowed.some((c) => c.length === used.length && [...c].sort().every((x, i) => x === used[i]));
		if (!ok) problems.push(`filter combination {${used.join(', ')}} not among the documented ones`);
	}
	if (row.body) {
		const allowed = [...row.body, ...assumed.flatMap((a) => a.body ?? [])];
		for (const f of r.bodyFields) if (!nameAllowed(f, allowed)) problems.push(`body field ${f} not documented`);
	}
	if (row.nestedBody) {
		const parents = new Set(row.nestedBody.map((n) => n.replace(/(\[\])?\..*$/, '')));
		for (const n of r.nestedFields ?? []) {
			const parent = n.replace(/(\[\])?\..*$/, '');
			if (parents.has(parent) && !nameAllowed(n, row.nestedBody)) problems.push(`body field ${n} not documented`);
		}
	}
	return problems.length ? { request: r, problems, nearest: row } : undefined;
}

export function describe(v: Violation): string {
	const q = Object.entries(v.request.query)
		.map(([k, vals]) => vals.map((x) => `${k}=${x}`).join('&'))
		.join('&');
	const near = v.nearest ? `${v.nearest.method} ${v.nearest.path} [${v.nearest.source}]` : 'none';
	return `${v.request.api} ${v.request.method} ${v.request.path}${q ? '?' + q : ''}: ${v.problems.join('; ')} (nearest row: ${near})`;
}
