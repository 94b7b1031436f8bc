// One side of the polling bench in its own process, so its peak RSS is its own:
//   pollWorker.ts poll <info.json> <urls.json>   runs the real poller, records the hub requests it made
//   pollWorker.ts bare <info.json> <urls.json>   fetches and JSON-parses the same requests, keeping the records
// Prints one JSON line: {ms, maxRssMb, items, distinct, hubRequests, hub}.

import { readFileSync, writeFileSync } from 'node:fs';

import { CloseClient } from '../lib/clients/closeClient';
import type { HttpRequest, RequestFn } from '../lib/clients/http';
import { OpenConnectorsClient } from '../lib/clients/openConnectorsClient';
import type { PollSources } from '../lib/polling';
import { readPollState, runPoll } from '../lib/polling';
import { hubLister } from '../lib/polling/hubLister';
import { plainRequest } from '../test/helpers/plainRequest';

async function main(): Promise<void> {
	const [mode, infoFile, urlsFile] = process.argv.slice(2);
	const info = JSON.parse(readFileSync(infoFile, 'utf8'));
	const base = plainRequest(info.secrets, info.closeBaseUrl);
	const t0 = performance.now();
	let items = 0;
	let distinct = 0;
	let hub: unknown;
	let hubRequests = 0;
	if (mode === 'poll') {
		const urls: HttpRequest[] = [];
		const request: RequestFn = async (req) => {
			if (req.url.includes('/hubs/crm/')) urls.push(req);
			return await base(req);
		};
		const oc = new OpenConnectorsClient(request, info.ocBaseUrl);
		const close = new CloseClient(request, info.closeBaseUrl);
		const sources: PollSources = {
			listHub: hubLister(oc, info.token),
			listEvents: async (query) => {
				const page = await close.listEvents(query);
				return { data: page.data as unknown as Array<Record<string, unknown>>, cursor_next: page.cursor_next };
			},
		};
		const result = await runPoll(
			sources,
			{ objects: ['lead'], events: ['created', 'updated'], pageSize: 200, maxItemsPerPoll: 0, datePattern: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", includeRaw: false, startFrom: { mode: 'all' } },
			readPollState(undefined),
		);
		items = result.items.length;
		distinct = new Set(result.items.map((i) => i.id)).size;
		hub = result.state.hub;
		hubRequests = result.requests.hub;
		writeFileSync(urlsFile, JSON.stringify(urls));
	} else {
		const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as HttpRequest[];
		const kept: unknown[] = [];
		for (const req of urls) {
			const response = await base(req);
			if (!Array.isArray(response.body)) continue; // the refused query of the detection
			for (const record of response.body as unknown[]) kept.push(record);
		}
		items = kept.length;
		distinct = items;
		hubRequests = urls.length;
	}
	const ms = performance.now() - t0;
	process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, items, distinct, hubRequests, hub })}\n`);
}

void main();
