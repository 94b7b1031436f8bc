// How a poll writes instants into CEQL with the user's Date Pattern, and the errors shared by the
// ways of reading the CRM hub (polling/portableWalk.ts, polling/unorderedWalk.ts).

import { formatInstant, parseWithPattern, patternResolutionMicros } from './datePattern';

/** The platform's page limit (`pagination.max` of the closeio seed); a shorter page ends a walk. */
export const PLATFORM_PAGE_MAX = 100;

/** How the query writes instants with the user's date pattern (exact, or truncated to a unit). */
export class Literals {
	readonly exact: boolean;
	private readonly resolution: number;
	constructor(private readonly pattern: string) {
		this.resolution = patternResolutionMicros(pattern);
		this.exact = this.resolution === 1;
		if (!Number.isFinite(this.resolution)) throw new Error(`Date Pattern "${pattern}" renders no time of day`);
	}
	text(us: number): string {
		return formatInstant(us, this.pattern);
	}
	quoted(us: number): string {
		return `'${this.text(us).replace(/'/g, "''")}'`;
	}
	/** The instant a literal of `us` stands for: `us` itself, or the start of its bucket. */
	start(us: number): number {
		return this.exact ? us : parseWithPattern(this.text(us), this.pattern);
	}
	/** The last instant of the bucket of `us`. */
	end(us: number): number {
		return this.exact ? us : this.nextBucketStart(us) - 1;
	}
	/** What a literal can tell apart: the instant itself, or its truncated text. */
	bucket(us: number): string | number {
		return this.exact ? us : this.text(us);
	}
	/** `date_updated` after the bucket of `us` (exclusive). */
	after(us: number): string {
		if (this.exact) return `date_updated > ${this.quoted(us)}`;
		return `date_updated >= ${this.quoted(this.nextBucketStart(us))}`;
	}
	/** `date_updated` up to the end of the bucket of `us` (inclusive). */
	upTo(us: number): string {
		if (this.exact) return `date_updated <= ${this.quoted(us)}`;
		return `date_updated < ${this.quoted(this.nextBucketStart(us))}`;
	}
	/**
	 * The start of the next bucket: a unit counted at its longest (31-day month, 366-day year) added
	 * to the start of this one always lands inside the next one, which truncation then starts.
	 */
	nextBucketStart(us: number): number {
		const start = parseWithPattern(this.text(us), this.pattern);
		return parseWithPattern(this.text(start + this.resolution), this.pattern);
	}
}

/**
 * A record outside the where it was asked for: the platform does not apply that query to this
 * resource (protocols.md: paging is seen for accounts, contacts and opportunities, not for tasks).
 * Reading on would repeat the same page forever; nothing correct can be built on it.
 */
export function whereIgnored(lit: Literals, where: string, id: string, us: number): Error {
	return new Error(
		`The CRM hub answered a record outside the asked where=${where} (${id}, dated ${lit.text(us)}): it does not apply date queries to this resource, so it cannot be polled`,
	);
}
