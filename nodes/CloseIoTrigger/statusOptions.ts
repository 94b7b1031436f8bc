import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { toNodeApiError } from '../shared/errors';
import { connect } from '../shared/transport';

/**
 * From Status / To Status: the statuses of the selected objects (lead and/or opportunity), read
 * from Close with the credential's Close API key. Values are status ids.
 */
export async function getStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const objects = this.getCurrentNodeParameter('objects') as string[] | undefined;
	const kinds = (['lead', 'opportunity'] as const).filter((k) => !objects?.length || objects.includes(k));
	if (kinds.length === 0) return [];
	const connection = await connect(this);
	const out: INodePropertyOptions[] = [];
	try {
		for (const kind of kinds) {
			for (const status of await connection.close.listStatuses(kind)) {
				const prefix = kinds.length > 1 ? (kind === 'lead' ? 'Lead: ' : 'Opportunity: ') : '';
				out.push({
					name: `${prefix}${status.label}`,
					value: status.id,
					description: status.type ? `${kind} status (${status.type})` : `${kind} status`,
				});
			}
		}
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
	return out;
}
