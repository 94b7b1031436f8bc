// The poller's sources over real HTTP to a sandbox (no n8n), and default poll settings, for the
// tests of the polling core.

import { CloseClient } from '../../lib/clients/closeClient';
import { OpenConnectorsClient } from '../../lib/clients/openConnectorsClient';
import type { PollSettings, PollSources, PollState } from '../../lib/polling';
import { readPollState, runPoll } from '../../lib/polling';
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

/**
 * Polls until two polls in a row deliver nothing (50 at most), the state going through JSON as n8n's
 * static data does; what was delivered as `id@occurredAt`, the hub requests, the last state.
 */
export async function pollUntilQuiet(sources: PollSources, state: PollState, settings: PollSettings) {
	const delivered: string[] = [];
	let requests = 0;
	for (let quiet = 0, i = 0; quiet < 2 && i < 50; i++) {
		const result = await runPoll(sources, settings, state);
		state = readPollState(JSON.parse(JSON.stringify(result.state)));
		requests += result.requests.hub;
		delivered.push(...result.items.map((item) => `${item.id}@${item.occurredAt}`));
		quiet = result.items.length === 0 ? quiet + 1 : 0;
	}
	return { delivered, requests, state };
}
