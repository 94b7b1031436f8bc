import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, readString, showFor } from '../common';
import { closeCall } from '../activity/fields';

const show = showFor('sequenceSubscription', ['update']);

export const description: INodeProperties[] = [
	{ displayName: 'Subscription ID', name: 'subscriptionId', type: 'string', required: true, default: '', placeholder: 'sub_…', displayOptions: show },
	{
		displayName: 'Action',
		name: 'subscriptionStatus',
		type: 'options',
		default: 'paused',
		displayOptions: show,
		options: [
			{ name: 'Pause', value: 'paused', description: 'Stop the sequence’s steps for this contact' },
			{ name: 'Resume', value: 'active', description: 'Go on with the sequence’s steps' },
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readString(this, 'subscriptionId', itemIndex, 'Subscription ID');
	if (/[/?#\s]/.test(id)) fail(this, `Subscription ID: "${id}" is not a valid Close ID`, itemIndex);
	const status = this.getNodeParameter('subscriptionStatus', itemIndex) as string;
	return [await closeCall(records)<IDataObject>({ method: 'PUT', path: `/sequence_subscription/${encodeURIComponent(id)}/`, body: { status } })];
}
