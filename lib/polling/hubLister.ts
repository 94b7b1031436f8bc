// The poller's view of the CRM hub list: one page, its next-page token and, when asked, the total.

import type { OpenConnectorsClient } from '../clients/openConnectorsClient';
import type { PollSources } from './index';

export function hubLister(oc: Pick<OpenConnectorsClient, 'listHubPage'>, elementToken: string): PollSources['listHub'] {
	return async (resource, query) => {
		const page = await oc.listHubPage(resource, { ...query, elementToken });
		return { records: page.records, nextPage: page.nextPage, total: page.totalCount };
	};
}
