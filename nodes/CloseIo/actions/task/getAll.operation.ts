import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { loadedOption, listFiltered, rawWhereProperty, returnAllProperties, showFor, filterLeadId, leadLocator } from '../common';

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
			{ ...leadLocator('leadId', 'Lead', undefined, false, 'Tasks of this lead'), default: { mode: 'list', value: '' } },
			rawWhereProperty(),
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const clauses: FilterClause[] = [];
	const leadId = filterLeadId(filters.leadId);
	if (leadId) clauses.push({ field: 'lead_id', value: leadId });
	if (filters.assigned_to) clauses.push({ field: 'assigned_to', value: String(filters.assigned_to) });
	if (typeof filters.is_complete === 'boolean') clauses.push({ field: 'is_complete', value: filters.is_complete });
	return (await listFiltered(this, records, 'task', clauses, filters, itemIndex)) as IDataObject[];
}
