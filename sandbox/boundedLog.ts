// The sandbox's logs (requests served, deliveries sent) are for tests and for looking around in a
// running `npm start`. Kept whole they grow by one entry per request for as long as the sandbox
// runs; bounded, a session left running for weeks holds the most recent ones only.

/** Entries a log keeps at least (the most recent); at most a tenth more before the oldest go. */
export const DEFAULT_LOG_LIMIT = 50_000;

/**
 * Appends `entry` and, once the list passes `limit` by a tenth, drops the oldest down to `limit`:
 * one splice per `limit / 10` entries instead of a shift per entry.
 */
export function appendBounded<T>(list: T[], entry: T, limit: number): void {
	list.push(entry);
	if (list.length > limit + Math.ceil(limit / 10)) list.splice(0, list.length - limit);
}
