// The instance operations of the action node. Every instance returned is masked; every missing
// value is reported (naming the fields) before any request.

import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { rememberSecret } from '../../lib/clients/errors';
import { maskInstance } from '../../lib/clients/mask';
import type { CloseObject } from '../../lib/items/objects';
import { CLOSE_OBJECTS } from '../../lib/items/objects';
import type { InstancePatch, OcInstance } from '../../lib/clients/openConnectorsClient';
import { buildPollerConfiguration } from '../../lib/polling/pollerConfiguration';
import type { Connection } from '../shared/transport';
import { getInstanceId } from '../shared/instanceLocator';

export type InstanceOperation = 'create' | 'get' | 'getAll' | 'update' | 'delete' | 'getEventsUrl';

export const INSTANCE_OPERATIONS: readonly InstanceOperation[] = [
	'create',
	'get',
	'getAll',
	'update',
	'delete',
	'getEventsUrl',
];

/** `a, b ,c` (or an array from an expression) -> ['a', 'b', 'c']. */
export function parseTags(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
	return parts.map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** A JSON-object parameter (string or already an object); a clear error naming the field. */
export function parseJsonObject(
	node: INode,
	value: unknown,
	fieldName: string,
	itemIndex: number,
): Record<string, unknown> {
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		let problem: string | undefined;
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem !== undefined) {
			throw new NodeOperationError(node, `${fieldName} is not valid JSON`, {
				description: problem,
				itemIndex,
			});
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(node, `${fieldName} must be a JSON object, e.g. {"pagination.max": "100"}`, {
			itemIndex,
		});
	}
	return parsed as Record<string, unknown>;
}

function isHttpUrl(text: string): boolean {
	return /^https?:\/\/[^\s/]+/i.test(text);
}

function requireFields(node: INode, missing: string[], itemIndex: number): void {
	if (missing.length === 0) return;
	throw new NodeOperationError(
		node,
		`Missing required ${missing.length === 1 ? 'field' : 'fields'}: ${missing.join(', ')}`,
		{ itemIndex },
	);
}

function closeObjects(node: INode, value: unknown, itemIndex: number): CloseObject[] {
	const list = Array.isArray(value) ? value.map(String) : parseTags(value);
	const unknown = list.filter((object) => !CLOSE_OBJECTS.includes(object as CloseObject));
	if (unknown.length) {
		throw new NodeOperationError(node, `Objects to Poll: unknown object ${unknown.join(', ')}`, {
			description: `Use ${CLOSE_OBJECTS.join(', ')}`,
			itemIndex,
		});
	}
	return [...new Set(list)] as CloseObject[];
}

/** Masks an instance; its token joins the secrets scrubbed from every later output and error. */
function masked(instance: OcInstance, connection: Connection): IDataObject {
	const token = instance?.token;
	// A token of asterisks is a mask already, not a secret.
	if (typeof token === 'string' && !/^\*+$/.test(token)) rememberSecret(connection.secrets, token);
	return maskInstance(instance, connection.secrets) as unknown as IDataObject;
}

export async function createInstance(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const name = String(this.getNodeParameter('name', itemIndex, '')).trim();
	const tags = parseTags(this.getNodeParameter('tags', itemIndex, ''));
	const eventsMode = this.getNodeParameter('eventsMode', itemIndex, 'none') as 'none' | 'polling' | 'webhook';
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;

	const missing: string[] = [];
	if (!name) missing.push('Name');
	const closeApiKey = String(connection.credentials.closeApiKey ?? '').trim();
	if (!closeApiKey) missing.push('Close API Key (in the credential)');

	const configuration: Record<string, unknown> = { username: closeApiKey };
	const closePassword = String(connection.credentials.closePassword ?? '');
	if (closePassword !== '') configuration.password = closePassword;

	if (eventsMode === 'polling' || eventsMode === 'webhook') {
		const callbackUrl = String(this.getNodeParameter('callbackUrl', itemIndex, '')).trim();
		if (!callbackUrl) missing.push('Callback URL');
		let objects: CloseObject[] = [];
		let refreshInterval = 0;
		if (eventsMode === 'polling') {
			objects = closeObjects(node, this.getNodeParameter('objects', itemIndex, []), itemIndex);
			if (objects.length === 0) missing.push('Objects to Poll');
			refreshInterval = Number(this.getNodeParameter('refreshInterval', itemIndex, 15));
		}
		requireFields(node, missing, itemIndex);
		if (!isHttpUrl(callbackUrl)) {
			throw new NodeOperationError(node, `Callback URL: "${callbackUrl}" is not an http(s) URL`, { itemIndex });
		}
		configuration['event.notification.enabled'] = 'true';
		configuration['event.vendor.type'] = eventsMode;
		configuration['event.notification.callback.url'] = callbackUrl;
		if (eventsMode === 'polling') {
			if (!Number.isFinite(refreshInterval) || refreshInterval < 1) {
				throw new NodeOperationError(node, 'Refresh Interval (Minutes) must be at least 1', { itemIndex });
			}
			configuration['event.poller.refresh_interval'] = String(Math.round(refreshInterval));
			configuration['event.poller.configuration'] = buildPollerConfiguration(objects);
		}
	}
	requireFields(node, missing, itemIndex);

	const signatureKey = String(additional.signatureKey ?? '');
	if (signatureKey !== '') configuration['event.notification.signature.key'] = signatureKey;
	const extra = parseJsonObject(
		node,
		additional.additionalConfiguration,
		'Additional Configuration (JSON)',
		itemIndex,
	);
	Object.assign(configuration, extra);

	const instance = await connection.oc.createInstance({ name, configuration, tags });
	return [masked(instance, connection)];
}

export async function getInstance(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const id = getInstanceId(this, 'instance', itemIndex);
	return [masked(await connection.oc.getInstance(id), connection)];
}

export async function getAllInstances(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : Number(this.getNodeParameter('limit', itemIndex, 50));
	if (limit !== undefined && (!Number.isFinite(limit) || limit < 1)) {
		throw new NodeOperationError(this.getNode(), 'Limit must be at least 1', { itemIndex });
	}
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const tags = parseTags(filters.tags);
	const instances = await connection.oc.listInstances({ tags: tags.length ? tags : undefined, limit });
	return instances.map((instance) => masked(instance, connection));
}

export async function updateInstance(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const id = getInstanceId(this, 'instance', itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch: InstancePatch = {};
	const configuration: Record<string, unknown> = {};

	if (fields.name !== undefined) {
		const name = String(fields.name).trim();
		if (!name) throw new NodeOperationError(node, 'Name cannot be empty', { itemIndex });
		patch.name = name;
	}
	if (fields.tags !== undefined) patch.tags = parseTags(fields.tags);
	if (fields.eventsEnabled !== undefined) {
		configuration['event.notification.enabled'] = fields.eventsEnabled ? 'true' : 'false';
	}
	if (fields.callbackUrl !== undefined) {
		const callbackUrl = String(fields.callbackUrl).trim();
		if (!isHttpUrl(callbackUrl)) {
			throw new NodeOperationError(node, `Callback URL: "${callbackUrl}" is not an http(s) URL`, { itemIndex });
		}
		configuration['event.notification.callback.url'] = callbackUrl;
	}
	if (fields.refreshInterval !== undefined) {
		const minutes = Number(fields.refreshInterval);
		if (!Number.isFinite(minutes) || minutes < 1) {
			throw new NodeOperationError(node, 'Refresh Interval (Minutes) must be at least 1', { itemIndex });
		}
		configuration['event.poller.refresh_interval'] = String(Math.round(minutes));
	}
	if (fields.objects !== undefined) {
		const objects = closeObjects(node, fields.objects, itemIndex);
		if (objects.length === 0) throw new NodeOperationError(node, 'Objects to Poll cannot be empty', { itemIndex });
		configuration['event.poller.configuration'] = buildPollerConfiguration(objects);
	}
	if (fields.signatureKey !== undefined && String(fields.signatureKey) !== '') {
		configuration['event.notification.signature.key'] = String(fields.signatureKey);
	}
	Object.assign(
		configuration,
		parseJsonObject(node, fields.additionalConfiguration, 'Additional Configuration (JSON)', itemIndex),
	);
	if (Object.keys(configuration).length) patch.configuration = configuration;
	if (Object.keys(patch).length === 0) {
		throw new NodeOperationError(node, 'Nothing to update: add at least one field under Update Fields', {
			itemIndex,
		});
	}
	return [masked(await connection.oc.updateInstance(id, patch), connection)];
}

export async function deleteInstance(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const id = getInstanceId(this, 'instance', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const deleted = await connection.oc.deleteInstance(id, { tolerateNotFound: options.ignoreNotFound === true });
	return [{ id: Number(id), deleted }];
}

export async function getEventsUrl(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): Promise<IDataObject[]> {
	const id = getInstanceId(this, 'instance', itemIndex);
	const eventsUrl = connection.oc.eventsUrl(id);
	return [{ id: Number(id), encodedId: eventsUrl.slice(eventsUrl.lastIndexOf('/') + 1), eventsUrl }];
}

export const instanceOperationHandlers: Record<
	InstanceOperation,
	(this: IExecuteFunctions, connection: Connection, itemIndex: number) => Promise<IDataObject[]>
> = {
	create: createInstance,
	get: getInstance,
	getAll: getAllInstances,
	update: updateInstance,
	delete: deleteInstance,
	getEventsUrl,
};
