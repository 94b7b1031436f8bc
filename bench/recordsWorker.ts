// One side of the records bench (issue 12) in its own process:
//   recordsWorker.ts node <info.json> <urls.json>   the Close.io node's lead getAll (Return All), run by
//                                                    its real execute() in the test suite's fake n8n
//                                                    context, recording the hub requests it made
//   recordsWorker.ts bare <info.json> <urls.json>   fetches and JSON-parses the same requests, keeping the records
// A fourth argument (JSON) gives the getAll's Filters (the seed line of the bench).
// Prints one JSON line: {ms, items, hubRequests}.

import { readFileSync, writeFileSync } from 'node:fs';

import type { INodeExecutionData } from 'n8n-workflow';

import type * as CloseIoModule from '../nodes/CloseIo/CloseIo.node';
import { fakeExecuteContext } from '../test/helpers/fakeContext';
import { plainRequest } from '../test/helpers/plainRequest';

// By its full name: Node's resolution (under tsx) takes the codex file CloseIo.node.json first.
const { CloseIo } = require('../nodes/CloseIo/CloseIo.node.ts') as typeof CloseIoModule;

async function main(): Promise<void> {
	const [mode, infoFile, urlsFile, filtersJson] = process.argv.slice(2);
	const filters = filtersJson ? (JSON.parse(filtersJson) as Record<string, string>) : {};
	const info = JSON.parse(readFileSync(infoFile, 'utf8'));
	let items = 0;
	let hubRequests = 0;
	let ms: number;
	if (mode === 'node') {
		const node = new CloseIo();
		const ctx = fakeExecuteContext({
			nodeType: node,
			parameters: { instance: { __rl: true, mode: 'id', value: String(info.instanceId) }, resource: 'lead', operation: 'getAll', returnAll: true, filters },
			credentials: { openConnectorsApi: info.credentials },
		});
		const t0 = performance.now();
		const [out] = (await node.execute.call(ctx)) as INodeExecutionData[][];
		ms = performance.now() - t0;
		items = out.length;
		const hub = ctx.recorder.requests.filter((r) => r.url.includes('/hubs/crm/'));
		hubRequests = hub.length;
		writeFileSync(urlsFile, JSON.stringify(hub.map((r) => r.url)));
	} else {
		const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as string[];
		const base = plainRequest(info.secrets, info.closeBaseUrl);
		const t0 = performance.now();
		const kept: unknown[] = [];
		for (const url of urls) {
			const response = await base({ method: 'GET', url, elementToken: info.token });
			for (const record of response.body as unknown[]) kept.push({ json: record, pairedItem: { item: 0 } });
		}
		ms = performance.now() - t0;
		items = kept.length;
		hubRequests = urls.length;
	}
	process.stdout.write(`${JSON.stringify({ ms, items, hubRequests })}\n`);
}

void main();
