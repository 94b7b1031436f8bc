// Runs the chosen operation for every input item: outputs paired to their item, errors mapped
// to n8n's (secrets scrubbed), Continue On Fail keeping each error on its own item.

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { scrubSecrets } from '../../../lib/clients/secretScreen';
import { errorItemJson, toNodeApiError } from '../../shared/errors';
import { RecordsSession } from '../transport';
import type { OperationModule, Resource } from './common';
import * as activity from './activity';
import * as contact from './contact';
import * as customActivity from './customActivity';
import * as lead from './lead';
import * as note from './note';
import * as opportunity from './opportunity';
import * as sequenceSubscription from './sequenceSubscription';
import * as task from './task';

export const RESOURCES: Record<Resource, { operations: Record<string, OperationModule> }> = { lead, contact, opportunity, task, note, activity, sequenceSubscription, customActivity };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	let session: RecordsSession | undefined;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as Resource;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const module = RESOURCES[resource]?.operations[operation];
			if (!module) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`, { itemIndex });
			}
			session ??= await RecordsSession.open(this);
			const records = await session.forItem(this, itemIndex);
			const results = await module.execute.call(this, records, itemIndex);
			// A record can hold anything a user typed, a secret too (lib/clients/secretScreen.ts).
			for (const json of scrubSecrets(results, session.secrets)) returnData.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeApiError(this.getNode(), error, { itemIndex, secrets: session?.secrets ?? [] });
			if (this.continueOnFail()) {
				returnData.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}
