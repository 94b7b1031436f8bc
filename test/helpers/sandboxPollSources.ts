// The poller's sources over real HTTP to a sandbox (no n8n), and default poll settings, for the
// tests of the polling core.

import { CloseClient } from '../../lib/clients/closeClient';
import { OpenConnectorsClient } from '../../lib/clients/openConnectorsClient';
import type { PollSettings, PollSources } from '../../lib/polling';
import { hubLister } from '../../lib/polling/hubLister';
import type { Sandbox } from '../../sandbox';
import { plainRequest } from './plainRequest';

export function sandboxPollSources(sandbox: Pick<Sandbox, 'secrets' | 'closeBaseUrl' | 'ocBaseUrl'>, elementToken: string): PollSources {
	const request = plainRequest(sandbox.secrets, sandbox.closeBaseUrl);
	const close = new CloseClient(request, sandbox.closeBaseUrl);
	return {
		listHub: hubLister(new OpenConnectorsClient(request, sandbox.ocBaseUrl), elementToken),
		listEvents: async (query) => {
			const page = await close.listEvents(query);
			return { data: page.data as unknown as Array<Record<string, unknown>>, cursor_next: page.cursor_next };
		},
	};
}

export const pollSettings = (over: Partial<PollSettings> = {}): PollSettings => ({
	objects: ['lead'],
	events: ['created', 'updated'],
	pageSize: 1,
	maxItemsPerPoll: 0,
	datePattern: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
	includeRaw: false,
	startFrom: { mode: 'all' },
	...over,
});
