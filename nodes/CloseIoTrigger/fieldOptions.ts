import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { closeOnly } from '../../lib/records/recordsClient';
import type { CustomFieldInfo, WatchableObject } from '../../lib/triggerEvents/watchableFields';
import { CUSTOM_FIELD_OBJECTS, watchableFieldOptions } from '../../lib/triggerEvents/watchableFields';
import { toNodeApiError } from '../shared/errors';
import { connect } from '../shared/transport';

/**
 * Fields to Watch: standard fields of the selected objects and their custom fields, read from
 * Close with the credential's Close API key. Values are the names Close writes in changed_fields.
 */
export async function getWatchableFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const selected = this.getCurrentNodeParameter('objects');
	const objects = Array.isArray(selected) ? selected.map(String) : [];
	const connection = await connect(this);
	const client = closeOnly(connection.request, connection.closeBaseUrl, connection.secrets);
	const custom: Partial<Record<WatchableObject, CustomFieldInfo[]>> = {};
	try {
		for (const object of CUSTOM_FIELD_OBJECTS) {
			if (objects.length && !objects.includes(object)) continue;
			const records = await client.listClose(`/custom_field/${object}/`);
			custom[object] = records.map((r) => ({ id: String(r.id), name: typeof r.name === 'string' ? r.name : '' }));
		}
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
	return watchableFieldOptions(objects, custom);
}
