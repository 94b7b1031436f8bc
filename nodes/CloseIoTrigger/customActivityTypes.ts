import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { closeOnly } from '../../lib/records/recordsClient';
import { toNodeApiError } from '../shared/errors';
import { connect } from '../shared/transport';

/** Custom Activity Types: the organization's custom activity types, read from Close. */
export async function getCustomActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const connection = await connect(this);
	try {
		const types = await closeOnly(connection.request, connection.closeBaseUrl, connection.secrets).listClose('/custom_activity/');
		return types
			.filter((t) => t.is_archived !== true)
			.map((t) => ({ name: String(t.name ?? t.id), value: String(t.id) }))
			.sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
}
