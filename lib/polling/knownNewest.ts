// The page of newest records a poll asks for first (its newest date bounds the walk) also tells
// the walk where it may stop: asked with the platform's count of the walk's whole range, it ends
// the walk without its last request once the records read plus the known ones after them make
// that count. That last request would only have answered records this page already holds.
//
// Why the count proves it, on any order the platform keeps or not: call T0 the moment the platform
// answered the newest page and its count. Every write after T0 gets the newest date or a later one,
// so a record the walk read dated before the newest date is a record of T0 at or before the walk's
// position (`read`, distinct ids). The known records after that position are other records of T0
// (`rest`). When |read| + |rest| >= the count of T0, no record of T0 is missing from the two.
// A change during the walk can only make the sum fall short (a record read in its later version
// is not counted), never reach it wrongly: the walk then reads on as it did before.

import type { ProviderRecord } from './hubTypes';
import { byDateThenId } from './pollCursor';

export interface KnownRecord {
	record: ProviderRecord;
	/** The record's date as the provider wrote it. */
	at: string;
	us: number;
	id: string;
}

export class KnownNewest {
	private readonly ascending: KnownRecord[];
	/** Distinct records the walk read, dated before the newest date. */
	private read = 0;
	/**
	 * The walks read in ascending date order and read again only the records of the instant they
	 * stopped at (portableWalk.ts), so the ids of that one instant tell a record read twice: no set
	 * of every id read (100,000s in a first poll). Most instants hold one record: the set is filled
	 * only when a second one comes.
	 */
	private lastUs = -Infinity;
	private onlyIdAtLast: string | undefined;
	private readonly idsAtLast = new Set<string>();

	/**
	 * @param records the newest page, in any order
	 * @param total the platform's count of every record the walk's range held when it answered that page
	 * @param newestUs the newest date of that page
	 */
	constructor(
		records: readonly KnownRecord[],
		private readonly total: number,
		private readonly newestUs: number,
	) {
		this.ascending = [...records].sort(byDateThenId);
	}

	/** A record the walk read (every one, taken by the poll or not), in the walk's ascending order. */
	noteRead(us: number, id: string): void {
		if (us >= this.newestUs || us < this.lastUs) return; // out of order: not counted, to be safe
		if (us > this.lastUs) {
			this.lastUs = us;
			this.onlyIdAtLast = id;
			if (this.idsAtLast.size > 0) this.idsAtLast.clear();
			this.read++;
			return;
		}
		if (this.onlyIdAtLast !== undefined) {
			if (this.onlyIdAtLast === id) return;
			this.idsAtLast.add(this.onlyIdAtLast);
			this.onlyIdAtLast = undefined;
		}
		if (this.idsAtLast.has(id)) return;
		this.idsAtLast.add(id);
		this.read++;
	}

	/**
	 * Whether `rest` can find the count met once `more` records are read: false while the reads are
	 * further from the count than a page and the known records, so that a walk can ask for its next
	 * page before it counts a page's reads (that request then is never one the count would spare).
	 */
	mayEndWithin(more: number): boolean {
		return this.read + more + this.ascending.length >= this.total;
	}

	/**
	 * The known records after the walk's position (`after` tells which, in the walk's order), in
	 * ascending (date, id) order, when they and the records read are every record counted; undefined
	 * when the walk must read on.
	 */
	rest(after: (known: KnownRecord) => boolean): KnownRecord[] | undefined {
		const rest = this.ascending.filter(after);
		return this.read + rest.length >= this.total ? rest : undefined;
	}
}
