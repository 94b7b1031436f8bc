import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { FilterClause } from '../../../../lib/records/where';
import { closeDate } from '../../../../lib/records/where';
import { smartViewLeads, smartViewProperty } from './smartView';
import { leadOutput, listFiltered, loadedOption, rawWhereProperty, returnAllProperties, showFor, simplifyProperty } from '../common';

const show = showFor('lead', ['getAll']);

export const description: INodeProperties[] = [
	smartViewProperty,
	...returnAllProperties('lead'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Leads with exactly this name' },
			loadedOption('Status Name or ID', 'status_id', 'getLeadStatuses'),
			{ displayName: 'Updated After', name: 'updatedAfter', type: 'dateTime', default: '' },
			{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '' },
			rawWhereProperty(),
		],
	},
	simplifyProperty(['getAll']),
];

export function leadFilterClauses(filters: IDataObject): FilterClause[] {
	const clauses: FilterClause[] = [];
	if (filters.name) clauses.push({ field: 'name', value: String(filters.name) });
	if (filters.status_id) clauses.push({ field: 'status_id', value: String(filters.status_id) });
	if (filters.updatedAfter) clauses.push({ field: 'date_updated', operator: '>', value: closeDate(filters.updatedAfter) });
	if (filters.createdAfter) clauses.push({ field: 'date_created', operator: '>', value: closeDate(filters.createdAfter) });
	return clauses;
}

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const smartViewId = String(this.getNodeParameter('smartViewId', itemIndex, '') ?? '').trim();
	if (smartViewId) return leadOutput(this, itemIndex, await smartViewLeads(this, records, itemIndex, smartViewId));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const leads = await listFiltered(this, records, 'lead', leadFilterClauses(filters), filters, itemIndex);
	return leadOutput(this, itemIndex, leads);
}
