// Fields and readers shared by the record operations: the lead resource locator, custom field
// pairs, Return All / Limit, Simplify, and the per-item reading of them.

import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CustomFieldPair } from '../../../lib/records/fields';
import { customFieldsBody, leadIdFrom } from '../../../lib/records/fields';
import { listMatching } from '../../../lib/records/matchingRecords';
import type { ListedObject } from '../../../lib/records/recordList';
import type { CloseRecord, HubResource, RecordsClient } from '../../../lib/records/recordsClient';
import type { FilterClause } from '../../../lib/records/where';
import { simplifyLead } from '../../../lib/records/simplify';

export type Resource = 'lead' | 'contact' | 'opportunity' | 'task' | 'note' | 'activity' | 'sequenceSubscription' | 'customActivity';

/** What an operation gets: the item's records client; it returns the item's output records. */
export type OperationExecute = (this: IExecuteFunctions, records: RecordsClient, itemIndex: number) => Promise<IDataObject[]>;

export interface OperationModule {
	description: INodeProperties[];
	execute: OperationExecute;
}

/** displayOptions for one resource and some of its operations. */
export function showFor(resource: Resource, operations: string[]): INodeProperties['displayOptions'] {
	return { show: { resource: [resource], operation: operations } };
}

/** Upsert's Match By and Value to Match: the ways to find the one record to update. */
export function matchByProperties(resource: 'lead' | 'contact', show: INodeProperties['displayOptions'], ways: INodePropertyOptions[]): INodeProperties[] {
	return [
		{
			displayName: 'Match By',
			name: 'matchBy',
			type: 'options',
			default: 'email',
			displayOptions: show,
			options: ways,
			description: `How to find the ${resource} to update. No match: a new ${resource} is created; several: the item fails, naming them, and nothing changes.`,
		},
		{ displayName: 'Value to Match', name: 'matchValue', type: 'string', required: true, default: '', displayOptions: show, placeholder: 'e.g. jane@example.com' },
	];
}

export const SEARCH_LEADS_METHOD = 'searchLeads';

export function leadLocator(
	name: string,
	displayName: string,
	displayOptions: INodeProperties['displayOptions'],
	required = true,
	description = 'The Close lead',
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a lead...',
				typeOptions: { searchListMethod: SEARCH_LEADS_METHOD, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O',
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://app.close.com/lead/lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O/',
				// Parsed by leadIdFrom (no `extractValue` regex: n8n runs those with a wall-clock limit).
			},
		],
	};
}

/** The list method of each record locator (nodes/CloseIo/methods/listSearch.ts). */
const SEARCH_METHOD: Record<ListedObject, string> = {
	contact: 'searchContacts',
	opportunity: 'searchOpportunities',
	task: 'searchTasks',
	note: 'searchNotes',
};

/**
 * A contact, opportunity, task or note: From List (Close's records, searchable) or By ID. Close's
 * app has no page of their own for these (they open on their lead's page), so no By URL mode.
 * A workflow saved when the parameter was a plain id string still reads the same (readRecordId).
 */
export function recordLocator(
	object: ListedObject,
	name: string,
	displayName: string,
	prefix: string,
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: `The Close ${displayName.toLowerCase()}`,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${displayName.toLowerCase()}...`,
				typeOptions: { searchListMethod: SEARCH_METHOD[object], searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${prefix}_…`,
			},
		],
	};
}

/** The value of a locator parameter, or of a plain string saved before it was one. */
function locatorValue(raw: unknown): string {
	if (raw && typeof raw === 'object' && 'value' in (raw as IDataObject)) raw = (raw as IDataObject).value;
	return raw === undefined || raw === null ? '' : String(raw).trim();
}

/** A record id from a record locator (or a saved plain id string); empty fails naming the field. */
export function readRecordId(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = locatorValue(ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }));
	if (value === '') fail(ctx, `Missing required field: ${label}`, itemIndex);
	return value;
}

/**
 * Get Many's Lead filter: a lead locator inside the Filters collection (list, id or Close URL), or
 * the id / URL string saved before it was one. Undefined when empty.
 */
export function filterLeadId(value: unknown): string | undefined {
	const raw = locatorValue(value);
	return raw === '' ? undefined : leadIdFrom(raw);
}

/** The custom field pairs of create / update / upsert; the list is loaded from Close per object. */
export function customFieldsProperty(
	object: 'lead' | 'contact' | 'opportunity',
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	const method = { lead: 'getLeadCustomFields', contact: 'getContactCustomFields', opportunity: 'getOpportunityCustomFields' }[object];
	return {
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		default: {},
		typeOptions: { multipleValues: true },
		displayOptions,
		description: `Values of the ${object}'s custom fields (written as custom.cf_…). An empty value clears the field; a JSON array sets several values.`,
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'fieldId',
						type: 'options',
						typeOptions: { loadOptionsMethod: method },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	};
}

export function returnAllProperties(resource: Resource): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: showFor(resource, ['getAll']),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: ['getAll'], returnAll: [false] } },
		},
	];
}

export function simplifyProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		// n8n's standard Simplify text; what "simplified" means for a lead goes in the hint.
		description: 'Whether to return a simplified version of the response instead of the raw data',
		hint: 'Simplified: the main fields, contacts with their emails and phones, counts of opportunities and tasks',
		displayOptions: showFor('lead', operations),
	};
}

export function rawWhereProperty(): INodeProperties {
	return {
		displayName: 'Where (CEQL)',
		name: 'where',
		type: 'string',
		default: '',
		placeholder: "e.g. date_updated > '2024-05-01T00:00:00.000000+00:00'",
		description:
			'Expert: a CEQL clause for the CRM hub, sent as typed and joined with AND to the other filters. A platform that takes only date_updated comparisons refuses other forms (the node says so); the other filters work on every platform.',
	};
}

export function fail(ctx: IExecuteFunctions, message: string, itemIndex: number, description?: string): never {
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** The lead id of a lead locator parameter (list, id or Close app URL); empty allowed when optional. */
export function readLeadId(ctx: IExecuteFunctions, name: string, itemIndex: number, optional = false): string | undefined {
	let raw: unknown = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true });
	if (raw && typeof raw === 'object' && 'value' in (raw as IDataObject)) raw = (raw as IDataObject).value;
	if (optional && (raw === undefined || raw === null || String(raw).trim() === '')) return undefined;
	return leadIdFrom(raw);
}

export function readString(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') fail(ctx, `Missing required field: ${label}`, itemIndex);
	return value;
}

export function readCustomFields(ctx: IExecuteFunctions, itemIndex: number, path = 'customFields'): IDataObject {
	const collection = ctx.getNodeParameter(path, itemIndex, {}) as { field?: CustomFieldPair[] };
	return customFieldsBody(collection.field ?? []) as IDataObject;
}

export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isFinite(limit) || limit < 1) fail(ctx, 'Limit must be at least 1', itemIndex);
	return Math.floor(limit);
}

/** getAll of a hub resource: the UI's clauses and the raw where, on whatever query form the platform takes. */
export async function listFiltered(
	ctx: IExecuteFunctions,
	records: RecordsClient,
	resource: HubResource,
	clauses: FilterClause[],
	filters: IDataObject,
	itemIndex: number,
): Promise<CloseRecord[]> {
	const raw = typeof filters.where === 'string' ? filters.where : undefined;
	return await listMatching(records, resource, { clauses, raw, limit: readLimit(ctx, itemIndex) }, records.queryForm);
}

/** Leads as asked: full, or simplified when the Simplify switch is on. */
export function leadOutput(ctx: IExecuteFunctions, itemIndex: number, leads: CloseRecord[]): IDataObject[] {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	return (simplify ? leads.map(simplifyLead) : leads) as IDataObject[];
}

export function deleted(id: string): IDataObject[] {
	return [{ id, deleted: true }];
}

/** An `options` field whose values are loaded from Close (statuses, users). */
export function loadedOption(displayName: string, name: string, loadOptionsMethod: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		typeOptions: { loadOptionsMethod },
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	};
}

/** A collection of optional fields (Additional Fields, Update Fields, Filters). */
export function fieldsCollection(
	name: string,
	displayName: string,
	displayOptions: INodeProperties['displayOptions'],
	options: INodeProperties[],
	placeholder = 'Add Field',
): INodeProperties {
	return { displayName, name, type: 'collection', placeholder, default: {}, displayOptions, options };
}

export interface OperationOption {
	value: string;
	name: string;
	action: string;
	description?: string;
}

/** A resource's Operation selector followed by its operations' fields. */
export function resourceDescription(
	resource: Resource,
	options: OperationOption[],
	modules: Record<string, OperationModule>,
	defaultOperation = 'create',
): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: options.map((option) => ({ ...option, description: option.description ?? option.action })),
			default: defaultOperation,
		},
		...options.flatMap((option) => modules[option.value].description),
	];
}
