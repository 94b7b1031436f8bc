import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, readLeadId, readString, showFor } from '../common';

const show = showFor('note', ['create']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', show),
	{ displayName: 'Note', name: 'note', type: 'string', required: true, default: '', typeOptions: { rows: 4 }, displayOptions: show },
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, 'leadId', itemIndex)!;
	const note = readString(this, 'note', itemIndex, 'Note');
	return [await records.createNote(leadId, { note })] as IDataObject[];
}
