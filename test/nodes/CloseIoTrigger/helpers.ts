// Shared set-up for the Close.io Trigger node tests: a sandbox, the node, contexts on it.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CloseIoTrigger } from '../../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { startSandbox, type Sandbox } from '../../../sandbox';
import type { FakeContextOptions } from '../../helpers/fakeContext';
import { fakeHookContext, fakePollContext, fakeWebhookContext, sandboxCredentials } from '../../helpers/fakeContext';

export const trigger = new CloseIoTrigger();

export const CONTRACT_KEYS = [
	'changedFields',
	'data',
	'deliveryId',
	'event',
	'id',
	'mergedFrom',
	'mergedInto',
	'object',
	'occurredAt',
	'previousData',
	'source',
	'statusChange',
].sort();

/** Close's precision: six fraction digits and an explicit offset. */
export const MICROS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(?:\+00:00|Z)$/;

let nodeCounter = 0;
/** A node id unique in this process: the node keeps an in-process memory per workflow + node. */
export function uniqueNodeId(): string {
	nodeCounter += 1;
	return `node-${process.pid}-${Date.now()}-${nodeCounter}`;
}

export interface Params {
	mode?: 'webhook' | 'polling';
	instanceId: string | number;
	objects?: string[];
	events?: string[];
	options?: IDataObject;
}

export function parameters(p: Params): Record<string, unknown> {
	return {
		mode: p.mode ?? 'webhook',
		instance: { __rl: true, mode: 'id', value: String(p.instanceId) },
		objects: p.objects ?? ['lead'],
		events: p.events ?? ['created', 'updated', 'deleted', 'merged'],
		options: p.options ?? {},
	};
}

export interface Common {
	sandbox: Sandbox;
	params: Params;
	staticData?: { node?: IDataObject; global?: IDataObject };
	nodeId?: string;
	extra?: Partial<FakeContextOptions>;
}

function base(c: Common): FakeContextOptions {
	return {
		nodeType: trigger,
		parameters: parameters(c.params),
		credentials: { openConnectorsApi: sandboxCredentials(c.sandbox) },
		staticData: c.staticData,
		node: c.nodeId ? { id: c.nodeId } : undefined,
		...(c.extra ?? {}),
	};
}

export const pollCtx = (c: Common) => fakePollContext(base(c));
export const hookCtx = (c: Common & { url: string }) => fakeHookContext({ ...base(c), webhookUrls: { default: c.url } });
export const webhookCtx = (
	c: Common & { url: string; request: { method?: string; headers?: Record<string, string>; rawBody?: Buffer | string } },
) => fakeWebhookContext({ ...base(c), webhookUrls: { default: c.url }, request: c.request });

export function jsonOf(result: INodeExecutionData[][] | null): IDataObject[] {
	if (!result) return [];
	return result.flat().map((item) => item.json);
}

export function instanceIdOf(sandbox: Sandbox, configuration: Record<string, unknown> = {}): string {
	const inst = sandbox.admin.createInstance({ name: 'trigger test', configuration });
	return String(inst.id);
}

/**
 * One sandbox for the test file (fast retries), reset before each test with a new instance; `ready`
 * receives both, so a file keeps its own `sandbox` and `instanceId` variables.
 */
export function useSandboxInstance(ready: (sandbox: Sandbox, instanceId: string) => void, configuration: Record<string, unknown> = {}): void {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, retryScale: 0.001 });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => {
		sandbox.admin.reset();
		ready(sandbox, instanceIdOf(sandbox, configuration));
	});
}

export function configOf(sandbox: Sandbox, instanceId: string): Record<string, unknown> {
	const inst = sandbox.admin.instances().find((i) => String(i.id) === instanceId);
	if (!inst) throw new Error(`no instance ${instanceId}`);
	return inst.configuration as Record<string, unknown>;
}

export function eventsUrl(sandbox: Sandbox, instanceId: string): string {
	return `${sandbox.ocBaseUrl}/events/closeio/${Buffer.from(instanceId).toString('base64')}`;
}

export { savedDigests } from '../../helpers/seenDigests';
