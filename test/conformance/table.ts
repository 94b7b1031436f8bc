// The shape of the conformance tables (closeOperations.ts, openConnectorsOperations.ts): one row
// per documented operation, data only. check.ts holds recorded requests against them.

export type Api = 'close' | 'oc';

export interface FilterCombinations {
	/** The filters the combinations are made of (anything else in `query` may join freely). */
	filters: string[];
	/** Each allowed set of filters, exactly (the empty set = no filter). */
	allowed: string[][];
}

export interface OperationRow {
	api: Api;
	method: string;
	/** Path below the API base; `{name}` is one path segment. */
	path: string;
	/** Query parameter names the reference lists (exact names; `prefix*` for a documented family). */
	query: string[];
	/** Where the reference restricts how filters combine (Close's event log). */
	combinations?: FilterCombinations;
	/** Body field names, only where the reference closes the object (anything else is refused). */
	body?: string[];
	/** Element field names of top-level arrays, as `field[].name`, where the reference lists them. */
	nestedBody?: string[];
	/** The published reference: file + operationId, or page. */
	source: string;
}

/** Something used that no public source settles, accepted by the test with its reason. */
export interface Assumption {
	api: Api;
	/** Method, or '*' for every method. */
	method: string;
	/** Path pattern as in OperationRow, or '*' for every path of the API. */
	path: string;
	/** Query parameters this assumption adds to the matching rows (or, with no row, the whole operation). */
	query?: string[];
	/** Body fields it adds (rows with a closed body). */
	body?: string[];
	/** true: the operation itself is assumed (no row documents it). */
	operation?: boolean;
	reason: string;
}
