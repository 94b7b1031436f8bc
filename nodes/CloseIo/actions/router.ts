// Runs the chosen operation for every input item: outputs paired to their item, errors mapped
// to n8n's (secrets scrubbed), Continue On Fail keeping each error on its own item.

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sanitizeText } from '../../../lib/clients/errors';
import { errorItemJson, toNodeApiError } from '../../shared/errors';
import { RecordsSession } from '../transport';
import type { OperationModule, Resource } from './common';
import * as contact from './contact';
import * as lead from './lead';
import * as note from './note';
import * as opportunity from './opportunity';
import * as task from './task';

export const RESOURCES: Record<Resource, { operations: Record<string, OperationModule> }> = { lead, contact, opportunity, task, note };

/** Scrubs known secrets from string values (a record can hold anything a user typed). */
function scrub(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return secrets.some((secret) => value.includes(secret)) ? sanitizeText(value, secrets) : value;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) value[i] = scrub(value[i], secrets);
		return value;
	}
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) record[key] = scrub(record[key], secrets);
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
			for (const json of results) {
				returnData.push({ json: (secrets.length ? scrub(json, secrets) : json) as IDataObject, pairedItem: { item: itemIndex } });
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
