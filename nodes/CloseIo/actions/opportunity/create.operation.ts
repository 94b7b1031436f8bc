import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { customFieldsProperty, leadLocator, readCustomFields, readLeadId, showFor } from '../common';
import { opportunityBody, opportunityFieldsCollection } from './fields';

const show = showFor('opportunity', ['create']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', show),
	opportunityFieldsCollection('fields', 'Opportunity Fields', show),
	customFieldsProperty('opportunity', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const body: IDataObject = {
		...opportunityBody(this.getNodeParameter('fields', itemIndex, {}) as IDataObject),
		...readCustomFields(this, itemIndex),
		lead_id: readLeadId(this, 'leadId', itemIndex),
	};
	return [await records.create('opportunity', body)] as IDataObject[];
}
