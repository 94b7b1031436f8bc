import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { listFiltered, rawWhereProperty, returnAllProperties, showFor, filterLeadId, leadLocator } from '../common';

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
			{ ...leadLocator('leadId', 'Lead', undefined, false, 'Contacts of this lead'), default: { mode: 'list', value: '' } },
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Contacts with exactly this name' },
			rawWhereProperty(),
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const clauses: FilterClause[] = [];
	const leadId = filterLeadId(filters.leadId);
	if (leadId) clauses.push({ field: 'lead_id', value: leadId });
	if (filters.name) clauses.push({ field: 'name', value: String(filters.name) });
	return (await listFiltered(this, records, 'contact', clauses, filters, itemIndex)) as IDataObject[];
}
