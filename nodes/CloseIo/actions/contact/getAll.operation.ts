import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { leadIdFrom } from '../../../../lib/records/fields';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { listFiltered, rawWhereProperty, returnAllProperties, showFor } from '../common';

export const description: INodeProperties[] = [
	...returnAllProperties('contact'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor('contact', ['getAll']),
		options: [
			{ displayName: 'Lead ID', name: 'leadId', type: 'string', default: '', description: 'Contacts of this lead (ID or Close URL)' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Contacts with exactly this name' },
			rawWhereProperty(),
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const clauses: FilterClause[] = [];
	if (filters.leadId) clauses.push({ field: 'lead_id', value: leadIdFrom(filters.leadId) });
	if (filters.name) clauses.push({ field: 'name', value: String(filters.name) });
	return (await listFiltered(this, records, 'contact', clauses, filters, itemIndex)) as IDataObject[];
}
