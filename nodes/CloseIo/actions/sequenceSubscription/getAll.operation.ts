import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listPages } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readLimit, readString, returnAllProperties, showFor } from '../common';
import { closeCall, contactLocator, readContactId } from '../activity/fields';

export const description: INodeProperties[] = [
	{
		displayName: 'By',
		name: 'subscriptionsOf',
		type: 'options',
		default: 'contact',
		displayOptions: showFor('sequenceSubscription', ['getAll']),
		options: [
			{ name: 'Contact', value: 'contact', description: 'The sequences a contact is subscribed to' },
			{ name: 'Sequence', value: 'sequence', description: 'The contacts subscribed to a sequence' },
		],
	},
	contactLocator('sequenceSubscription', ['getAll'], true, 'The contact whose subscriptions to list', { subscriptionsOf: ['contact'] }),
	{
		displayName: 'Sequence Name or ID',
		name: 'sequenceId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSequences' },
		required: true,
		default: '',
		displayOptions: { show: { resource: ['sequenceSubscription'], operation: ['getAll'], subscriptionsOf: ['sequence'] } },
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	...returnAllProperties('sequenceSubscription'),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const of = this.getNodeParameter('subscriptionsOf', itemIndex, 'contact') as string;
	const qs = of === 'sequence' ? { sequence_id: readString(this, 'sequenceId', itemIndex, 'Sequence') } : { contact_id: readContactId(this, itemIndex, true)! };
	return (await listPages(closeCall(records), '/sequence_subscription/', qs, readLimit(this, itemIndex))) as IDataObject[];
}
