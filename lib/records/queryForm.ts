// Whether the platform takes getAll's filters in the hub's `where` (documented CEQL: any field, =,
// !=) or only the closeio seed's form (`date_updated` comparisons joined by AND), found out by
// getAll itself from the platform's answers. The same finding and re-check cadence as the poller's
// (polling/querySupport.ts); here it is kept in the process's memory per Open Connectors base URL,
// so the items of one execution, and the executions after it, do not each pay a refused request.
// A wrong finding costs requests, never records: the portable read is correct on both forms.

import type { HubQueryMode, HubQuerySupport } from '../polling/querySupport';
import { nextHubSupport, queryModeFor } from '../polling/querySupport';

/** Platforms remembered at most (one per base URL; a process rarely talks to more than a few). */
const MAX_PLATFORMS = 100;

export class QueryFormMemory {
	private readonly byBase = new Map<string, HubQuerySupport>();

	/** `keyset` = send the filters in the where; `portable` = the seed's form, the rest in the node. */
	modeFor(base: string, nowMs: number): HubQueryMode {
		const found = this.byBase.get(base);
		return found ? queryModeFor(found, nowMs) : 'keyset';
	}

	/** After a read that put the finding to the test: `refusal` when the rich where was refused. */
	record(base: string, mode: HubQueryMode, refusal: string | undefined, nowMs: number): void {
		const next = nextHubSupport(this.byBase.get(base) ?? { query: 'keyset' }, mode, refusal, nowMs);
		this.byBase.delete(base);
		if (next.query === 'keyset') return;
		if (this.byBase.size >= MAX_PLATFORMS) this.byBase.delete(this.byBase.keys().next().value as string);
		this.byBase.set(base, next);
	}

	get(base: string): HubQuerySupport | undefined {
		return this.byBase.get(base);
	}

	clear(): void {
		this.byBase.clear();
	}
}

/** One execution's view of the memory: once refused in this execution, portable to its end. */
export class QueryFormFinding {
	private refusedNow?: string;

	constructor(
		private readonly memory: QueryFormMemory,
		private readonly base: string,
		private readonly now: () => number,
	) {}

	mode(): HubQueryMode {
		return this.refusedNow !== undefined ? 'portable' : this.memory.modeFor(this.base, this.now());
	}

	/** Why the portable way is used, when it is. */
	reason(): string | undefined {
		return this.refusedNow ?? this.memory.get(this.base)?.reason;
	}

	/** A read that tested the finding is over: it started in `mode`, and was refused for `refusal`. */
	settle(mode: HubQueryMode, refusal?: string): void {
		if (refusal !== undefined) this.refusedNow = refusal;
		this.memory.record(this.base, mode, refusal, this.now());
	}
}
