// Runs the action node's real execute() in a fake execute context against a sandbox.
import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

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

export async function runOpenConnectors(
	credentials: ICredentialDataDecryptedObject,
	parameters: Record<string, ParameterValue>,
	options: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'> = {},
): Promise<RunResult> {
	const node = new OpenConnectors();
	const ctx = fakeExecuteContext({
		...options,
		nodeType: node,
		parameters: { resource: 'instance', ...parameters },
		credentials: { openConnectorsApi: credentials },
	});
	try {
		const [items] = await node.execute.call(ctx);
		return { items, recorder: ctx.recorder };
	} catch (error) {
		return { items: [], error: error as RunResult['error'], recorder: ctx.recorder };
	}
}
