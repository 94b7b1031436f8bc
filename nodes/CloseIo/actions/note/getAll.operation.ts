import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, readLeadId, readLimit, returnAllProperties, showFor } from '../common';

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', showFor('note', ['getAll']), false, 'Notes of this lead; empty: notes of every lead'),
	...returnAllProperties('note'),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, 'leadId', itemIndex, true);
	return (await records.listNotes({ leadId, limit: readLimit(this, itemIndex) })) as IDataObject[];
}
