// Runs the chosen operation for every input item: outputs paired to their item, errors mapped
// to n8n's (secrets scrubbed), Continue On Fail keeping each error on its own item.

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sanitizeText } from '../../../lib/clients/errors';
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

/**
 * Scrubs known secrets from string values (a record can hold anything a user typed). It visits
 * every value of every output (10k records from one Get Many), so a string shorter than the
 * shortest secret is passed over at once.
 */
function scrub(value: unknown, secrets: readonly string[], shortest: number): unknown {
	if (typeof value === 'string') {
		if (value.length < shortest) return value;
		for (const secret of secrets) if (value.includes(secret)) return sanitizeText(value, secrets);
		return value;
	}
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) value[i] = scrub(value[i], secrets, shortest);
		return value;
	}
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key in record) {
			if (Object.prototype.hasOwnProperty.call(record, key)) record[key] = scrub(record[key], secrets, shortest);
		}
	}
	return value;
}

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
			const secrets = session.secrets.filter((secret) => secret.length >= 4);
			const shortest = Math.min(...secrets.map((secret) => secret.length));
			for (const json of results) {
				returnData.push({ json: (secrets.length ? scrub(json, secrets, shortest) : json) as IDataObject, pairedItem: { item: itemIndex } });
			}
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
