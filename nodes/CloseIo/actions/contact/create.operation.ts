import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { customFieldsProperty, leadLocator, readCustomFields, readLeadId, showFor } from '../common';
import { contactBody, contactFieldsCollection } from './fields';

const show = showFor('contact', ['create']);

export const description: INodeProperties[] = [
	leadLocator('leadId', 'Lead', show, false, 'The lead the contact belongs to; empty: Close creates a lead for it'),
	contactFieldsCollection('fields', 'Contact Fields', show),
	customFieldsProperty('contact', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const leadId = readLeadId(this, 'leadId', itemIndex, true);
	const body: IDataObject = { ...contactBody(this.getNodeParameter('fields', itemIndex, {}) as IDataObject), ...readCustomFields(this, itemIndex) };
	if (leadId) body.lead_id = leadId;
	return [await records.create('contact', body)] as IDataObject[];
}
