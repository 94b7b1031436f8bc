// The CRM hub's list contract as the polling modules see it. Its own module so the walks
// (portableWalk, unorderedWalk) and the poll (index) all import it downward, none from another.

export type ProviderRecord = Record<string, unknown>;

export interface HubQuery {
	where?: string;
	orderBy: string;
	pageSize: number;
	nextPage?: string;
	/** Asks for the platform's total count of matching records (`elements-total-count`). */
	returnCount?: boolean;
}

export interface HubListing {
	records: ProviderRecord[];
	nextPage?: string;
	/** The total count, when asked for and the platform gave it. */
	total?: number;
}
