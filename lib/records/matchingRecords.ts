// getAll of a hub resource with the UI's filters and the expert's raw CEQL, on whatever query form
// the platform takes (protocols.md: for closeio only the seed's `date_updated` comparisons joined
// by AND are confirmed).
//
// First the rich way: every filter in the `where`, offset pages, one request per page. When the
// platform refuses that where (400/422 on the first page), the same read is done the portable way
// in the same execution: the `date_updated` comparisons and the raw CEQL stay in the where, the
// other filters are evaluated here (clauseMatch.ts, the documented CEQL's semantics), and Limit
// counts matches. The portable read walks date windows (polling/portableWalk.ts) rather than the
// platform's offset pages, whose records sharing a date come in no fixed order and shift when a
// record changes between two pages; its upper bound is the newest matching date when the read
// began, so a record changed during the read is read as it was, or not at all when it changed
// before the walk reached it. Records are de-duplicated by id in both ways. The walk proves the
// platform sorts by date before it trusts a page to hold everything up to its last record (see
// portableWalk's `order`); where it does not sort at all, the read is done the unordered way
// (polling/unorderedWalk.ts): windows read whole against the platform's count.
//
// The raw CEQL is never evaluated here (the node cannot evaluate arbitrary CEQL): a platform that
// refuses it gets a clear error naming it.

import { parseInstant } from '../polling/datePattern';
import { ClientError } from '../clients/errors';
import { markScreened, screenedCount } from '../clients/secretScreen';
import type { HubListing, HubQuery } from '../polling';
import { UnorderedHub, isRefusedQuery } from '../polling/querySupport';
import { walkCheckedWindow } from '../polling/portableWalk';
import { newestUnordered, walkUnorderedWindow } from '../polling/unorderedWalk';
import { DEFAULT_CLOSE_DATE_PATTERN } from '../polling/pollerConfiguration';
import { matchesAll } from './clauseMatch';
import type { QueryFormFinding } from './queryForm';
import type { CloseRecord, HubResource, RecordsClient } from './recordsClient';
import { DEFAULT_PAGE_SIZE } from './recordsClient';
import type { FilterClause } from './where';
import { activeClauses, buildWhere, clauseText, isSeedClause, joinableRaw } from './where';

export interface MatchingQuery {
	/** The UI's filters. */
	clauses: readonly FilterClause[];
	/** The expert's CEQL, sent as typed. */
	raw?: string;
	/** Stop after this many matching records; undefined = all of them. */
	limit?: number;
	pageSize?: number;
}

/** The platform refused the where of the first page (nothing was read yet). */
class RefusedWhere extends Error {
	constructor(
		readonly where: string,
		readonly cause: unknown,
	) {
		super(errorText(cause));
	}
}

function errorText(error: unknown): string {
	const status = (error as { statusCode?: unknown }).statusCode;
	const message = error instanceof Error ? error.message : String(error);
	return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}

/** The error for a raw CEQL where the platform refused: the node cannot evaluate it instead. */
function refusedRawError(raw: string, refused: RefusedWhere): ClientError {
	return new ClientError(
		`The platform refused the Where (CEQL) filter "${raw}" (sent as where=${refused.where}; ${refused.message}). ` +
			'The node sends that filter as typed and cannot evaluate it itself. Write it in a form this platform takes ' +
			"(the closeio connector may take only date_updated compared with >, >=, < or <= to a date such as '2024-05-01T00:00:00.000000+00:00', " +
			'joined with AND, without OR or parentheses) and use the other Filters fields for the rest: the node applies those itself when the platform cannot.',
	);
}

export async function listMatching(
	client: RecordsClient,
	resource: HubResource,
	query: MatchingQuery,
	finding?: QueryFormFinding,
): Promise<CloseRecord[]> {
	const clauses = activeClauses(query.clauses);
	const raw = (query.raw ?? '').trim() || undefined;
	// Only clauses outside the seed's form can be taken over by the node; the rest is the platform's.
	const nodeClauses = clauses.filter((clause) => !isSeedClause(clause));
	const mode = finding?.mode() ?? 'keyset';
	let refusal: string | undefined;
	if (mode === 'keyset') {
		const rich = await readRich(client, resource, buildWhere(clauses, raw), query);
		if (Array.isArray(rich)) {
			// Only a where outside the seed's form told anything about the platform.
			if (nodeClauses.length > 0) finding?.settle('keyset');
			return rich;
		}
		if (rich instanceof RefusedWhere) {
			if (nodeClauses.length === 0) return await Promise.reject(raw ? refusedRawError(raw, rich) : rich.cause);
			refusal = `where=${rich.where} refused (${rich.message})`;
		}
		// UNSTABLE: the where was taken but the offset pages repeated a record; read again in windows.
	}
	const records = await readPortable(client, resource, clauses, nodeClauses, raw, query).catch((error: unknown) => {
		if (!(error instanceof RefusedWhere)) return Promise.reject(error);
		return Promise.reject(raw ? refusedRawError(raw, error) : error.cause);
	});
	if (refusal !== undefined || nodeClauses.length > 0) finding?.settle(mode, refusal);
	return records;
}

/** The offset pages gave a record twice: their order is not stable, so one may have been skipped. */
const UNSTABLE = Symbol('unstable order');

/**
 * Offset pages with every filter in the where; the refusal of the first page is returned. Over a
 * set that does not change, offset pages serve each position once, so a record served twice means
 * another one was never served: the platform orders records sharing a date differently from one
 * request to the next (the seed's hub does), and the read is redone in date windows. On a set that
 * changes during the read a repeat can also come from a record that moved; the redo is then only
 * a cost.
 */
async function readRich(
	client: RecordsClient,
	resource: HubResource,
	where: string | undefined,
	query: MatchingQuery,
): Promise<CloseRecord[] | RefusedWhere | typeof UNSTABLE> {
	const out: CloseRecord[] = [];
	const ids = new Set<string>();
	let read = 0;
	// The fewest secrets a page was screened against; undefined once a page was not.
	let screened: number | undefined = Infinity;
	const walk = async (): Promise<CloseRecord[] | typeof UNSTABLE> => {
		for await (const page of client.pages(resource, { where, limit: query.limit, pageSize: query.pageSize })) {
			const count = screenedCount(page);
			screened = count === undefined || screened === undefined ? undefined : Math.min(screened, count);
			for (const record of page) {
				read++;
				if (record.id !== undefined) {
					// One hash lookup a record: a repeat leaves the size as it was.
					const size = ids.size;
					if (ids.add(String(record.id)).size === size) return UNSTABLE;
				}
				out.push(record);
			}
		}
		if (screened !== undefined && screened !== Infinity) markScreened(out, screened);
		return out;
	};
	return await walk().catch((error: unknown) => {
		if (read === 0 && where !== undefined && isRefusedQuery(error)) return new RefusedWhere(where, error);
		return Promise.reject(error);
	});
}

async function readPortable(
	client: RecordsClient,
	resource: HubResource,
	clauses: readonly FilterClause[],
	nodeClauses: readonly FilterClause[],
	raw: string | undefined,
	query: MatchingQuery,
): Promise<CloseRecord[]> {
	const platformParts = clauses.filter(isSeedClause).map(clauseText);
	if (raw) platformParts.push(joinableRaw(raw));
	const withPlatform = (where?: string) => [where, ...platformParts].filter(Boolean).join(' AND ') || undefined;

	let first = true;
	const list = async (q: HubQuery): Promise<HubListing> => {
		const where = withPlatform(q.where);
		const isFirst = first;
		first = false;
		const page = await client.listPage(resource, { ...q, where }).catch((error: unknown) => {
			if (isFirst && where !== undefined && isRefusedQuery(error)) return Promise.reject(new RefusedWhere(where, error));
			return Promise.reject(error);
		});
		return { records: page.records, nextPage: page.nextPage, total: page.total };
	};

	let out: CloseRecord[] = [];
	let ids = new Set<string>();
	const source = {
		list,
		datePattern: DEFAULT_CLOSE_DATE_PATTERN,
		pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
		identify: (record: CloseRecord) => ({ us: dateOf(record, resource), id: String(record.id ?? '') }),
	};
	const take = (record: CloseRecord, _us: number, id: string) => {
		if (ids.has(id)) return true;
		ids.add(id);
		if (!matchesAll(record, nodeClauses)) return true;
		out.push(record);
		return query.limit === undefined || out.length < query.limit;
	};
	// The walk's upper bound: the newest matching date now. What is written later lies beyond it.
	const newest = (await list({ orderBy: 'date_updated desc', pageSize: 1 })).records[0];
	if (!newest) return [];
	const to = dateOf(newest, resource);
	const walked = await walkCheckedWindow({ ...source, from: null, to, readAhead: query.limit === undefined, take, order: { ordered: false } }).then(
		() => true,
		async (error: unknown) => (error instanceof UnorderedHub ? false : await Promise.reject(error)),
	);
	if (walked) return out;
	// The platform does not sort: what the walk took may have skipped records; read it all again.
	out = [];
	ids = new Set();
	const found = await newestUnordered(source);
	if (!found) return [];
	await walkUnorderedWindow({ ...source, from: null, to: found.us, take });
	return out;
}

function dateOf(record: CloseRecord, resource: HubResource): number {
	const at = record.date_updated;
	if (typeof at !== 'string') throw new ClientError(`A ${resource} from the CRM hub has no date_updated (id ${String(record.id)}): it cannot be read page by page`);
	return parseInstant(at);
}
