// The records bench (issue 12) in its own process:
//   recordsWorker.ts node <info.json> <urls.json> [options]   the Close.io node's lead getAll (Return All),
//                                                               run by its real execute() in the test suite's
//                                                               fake n8n context, recording the hub requests
//   recordsWorker.ts pair <info.json> <urls.json> [options]   that getAll, a bare loop that fetches and
//                                                               JSON-parses the same requests, keeping the
//                                                               records as n8n items, and the floor (the
//                                                               bare loop plus the secret search and the
//                                                               repeat check), one after the other
// options (JSON): {filters?: the getAll's Filters (the seed line), runs?: how many times (default 1)}.
// The runs share the process, as executions share a running n8n: the first of each side pays for
// compiling the code it runs, the later ones show the steady state; side by side in one process,
// the loops see the same heap, the same machine moment and the same state of the sandbox.
// Prints one JSON line: {node: ms per run, bare and floor: ms per run (pair only), items, hubRequests}.

import { readFileSync, writeFileSync } from 'node:fs';

import type { INodeExecutionData } from 'n8n-workflow';

import type * as CloseIoModule from '../nodes/CloseIo/CloseIo.node';
import { fakeExecuteContext } from '../test/helpers/fakeContext';
import { jsonMayHoldSecret } from '../lib/clients/secretScreen';
import { secretValuesOf } from '../nodes/shared/transport';
import { plainRequest } from '../test/helpers/plainRequest';

// By its full name: Node's resolution (under tsx) takes the codex file CloseIo.node.json first.
const { CloseIo } = require('../nodes/CloseIo/CloseIo.node.ts') as typeof CloseIoModule;

interface Info {
	instanceId: string | number;
	credentials: Record<string, string>;
	secrets: { userSecret: string; organizationSecret: string; closeApiKey: string };
	closeBaseUrl: string;
	token: string;
}

interface Run {
	ms: number;
	items: number;
	/** The hub list requests made (the node's), or asked (the bare loop). */
	urls: string[];
}

async function nodeRun(info: Info, filters: Record<string, string>): Promise<Run> {
	const node = new CloseIo();
	const ctx = fakeExecuteContext({
		nodeType: node,
		parameters: { instance: { __rl: true, mode: 'id', value: String(info.instanceId) }, resource: 'lead', operation: 'getAll', returnAll: true, filters },
		credentials: { openConnectorsApi: info.credentials },
	});
	const t0 = performance.now();
	const [out] = (await node.execute.call(ctx)) as INodeExecutionData[][];
	const ms = performance.now() - t0;
	const urls = ctx.recorder.requests.filter((r) => r.url.includes('/hubs/crm/')).map((r) => r.url);
	return { ms, items: out.length, urls };
}

async function bareRun(info: Info, urls: string[]): Promise<Run> {
	const base = plainRequest(info.secrets, info.closeBaseUrl);
	const t0 = performance.now();
	const kept: unknown[] = [];
	for (const url of urls) {
		const response = await base({ method: 'GET', url, elementToken: info.token });
		for (const record of response.body as unknown[]) kept.push({ json: record, pairedItem: { item: 0 } });
	}
	return { ms: performance.now() - t0, items: kept.length, urls };
}

/**
 * The bare loop plus what any correct getAll must add to it: the search of each page's text for
 * the connection's secrets (the node's own function) and the check that no record came twice
 * (offset pages may repeat one when the platform's order is not stable). The node's lower bound.
 */
async function floorRun(info: Info, urls: string[]): Promise<Run> {
	// The secrets the node screens for: the credential's and the instance token.
	const secrets = [...secretValuesOf(info.credentials), info.token];
	let clean = true;
	const base = plainRequest(info.secrets, info.closeBaseUrl, {
		onText: (text) => {
			if (jsonMayHoldSecret(text, secrets)) clean = false;
		},
	});
	const t0 = performance.now();
	const kept: unknown[] = [];
	const ids = new Set<string>();
	let repeated = false;
	for (const url of urls) {
		const response = await base({ method: 'GET', url, elementToken: info.token });
		for (const record of response.body as Array<{ id: string }>) {
			const size = ids.size;
			if (ids.add(String(record.id)).size === size) repeated = true;
			kept.push({ json: record, pairedItem: { item: 0 } });
		}
	}
	const ms = performance.now() - t0;
	if (!clean || repeated) throw new Error('the bench data holds a secret or a repeated record');
	return { ms, items: kept.length, urls };
}

async function main(): Promise<void> {
	const [mode, infoFile, urlsFile, optionsJson] = process.argv.slice(2);
	const options = (optionsJson ? JSON.parse(optionsJson) : {}) as { filters?: Record<string, string>; runs?: number };
	const info = JSON.parse(readFileSync(infoFile, 'utf8')) as Info;
	const node: number[] = [];
	const bare: number[] = [];
	const floor: number[] = [];
	// A pair process may start with the bare loop: the URLs of the bench's first node run.
	let urls = mode === 'pair' ? (JSON.parse(readFileSync(urlsFile, 'utf8')) as string[]) : [];
	let last: Run | undefined;
	const runNode = async () => {
		last = await nodeRun(info, options.filters ?? {});
		urls = last.urls;
		node.push(last.ms);
	};
	const runBare = async () => {
		bare.push((await bareRun(info, urls)).ms);
	};
	const runFloor = async () => {
		floor.push((await floorRun(info, urls)).ms);
	};
	for (let i = 0; i < (options.runs ?? 1); i++) {
		// Which loop goes first alternates, so neither always runs on the other's garbage; the floor
		// runs between the two.
		const order = mode === 'node' ? [runNode] : i % 2 === 1 ? [runNode, runFloor, runBare] : [runBare, runFloor, runNode];
		for (const run of order) await run();
	}
	if (mode === 'node') writeFileSync(urlsFile, JSON.stringify(urls));
	process.stdout.write(`${JSON.stringify({ node, bare, floor, items: last?.items ?? 0, hubRequests: last?.urls.length ?? 0 })}\n`);
}

void main();
