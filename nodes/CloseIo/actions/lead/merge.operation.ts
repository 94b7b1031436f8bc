import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, leadLocator, leadOutput, readLeadId, showFor, simplifyProperty } from '../common';

const show = showFor('lead', ['merge']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead to Keep', show, true, 'The surviving lead: it receives the other lead’s contacts, opportunities, tasks and activities'),
	leadLocator('sourceLeadId', 'Lead to Merge Into It', show, true, 'This lead is merged into the kept one, then deleted'),
	simplifyProperty(['merge']),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const destination = readLeadId(this, 'leadId', itemIndex)!;
	const source = readLeadId(this, 'sourceLeadId', itemIndex)!;
	if (source === destination) fail(this, 'A lead cannot be merged into itself: choose two different leads', itemIndex);
	// Close's API has the merge; the hub does not.
	await records.mergeLeads(source, destination);
	return leadOutput(this, itemIndex, [await records.get('lead', destination)]);
}
