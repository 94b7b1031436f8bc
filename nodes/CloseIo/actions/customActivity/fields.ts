// Fields shared by the custom activity operations: the type (list from Close), the type's fields
// through n8n's resource mapper, the activity id.

import type { IDataObject, IExecuteFunctions, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import { ClientError } from '../../../../lib/clients/errors';
import type { ActivityTypeField } from '../../../../lib/records/closeActivities';
import { customActivityFields, missingRequired } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, readString, showFor } from '../common';

export function typeProperty(operations: string[], required: boolean, description: string): INodeProperties {
	return {
		displayName: 'Custom Activity Type Name or ID',
		name: 'customActivityTypeId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getCustomActivityTypes' },
		required,
		default: '',
		displayOptions: showFor('customActivity', operations),
		description: `${description} Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
	};
}

export function fieldsProperty(operations: string[], mode: 'add' | 'update'): INodeProperties {
	return {
		displayName: 'Fields',
		name: 'customActivityFields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		displayOptions: showFor('customActivity', operations),
		typeOptions: {
			loadOptionsDependsOn: ['customActivityTypeId'],
			resourceMapper: {
				resourceMapperMethod: 'getCustomActivityFields',
				mode,
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'This custom activity type has no fields',
			},
		},
	};
}

export function activityIdProperty(operations: string[]): INodeProperties {
	return { displayName: 'Custom Activity ID', name: 'customActivityId', type: 'string', required: true, default: '', placeholder: 'acti_…', displayOptions: showFor('customActivity', operations) };
}

export function statusProperty(operations: string[], withUnchanged: boolean): INodeProperties {
	const options = [
		{ name: 'Published', value: 'published', description: 'Every required field must have a value' },
		{ name: 'Draft', value: 'draft', description: 'Required fields may stay empty' },
	];
	const property: INodeProperties = {
		displayName: 'Status',
		name: 'customActivityStatus',
		type: 'options',
		default: 'published',
		displayOptions: showFor('customActivity', operations),
		options,
	};
	if (withUnchanged) {
		property.default = 'unchanged';
		property.options = [{ name: 'Unchanged', value: 'unchanged' }, ...options];
	}
	return property;
}

export async function readType(records: RecordsClient, typeId: string): Promise<{ id: string; name: string; fields: ActivityTypeField[] }> {
	if (/[/?#\s]/.test(typeId)) throw new ClientError(`Custom activity type: "${typeId}" is not a valid Close ID`);
	const type = await records.callClose<{ id: string; name: string; fields?: ActivityTypeField[] }>({ method: 'GET', path: `/custom_activity/${encodeURIComponent(typeId)}/` });
	return { ...type, fields: Array.isArray(type.fields) ? type.fields : [] };
}

/** The mapper's values as `custom.cf_…` keys, checked against the type's fields. */
export async function readFieldValues(ctx: IExecuteFunctions, records: RecordsClient, itemIndex: number, status: string | undefined): Promise<{ typeId: string; body: IDataObject }> {
	const typeId = readString(ctx, 'customActivityTypeId', itemIndex, 'Custom Activity Type');
	const type = await readType(records, typeId);
	const mapped = ctx.getNodeParameter('customActivityFields', itemIndex, { value: null }) as ResourceMapperValue;
	const body = customActivityFields(mapped?.value ?? {}, type.fields) as IDataObject;
	if (status === 'published') {
		const missing = missingRequired(body, type.fields);
		if (missing.length) fail(ctx, `Missing required field${missing.length > 1 ? 's' : ''} of "${type.name}": ${missing.join(', ')}`, itemIndex, 'Set them, or save the activity as a Draft');
	}
	return { typeId, body };
}
