import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, leadOutput, readLeadId, showFor, simplifyProperty } from '../common';

export const description: INodeProperties[] = [leadLocator('leadId', 'Lead', showFor('lead', ['get'])), simplifyProperty(['get'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readLeadId(this, 'leadId', itemIndex)!;
	return leadOutput(this, itemIndex, [await records.get('lead', id)]);
}
