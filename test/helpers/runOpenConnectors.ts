// Runs an action node's real execute() in a fake execute context against a sandbox.
import type { ICredentialDataDecryptedObject, INodeExecutionData, INodeType } from 'n8n-workflow';

import { CloseIo } from '../../nodes/CloseIo/CloseIo.node';
import { OpenConnectors } from '../../nodes/OpenConnectors/OpenConnectors.node';
import type { FakeContextOptions, ParameterValue, Recorder } from './fakeContext';
import { fakeExecuteContext } from './fakeContext';

export interface RunResult {
	items: INodeExecutionData[];
	error?: Error & { description?: string | null; httpCode?: string | null };
	recorder: Recorder;
}

/** Resource locator value as the editor stores it. */
export const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
export const fromList = (id: number | string) => ({ __rl: true, mode: 'list', value: String(id) });
export const byUrl = (url: string) => ({ __rl: true, mode: 'url', value: url });

async function runNode(
	node: INodeType & { execute: NonNullable<INodeType['execute']> },
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, ParameterValue>,
	options: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'>,
): Promise<RunResult> {
	const ctx = fakeExecuteContext({ ...options, nodeType: node, parameters, credentials: { openConnectorsApi: credentials } });
	try {
		const [items] = (await node.execute.call(ctx)) as INodeExecutionData[][];
		return { items, recorder: ctx.recorder };
	} catch (error) {
		return { items: [], error: error as RunResult['error'], recorder: ctx.recorder };
	}
}

export async function runOpenConnectors(
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, ParameterValue>,
	options: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'> = {},
): Promise<RunResult> {
	return await runNode(new OpenConnectors(), credentials, { resource: 'instance', ...parameters }, options);
}

/** The Close.io node; `instance` is a parameter like any other (byId(...)). */
export async function runCloseIo(
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, ParameterValue>,
	options: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'> = {},
): Promise<RunResult> {
	return await runNode(new CloseIo(), credentials, parameters, options);
}
