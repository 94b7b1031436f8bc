import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { loadedOption, listFiltered, rawWhereProperty, returnAllProperties, showFor, filterLeadId, leadLocator } from '../common';

export const description: INodeProperties[] = [
	...returnAllProperties('opportunity'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor('opportunity', ['getAll']),
		options: [
			{ ...leadLocator('leadId', 'Lead', undefined, false, 'Opportunities of this lead'), default: { mode: 'list', value: '' } },
			loadedOption('Status Name or ID', 'status_id', 'getOpportunityStatuses'),
			loadedOption('User Name or ID', 'user_id', 'getUsers'),
			rawWhereProperty(),
		],
	},
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const clauses: FilterClause[] = [];
	const leadId = filterLeadId(filters.leadId);
	if (leadId) clauses.push({ field: 'lead_id', value: leadId });
	if (filters.status_id) clauses.push({ field: 'status_id', value: String(filters.status_id) });
	if (filters.user_id) clauses.push({ field: 'user_id', value: String(filters.user_id) });
	return (await listFiltered(this, records, 'opportunity', clauses, filters, itemIndex)) as IDataObject[];
}
