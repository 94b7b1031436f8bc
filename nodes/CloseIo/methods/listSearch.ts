import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { leadSearchBody } from '../../../lib/records/leadSearch';
import type { ListedObject } from '../../../lib/records/recordList';
import { listRecordPage } from '../../../lib/records/recordList';
import { toNodeApiError } from '../../shared/errors';
import { connect } from '../../shared/transport';
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

async function recordPage(ctx: ILoadOptionsFunctions, object: ListedObject, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const connection = await connect(ctx);
	try {
		return await listRecordPage(connection.request, connection.closeBaseUrl, object, { filter, paginationToken, secrets: connection.secrets });
	} catch (error) {
		throw toNodeApiError(ctx.getNode(), error, { secrets: connection.secrets });
	}
}

/** Contacts, newest first, a page of Close's list at a time; narrowed to the text typed. */
export async function searchContacts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await recordPage(this, 'contact', filter, paginationToken);
}

export async function searchOpportunities(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await recordPage(this, 'opportunity', filter, paginationToken);
}

export async function searchTasks(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await recordPage(this, 'task', filter, paginationToken);
}

export async function searchNotes(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await recordPage(this, 'note', filter, paginationToken);
}
