import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { leadIdFrom } from '../../../../lib/records/fields';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { loadedOption, listFiltered, rawWhereProperty, returnAllProperties, showFor } from '../common';

export const description: INodeProperties[] = [
	...returnAllProperties('task'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor('task', ['getAll']),
		options: [
			loadedOption('Assigned To Name or ID', 'assigned_to', 'getUsers'),
			{ displayName: 'Is Complete', name: 'is_complete', type: 'boolean', default: false },
			{ displayName: 'Lead ID', name: 'leadId', type: 'string', default: '', description: 'Tasks of this lead (ID or Close URL)' },
			rawWhereProperty(),
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const clauses: FilterClause[] = [];
	if (filters.leadId) clauses.push({ field: 'lead_id', value: leadIdFrom(filters.leadId) });
	if (filters.assigned_to) clauses.push({ field: 'assigned_to', value: String(filters.assigned_to) });
	if (typeof filters.is_complete === 'boolean') clauses.push({ field: 'is_complete', value: filters.is_complete });
	return (await listFiltered(this, records, 'task', clauses, filters, itemIndex)) as IDataObject[];
}
