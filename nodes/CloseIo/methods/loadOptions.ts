import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import type { CloseRecord } from '../../../lib/records/recordsClient';
import { toNodeApiError } from '../../shared/errors';
import { closeClientFor } from '../transport';

async function listed(ctx: ILoadOptionsFunctions, path: string, option: (record: CloseRecord) => INodePropertyOptions): Promise<INodePropertyOptions[]> {
	const { client, secrets } = await closeClientFor(ctx);
	try {
		const records = await client.listClose(path);
		return records.map(option).sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		throw toNodeApiError(ctx.getNode(), error, { secrets });
	}
}

const status = (record: CloseRecord): INodePropertyOptions => ({
	name: String(record.label ?? record.id),
	value: String(record.id),
	description: typeof record.type === 'string' ? `Type: ${record.type}` : undefined,
});

const customField = (record: CloseRecord): INodePropertyOptions => ({
	name: String(record.name ?? record.id),
	value: String(record.id),
	description: [record.type, record.accepts_multiple_values ? 'several values' : '', Array.isArray(record.choices) ? `choices: ${record.choices.join(', ')}` : '']
		.filter(Boolean)
		.join('; '),
});

export async function getLeadStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/status/lead/', status);
}

export async function getOpportunityStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/status/opportunity/', status);
}

export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/user/', (user) => {
		const name = [user.first_name, user.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ');
		return { name: name || String(user.email ?? user.id), value: String(user.id), description: typeof user.email === 'string' ? user.email : undefined };
	});
}

export async function getLeadCustomFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/custom_field/lead/', customField);
}

export async function getContactCustomFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/custom_field/contact/', customField);
}

export async function getOpportunityCustomFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listed(this, '/custom_field/opportunity/', customField);
}
