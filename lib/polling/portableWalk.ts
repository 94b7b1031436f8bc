// Reads a window of the CRM hub (`from` <= date_updated <= `to`) with only what the closeio seed
// shows: `date_updated` comparisons joined by AND, `orderBy=date_updated asc`, no OR, no `id`
// comparison, no stable order among records of one instant.
//
// Why no offset paging: the platform pages by offset over the live set, so a record that changes
// between two page requests leaves the window and shifts the others left, and one slides past the
// page boundary unread. Instead each page is a new query starting AT the last instant read
// (`date_updated >= last`): whatever shifted, everything after that instant is still ahead. The
// instant itself is read again (its records may have been split across the page end, in a random
// order) and the versions already handled there are skipped. Only an instant holding a whole page
// (more records in one instant than a page) needs offsets: it is read until every one of its records
// was seen, checked against the platform's total count; nothing new can land at such an instant
// while it is read, because it lies before `to`, the newest date noted before the poll began.

import { quiet } from '../clients/http';
import { Literals, PLATFORM_PAGE_MAX, whereIgnored } from './dateLiterals';
import type { ProviderRecord } from './hubTypes';
import { versionKey } from './pollCursor';
import { ORDER_PROOF, UnorderedHub } from './querySupport';
import { readWholeWindow, type UnorderedSource } from './unorderedWalk';
import type { KnownNewest, KnownRecord } from './knownNewest';

/** A window of the hub to walk; its list, paging and record identity are what the unordered way reads too. */
export interface PortableWindow extends UnorderedSource {
	/** Inclusive lower bound (epoch us), or null for "from the oldest". */
	from: number | null;
	/** Inclusive upper bound (epoch us): the newest date noted before the poll. */
	to: number;
	/** Takes one record version, once per walk; false stops the walk (the poll's cap). */
	take(record: ProviderRecord, us: number, id: string): boolean;
	/**
	 * Ask for the next page while this one is handled (default true). A reader that expects to stop
	 * early (a Limit) turns it off: the page asked for ahead would be a request for nothing.
	 */
	readAhead?: boolean;
	/**
	 * Whether the platform is known to sort by date, shared by the poll's reads. Given, a walk sets it
	 * from a page that proves it and, while it is not set, checks every full page against the
	 * platform's count before the next page starts after it: a platform that drops orderBy can return
	 * a small page in date order by chance, and the records it left out would be skipped.
	 */
	order?: { ordered: boolean };
	/** The newest page asked before the walk, with the platform's count of the window (knownNewest.ts). */
	known?: KnownNewest;
}

export async function walkPortableWindow(w: PortableWindow): Promise<void> {
	const lit = new Literals(w.datePattern);
	const orderBy = 'date_updated asc';
	const upper = lit.upTo(w.to);
	// Versions taken at the current boundary bucket: the next page starts there again.
	let boundary: string | number | undefined;
	const takenAtBoundary = new Set<string>();
	const takeOnce = (record: ProviderRecord, us: number, id: string): boolean | undefined => {
		const bucket = lit.bucket(us);
		if (bucket !== boundary) {
			boundary = bucket;
			takenAtBoundary.clear();
		}
		// Within one exact bucket every version has the same instant: the id tells them apart.
		const key = lit.exact ? id : versionKey(us, id);
		if (takenAtBoundary.has(key)) return undefined;
		takenAtBoundary.add(key);
		return w.take(record, us, id);
	};

	// A page shorter than asked is not the end of the data (a platform may answer fewer records than
	// asked, its own page limit): it ends the walk only once it reached the window's upper bound.
	const endsWalk = (n: number, last: number) => n === 0 || (n < Math.min(w.pageSize, PLATFORM_PAGE_MAX) && last >= w.to);
	// A page asked for ahead may never be awaited (the walk can stop first).
	const list = (from: string | undefined) => quiet(w.list({ where: from ? `${from} AND ${upper}` : upper, orderBy, pageSize: w.pageSize }));
	let from = w.from === null ? undefined : `date_updated >= ${lit.quoted(w.from)}`;
	// The instants the current page's where admits (inclusive), to tell a platform that ignores it.
	let lowest = w.from === null ? -Infinity : lit.start(w.from);
	const highest = lit.end(w.to);
	let pending = list(from);
	for (;;) {
		const page = await pending;
		const records = page.records;
		if (records.length === 0) return;
		const first = w.identify(records[0]).us;
		const last = w.identify(records[records.length - 1]).us;
		const ends = endsWalk(records.length, last);
		const progressed = lit.bucket(first) !== lit.bucket(last);
		// The next page's query depends only on this page's first and last instants, so it is asked for
		// before this one is handled, and the platform's time and ours overlap.
		const after = !ends && progressed && last < w.to ? `date_updated >= ${lit.quoted(last)}` : undefined;
		// The newest page asked first may already hold everything after this page's last instant; it
		// cannot while the reads are far from the platform's count, and the next page is then asked for
		// before this page's reads are counted (that work is on the walk's critical path otherwise).
		const askAhead = after !== undefined && w.readAhead !== false;
		let ahead = askAhead && !w.known?.mayEndWithin(records.length) ? list(after) : undefined;
		const read = records.map((record) => w.identify(record));
		let rest: KnownRecord[] | undefined;
		if (w.known) {
			for (const { us, id } of read) w.known.noteRead(us, id);
			if (after !== undefined && ahead === undefined) rest = w.known.rest((k) => k.us > last);
		}
		if (askAhead && ahead === undefined && rest === undefined) ahead = list(after);
		let previous = -Infinity;
		let distinct = 0;
		for (const { us, id } of read) {
			if (us < lowest || us > highest) throw whereIgnored(lit, from ? `${from} AND ${upper}` : upper, id, us);
			if (us < previous) {
				throw new UnorderedHub(`The CRM hub returned records out of date order for orderBy=${orderBy} (record ${id})`);
			}
			if (us !== previous) distinct++;
			previous = us;
		}
		if (w.order && distinct >= ORDER_PROOF) w.order.ordered = true;
		// A full page: whatever comes next starts at `last` (or the walk ends there).
		if (!ends && w.order && !w.order.ordered) await checkPageComplete(w, lit, from, last, read);
		for (let i = 0; i < records.length; i++) {
			if (takeOnce(records[i], read[i].us, read[i].id) === false) return;
		}
		// A short page at `to` ends the window; a page reaching `to` leaves the rest to the next poll,
		// which starts there anyway.
		if (ends || (progressed && last >= w.to)) return;
		if (rest) {
			for (const k of rest) if (takeOnce(k.record, k.us, k.id) === false) return;
			return;
		}
		if (after !== undefined) {
			from = after;
			lowest = lit.start(last);
			pending = ahead ?? list(after);
			continue;
		}
		// The whole page is one instant: read all of it, then go on strictly after it.
		if ((await readWholeInstant(w, lit, last, takeOnce)) === false) return;
		if (last >= w.to) return;
		from = lit.after(last);
		lowest = lit.end(last) + 1;
		pending = list(from);
	}
}

/**
 * The walk of a window whose upper bound came from `orderBy=date_updated desc`: while the platform
 * is not known to sort, that bound is checked (checkNewestKept) as the walk runs, which costs the walk
 * no time; a failed check fails the walk, whose reads are then worth nothing.
 */
export async function walkCheckedWindow(w: PortableWindow & { order: { ordered: boolean } }): Promise<void> {
	const checked = w.order.ordered ? undefined : quiet(checkNewestKept(w, w.to));
	await walkPortableWindow(w);
	await checked;
}

/**
 * Whether the platform kept `orderBy=date_updated desc` for the newest record (`newestUs`). One that
 * drops orderBy answers some record, and a walk up to its date would leave out everything newer (or,
 * below a cursor, read nothing at all, poll after poll). A record after it is either written since
 * or proof of that: asking for the newest again tells which.
 */
export async function checkNewestKept(
	w: Pick<PortableWindow, 'list' | 'datePattern' | 'identify'>,
	newestUs: number,
): Promise<void> {
	const lit = new Literals(w.datePattern);
	const later = (await w.list({ where: lit.after(newestUs), orderBy: 'date_updated desc', pageSize: 1 })).records[0];
	if (!later) return;
	const found = w.identify(later);
	const again = (await w.list({ orderBy: 'date_updated desc', pageSize: 1 })).records[0];
	if (again && w.identify(again).us >= found.us) return;
	throw new UnorderedHub(
		`The CRM hub did not keep orderBy=date_updated desc: it answered a record dated ${lit.text(newestUs)} as the newest, then ${found.id} dated ${lit.text(found.us)}`,
	);
}

/**
 * The next page starts at `last`: every record of the window before it must be on this page. The
 * set can only lose records while it is read (a write moves one past `to`), so the platform counting
 * more of them than the page holds means it did not sort, and left some out.
 */
async function checkPageComplete(
	w: PortableWindow,
	lit: Literals,
	from: string | undefined,
	last: number,
	read: Array<{ us: number }>,
): Promise<void> {
	const cut = lit.start(last);
	const before = `date_updated < ${lit.quoted(last)}`;
	const page = await w.list({ where: from ? `${from} AND ${before}` : before, orderBy: 'date_updated asc', pageSize: 1, returnCount: true });
	if (page.total === undefined) return;
	const held = read.filter((r) => r.us < cut).length;
	if (page.total > held) {
		throw new UnorderedHub(
			`The CRM hub did not keep orderBy=date_updated asc: it counts ${page.total} records before ${lit.text(last)}, its page held ${held}`,
		);
	}
}

/**
 * Every record of one instant (bucket), however many and in whatever order the platform gives them
 * (unorderedWalk's readWholeWindow over that one bucket).
 */
async function readWholeInstant(
	w: PortableWindow,
	lit: Literals,
	us: number,
	take: (record: ProviderRecord, us: number, id: string) => boolean | undefined,
): Promise<boolean> {
	const versions = await readWholeWindow(w, lit, us, us, Infinity);
	if (versions === 'split') return true; // not with an unbounded window
	for (const v of versions) if (take(v.record, v.us, v.id) === false) return false;
	return true;
}
