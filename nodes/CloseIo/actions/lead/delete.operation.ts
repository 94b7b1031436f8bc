import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { deleted, leadLocator, readLeadId, showFor } from '../common';

export const description: INodeProperties[] = [leadLocator('leadId', 'Lead', showFor('lead', ['delete']))];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readLeadId(this, 'leadId', itemIndex)!;
	await records.delete('lead', id);
	return deleted(id);
}
