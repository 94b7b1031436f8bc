// The fields of a custom activity type for n8n's resource mapper: one column per custom field of
// the type, required ones marked, choices as options.

import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import type { ActivityTypeField } from '../../../lib/records/closeActivities';
import { toNodeApiError } from '../../shared/errors';
import { closeClientFor } from '../transport';

const TYPES: Record<string, FieldType> = { text: 'string', number: 'number', date: 'dateTime', datetime: 'dateTime', choices: 'options', user: 'string', contact: 'string' };

function mapperField(field: ActivityTypeField): ResourceMapperField {
	const multiple = field.accepts_multiple_values === true;
	const type: FieldType = multiple ? 'array' : (TYPES[field.type] ?? 'string');
	return {
		id: field.id,
		displayName: field.name,
		required: field.required === true,
		defaultMatch: false,
		display: true,
		type,
		options: type === 'options' && Array.isArray(field.choices) ? field.choices.map((c) => ({ name: c, value: c })) : undefined,
	};
}

export async function getCustomActivityFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const typeId = String(this.getCurrentNodeParameter('customActivityTypeId') ?? '').trim();
	if (!typeId || /[/?#\s]/.test(typeId)) return { fields: [], emptyFieldsNotice: 'Choose a custom activity type first' };
	const { client, secrets } = await closeClientFor(this);
	try {
		const type = await client.callClose<{ fields?: ActivityTypeField[] }>({ method: 'GET', path: `/custom_activity/${encodeURIComponent(typeId)}/` });
		const fields = Array.isArray(type.fields) ? type.fields : [];
		return { fields: fields.map(mapperField), emptyFieldsNotice: 'This custom activity type has no fields' };
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets });
	}
}
