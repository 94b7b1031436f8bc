import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { decodeSender, subscribe } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readString, showFor } from '../common';
import { closeCall, contactLocator, optionalString, readContactId } from '../activity/fields';

const show = showFor('sequenceSubscription', ['create']);

export const description: INodeProperties[] = [
	{
		displayName: 'Sequence Name or ID',
		name: 'sequenceId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSequences' },
		required: true,
		default: '',
		displayOptions: show,
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	contactLocator('sequenceSubscription', ['create'], true, 'The contact to enrol. Already subscribed to this sequence: the item fails and nothing changes.'),
	{
		displayName: 'Sender Name or ID',
		name: 'sender',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getEmailSenders' },
		required: true,
		default: '',
		displayOptions: show,
		description: 'The connected email account the sequence’s emails go from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{ displayName: 'Contact Email', name: 'contactEmail', type: 'string', default: '', displayOptions: show, placeholder: 'e.g. jane@example.com', description: 'One of the contact’s addresses. Empty: its first.' },
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const sequenceId = readString(this, 'sequenceId', itemIndex, 'Sequence');
	const contactId = readContactId(this, itemIndex, true)!;
	const sender = decodeSender(readString(this, 'sender', itemIndex, 'Sender'));
	const contactEmail = optionalString(this, 'contactEmail', itemIndex);
	return [await subscribe(closeCall(records), { sequenceId, contactId, sender, contactEmail })] as IDataObject[];
}
