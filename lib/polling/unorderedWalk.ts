// Reads the CRM hub when the platform drops `orderBy` altogether. No public source shows the closeio
// element keeping an `orderBy` (protocols.md: UNCONFIRMED), so the poller must stay correct on a
// platform that pages the vendor's own fixed order, whatever it is, by offset over the live set.
//
// What is left to rely on: `date_updated` comparisons joined by AND, and the total count a query
// answers with `returnCount=true`. So:
// - the newest date is found by asking for records after the newest one seen so far until none
//   comes back (a platform that does sort by date answers the first such request empty);
// - a window of dates is read whole and sorted here. It lies before the newest date noted when the
//   poll began, so records can only leave it while it is read (a write moves a record to a later
//   date); a pass with the count unchanged from start to end saw every record still in it, and one
//   that left was read at its old version or will come at its new one. A window holding more than a
//   few pages is split in two by date first, so a pass is short and rarely disturbed, and memory
//   stays with what the poll delivers anyway.

import type { HubListing, HubQuery, ProviderRecord } from './hubTypes';
import { Literals, PLATFORM_PAGE_MAX, whereIgnored } from './dateLiterals';
import { byDateThenId, versionKey } from './pollCursor';

/** A window with more records than this is split by date before it is read. */
export const WINDOW_MAX = 1000;
/** Giving up on one window after this many pages (the count never settled). */
const MAX_WINDOW_PAGES = 2000;
/** Giving up on the newest date after this many requests (writes outpacing the requests). */
const MAX_NEWEST_PROBES = 50;

export interface UnorderedSource {
	list(query: HubQuery): Promise<HubListing>;
	datePattern: string;
	pageSize: number;
	/** The record's date (epoch us) and id; throws for a record without them. */
	identify(record: ProviderRecord): { us: number; id: string };
}

export interface UnorderedWindow extends UnorderedSource {
	/** Inclusive lower bound (epoch us), or null for "from the oldest". */
	from: number | null;
	/** Inclusive upper bound (epoch us): the newest date noted before the poll. */
	to: number;
	/** Takes one record version, in date order, once per walk; false stops the walk (the poll's cap). */
	take(record: ProviderRecord, us: number, id: string): boolean;
	/** Records a window may hold before it is split (default WINDOW_MAX). */
	windowMax?: number;
}

/**
 * The record with the newest `date_updated` in the hub now (null when it is empty). Asks with
 * `orderBy=date_updated desc` all the same: where the platform keeps it, the second request is empty.
 */
export async function newestUnordered(s: UnorderedSource): Promise<{ us: number; record: ProviderRecord } | null> {
	const lit = new Literals(s.datePattern);
	const pageSize = Math.max(s.pageSize, PLATFORM_PAGE_MAX);
	let best: { us: number; record: ProviderRecord } | null = null;
	for (let probe = 0; probe < MAX_NEWEST_PROBES; probe++) {
		const page = await s.list({ where: best ? lit.after(best.us) : undefined, orderBy: 'date_updated desc', pageSize });
		let found = false;
		for (const record of page.records) {
			const { us } = s.identify(record);
			if (!best || us > best.us) {
				best = { us, record };
				found = true;
			}
		}
		if (!found) return best;
	}
	// Still a date some record has now: a bound the walk can close on; what is newer comes next poll.
	return best;
}

type Version = { record: ProviderRecord; us: number; id: string };

/** Every record version in [from, to], handed to `take` in (date, id) order. */
export async function walkUnorderedWindow(w: UnorderedWindow): Promise<void> {
	const lit = new Literals(w.datePattern);
	const windowMax = w.windowMax ?? WINDOW_MAX;
	// [lo, hi]: inclusive instants; lo null = from the oldest. Returns false when `take` stopped.
	const walk = async (lo: number | null, hi: number): Promise<boolean> => {
		const read = await readWholeWindow(w, lit, lo, hi, canSplit(lit, lo, hi) ? windowMax : Infinity);
		if (read === 'split') {
			const [left, right] = split(lit, lo ?? 0, hi);
			return (await walk(lo, left)) && (await walk(right, hi));
		}
		read.sort(byDateThenId);
		for (const v of read) if (w.take(v.record, v.us, v.id) === false) return false;
		return true;
	};
	await walk(w.from, w.to);
}

function canSplit(lit: Literals, lo: number | null, hi: number): boolean {
	return lit.bucket(lo ?? 0) !== lit.bucket(hi);
}

/** The end of the left half and the start of the right one; both halves are non-empty ranges of buckets. */
function split(lit: Literals, lo: number, hi: number): [number, number] {
	let mid = lo + Math.floor((hi - lo) / 2);
	if (lit.bucket(mid) === lit.bucket(hi)) mid = lo;
	return [mid, lit.exact ? mid + 1 : lit.nextBucketStart(mid)];
}

/**
 * The versions in [lo, hi], read until a pass over the pages saw as many distinct records as the
 * platform counts; 'split' when the first page counts more than `max`. The set of a window before
 * the poll's newest date can only shrink while it is read (records updated meanwhile move to a later
 * date), so a count unchanged since the pass began means an unchanged set.
 */
export async function readWholeWindow(
	w: UnorderedSource,
	lit: Literals,
	lo: number | null,
	hi: number,
	max: number,
): Promise<Version[] | 'split'> {
	const where = lo === null ? lit.upTo(hi) : `date_updated >= ${lit.quoted(lo)} AND ${lit.upTo(hi)}`;
	const pageSize = Math.max(w.pageSize, PLATFORM_PAGE_MAX);
	const lowest = lo === null ? -Infinity : lit.start(lo);
	const highest = lit.end(hi);
	const got = new Map<string, Version>();
	let seen = new Set<string>();
	let count: number | undefined;
	let nextPage: string | undefined;
	let passStart = 0;
	for (let pages = 0; pages < MAX_WINDOW_PAGES; pages++) {
		const page = await w.list({ where, orderBy: 'date_updated asc', pageSize, nextPage, returnCount: true });
		if (pages === 0 && page.total !== undefined && page.total > max) return 'split';
		if (page.total !== count) {
			// The set changed under the pass (records left): count again from here, keeping what was read.
			seen = new Set();
			count = page.total;
		}
		for (const record of page.records) {
			const { us, id } = w.identify(record);
			if (us < lowest || us > highest) throw whereIgnored(lit, where, id, us);
			seen.add(id);
			const key = versionKey(us, id);
			if (!got.has(key)) got.set(key, { record, us, id });
		}
		const n = page.records.length;
		const passEnded = n === 0 || !page.nextPage;
		if (count !== undefined) {
			if (seen.size >= count) return [...got.values()];
		} else if (passEnded) {
			// Without a total count only the end of the pages ends a pass (a page shorter than asked may
			// be the platform's own limit), and a pass can miss a record the offsets shifted past: the
			// read ends with a pass that found no record the passes before it had not.
			if (seen.size === passStart) return [...got.values()];
			passStart = seen.size;
		}
		// Past the end: start over from the first page (offsets wrap around).
		nextPage = passEnded ? undefined : page.nextPage;
	}
	throw new Error(`The CRM hub's count of records dated ${lit.text(lo ?? 0)} to ${lit.text(hi)} did not settle after ${MAX_WINDOW_PAGES} pages`);
}
