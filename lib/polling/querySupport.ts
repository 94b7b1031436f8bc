// What the platform's CRM hub query language supports, found out by the poller itself and kept in
// the trigger's state. `keyset` needs OR, parentheses, `id` comparisons and a two-field `orderBy`
// with a stable order (documented CEQL, unconfirmed for closeio); `portable` needs only what the
// closeio seed shows: `date_updated` comparisons joined by AND, one `orderBy` field; `unordered`
// needs no `orderBy` at all (nothing public shows closeio keeping one) but a total count.

export type HubQueryMode = 'keyset' | 'portable' | 'unordered';

export interface HubQuerySupport {
	query: HubQueryMode;
	/**
	 * Keyset only: the platform has answered a keyset query (OR, parentheses, `id` comparison) in
	 * order. Only then is a record's id trusted to place it among the records of its instant, which
	 * lets a poll end at the newest record without asking for the page after it.
	 */
	confirmed?: boolean;
	/** Why the portable way is used: the platform's answer, or what came out of order. */
	reason?: string;
	/** Portable only: the platform ignored `orderBy date_updated` too; windows are read whole and sorted here. */
	unordered?: boolean;
	/**
	 * A page of at least ORDER_PROOF distinct dates came back sorted as asked: the platform sorts by
	 * date (a platform that does not would do that by chance once in 16! pages). Until then a full
	 * page is checked against the platform's count before the next page starts after it.
	 */
	ordered?: boolean;
	/** Portable only: polls left before the keyset way is tried again. */
	pollsUntilRecheck?: number;
	/** Portable only: epoch ms (host clock) after which the keyset way is tried again. */
	recheckAfter?: number;
}

/** Distinct dates a page must hold, in the asked order, to prove the platform sorts by date. */
export const ORDER_PROOF = 16;

/** Polls, and host time, after which a portable finding is put to the test again. */
export const RECHECK_POLLS = 100;
export const RECHECK_MS = 24 * 60 * 60 * 1000;

/** The keyset way was refused or gave records out of order: the read is redone the portable way. */
export class UnsupportedHubQuery extends Error {
	constructor(readonly reason: string) {
		super(reason);
		this.name = 'UnsupportedHubQuery';
	}
}

/** A keyset or portable read found the platform ignoring `orderBy`: the read is redone the unordered way. */
export class UnorderedHub extends Error {
	constructor(readonly reason: string) {
		super(reason);
		this.name = 'UnorderedHub';
	}
}

/** Statuses a platform answers for a query form it does not take (429, 401, 404 mean something else). */
const REFUSED_QUERY_STATUSES = new Set([400, 422]);

export function isRefusedQuery(error: unknown): boolean {
	const status = (error as { statusCode?: unknown } | null)?.statusCode;
	return typeof status === 'number' && REFUSED_QUERY_STATUSES.has(status);
}

export function readHubSupport(value: unknown): HubQuerySupport {
	if (!value || typeof value !== 'object') return { query: 'keyset' };
	const v = value as Record<string, unknown>;
	if (v.query !== 'portable') {
		const keyset: HubQuerySupport = v.confirmed === true ? { query: 'keyset', confirmed: true } : { query: 'keyset' };
		if (v.ordered === true) keyset.ordered = true;
		return keyset;
	}
	const out: HubQuerySupport = { query: 'portable' };
	if (v.ordered === true && v.unordered !== true) out.ordered = true;
	if (typeof v.reason === 'string') out.reason = v.reason.slice(0, 300);
	if (v.unordered === true) out.unordered = true;
	if (typeof v.pollsUntilRecheck === 'number' && Number.isInteger(v.pollsUntilRecheck)) out.pollsUntilRecheck = v.pollsUntilRecheck;
	if (typeof v.recheckAfter === 'number' && Number.isFinite(v.recheckAfter)) out.recheckAfter = v.recheckAfter;
	return out;
}

/**
 * The way this poll starts with: portable (or unordered) while the finding holds, keyset when it is
 * due a re-check (which falls back through portable to unordered again if it must).
 */
export function queryModeFor(support: HubQuerySupport, nowMs: number | undefined): HubQueryMode {
	if (support.query !== 'portable') return 'keyset';
	if ((support.pollsUntilRecheck ?? 0) <= 0) return 'keyset';
	if (nowMs !== undefined && support.recheckAfter !== undefined && nowMs >= support.recheckAfter) return 'keyset';
	return support.unordered === true ? 'unordered' : 'portable';
}

/** What a poll found out about the platform besides a refusal. */
export interface PollFindings {
	/** A keyset query was answered in order. */
	answered?: boolean;
	/** Why a portable read gave way to the unordered one. */
	unordered?: string;
	/** A page proved the platform sorts by date (see HubQuerySupport.ordered). */
	ordered?: boolean;
}

/** The finding after a poll that started with `mode` and, when the keyset way failed, why. */
export function nextHubSupport(
	previous: HubQuerySupport,
	mode: HubQueryMode,
	refusal: string | undefined,
	nowMs: number | undefined,
	findings: PollFindings = {},
): HubQuerySupport {
	const { unordered } = findings;
	const ordered = unordered === undefined && (findings.ordered === true || previous.ordered === true);
	const reason = unordered ?? refusal;
	if (reason !== undefined) {
		const found: HubQuerySupport = { query: 'portable', reason: reason.slice(0, 300), pollsUntilRecheck: RECHECK_POLLS };
		if (unordered !== undefined) found.unordered = true;
		if (findings.ordered === true && unordered === undefined) found.ordered = true;
		if (nowMs !== undefined) found.recheckAfter = nowMs + RECHECK_MS;
		return found;
	}
	if (mode === 'keyset') {
		const keyset: HubQuerySupport = findings.answered === true || previous.confirmed === true ? { query: 'keyset', confirmed: true } : { query: 'keyset' };
		if (ordered) keyset.ordered = true;
		return keyset;
	}
	const next: HubQuerySupport = { ...previous, pollsUntilRecheck: (previous.pollsUntilRecheck ?? 1) - 1 };
	if (ordered && mode === 'portable') next.ordered = true;
	return next;
}
