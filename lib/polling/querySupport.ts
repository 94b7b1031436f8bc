// What the platform's CRM hub query language supports, found out by the poller itself and kept in
// the trigger's state. `keyset` needs OR, parentheses, `id` comparisons and a two-field `orderBy`
// with a stable order (documented CEQL, unconfirmed for closeio); `portable` needs only what the
// closeio seed shows: `date_updated` comparisons joined by AND, one `orderBy` field.

export type HubQueryMode = 'keyset' | 'portable';

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
	/** Portable only: polls left before the keyset way is tried again. */
	pollsUntilRecheck?: number;
	/** Portable only: epoch ms (host clock) after which the keyset way is tried again. */
	recheckAfter?: number;
}

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

/** Statuses a platform answers for a query form it does not take (429, 401, 404 mean something else). */
const REFUSED_QUERY_STATUSES = new Set([400, 422]);

export function isRefusedQuery(error: unknown): boolean {
	const status = (error as { statusCode?: unknown } | null)?.statusCode;
	return typeof status === 'number' && REFUSED_QUERY_STATUSES.has(status);
}

export function readHubSupport(value: unknown): HubQuerySupport {
	if (!value || typeof value !== 'object') return { query: 'keyset' };
	const v = value as Record<string, unknown>;
	if (v.query !== 'portable') return v.confirmed === true ? { query: 'keyset', confirmed: true } : { query: 'keyset' };
	const out: HubQuerySupport = { query: 'portable' };
	if (typeof v.reason === 'string') out.reason = v.reason.slice(0, 300);
	if (typeof v.pollsUntilRecheck === 'number' && Number.isInteger(v.pollsUntilRecheck)) out.pollsUntilRecheck = v.pollsUntilRecheck;
	if (typeof v.recheckAfter === 'number' && Number.isFinite(v.recheckAfter)) out.recheckAfter = v.recheckAfter;
	return out;
}

/** The way this poll starts with: portable while the finding holds, keyset when it is due a re-check. */
export function queryModeFor(support: HubQuerySupport, nowMs: number | undefined): HubQueryMode {
	if (support.query !== 'portable') return 'keyset';
	if ((support.pollsUntilRecheck ?? 0) <= 0) return 'keyset';
	if (nowMs !== undefined && support.recheckAfter !== undefined && nowMs >= support.recheckAfter) return 'keyset';
	return 'portable';
}

/**
 * The finding after a poll that started with `mode` and, when the keyset way failed, why;
 * `answered`: a keyset query was answered in order during the poll.
 */
export function nextHubSupport(
	previous: HubQuerySupport,
	mode: HubQueryMode,
	refusal: string | undefined,
	nowMs: number | undefined,
	answered = false,
): HubQuerySupport {
	if (refusal !== undefined) {
		const found: HubQuerySupport = { query: 'portable', reason: refusal.slice(0, 300), pollsUntilRecheck: RECHECK_POLLS };
		if (nowMs !== undefined) found.recheckAfter = nowMs + RECHECK_MS;
		return found;
	}
	if (mode === 'keyset') return answered || previous.confirmed === true ? { query: 'keyset', confirmed: true } : { query: 'keyset' };
	return { ...previous, pollsUntilRecheck: (previous.pollsUntilRecheck ?? 1) - 1 };
}
