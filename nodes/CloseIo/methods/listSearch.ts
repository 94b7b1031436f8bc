import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { leadSearchBody } from '../../../lib/records/leadSearch';
import { toNodeApiError } from '../../shared/errors';
import { closeClientFor } from '../transport';

export { searchInstances } from '../../shared/instanceLocator';

/** Leads whose name starts with what the user typed (any word of it), newest first, 50 a page. */
export async function searchLeads(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { client, secrets } = await closeClientFor(this);
	try {
		const page = await client.search(leadSearchBody(filter, paginationToken));
		const results: INodeListSearchItems[] = page.data.map((lead) => ({
			name: String(lead.display_name || lead.name || lead.id),
			value: String(lead.id),
			url: `https://app.close.com/lead/${String(lead.id)}/`,
		}));
		return { results, paginationToken: page.cursor ?? undefined };
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets });
	}
}
