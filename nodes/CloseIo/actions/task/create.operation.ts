import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { leadLocator, readLeadId, readString, showFor } from '../common';
import { taskBody, taskFieldsCollection } from './fields';

const show = showFor('task', ['create']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', show),
	{ displayName: 'Text', name: 'text', type: 'string', required: true, default: '', displayOptions: show, placeholder: 'e.g. Call back about the quote' },
	taskFieldsCollection('fields', 'Task Fields', show, false),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const body: IDataObject = {
		...taskBody(this.getNodeParameter('fields', itemIndex, {}) as IDataObject),
		_type: 'lead',
		lead_id: readLeadId(this, 'leadId', itemIndex),
		text: readString(this, 'text', itemIndex, 'Text'),
	};
	return [await records.create('task', body)] as IDataObject[];
}
