// SAP Open Connectors operations the product may use, for the conformance test. Sources: SAP's
// Open Connectors documentation (help.sap.com "SAP Open Connectors": Instances API, "Querying with
// CEQL", "Pagination", the CRM hub), as gathered in ../shared/reference/protocols.md, and the seed
// page (../shared/reference/seed-closeio-events.txt) for the closeio instance's configuration keys.
// Paths are below the platform base `/elements/api-v2`.

import type { Assumption, OperationRow } from './table';

const INSTANCES = 'SAP Open Connectors platform API, Instances (help.sap.com Open Connectors "Instances"; protocols.md §Instances)';
const HUB = 'SAP Open Connectors CRM hub for closeio (protocols.md §CRM hub resources; seed poller url /hubs/crm/contacts)';
const QUERY = 'SAP Open Connectors "Querying with CEQL" and "Pagination" (where, orderBy, pageSize, nextPage, returnCount; protocols.md §Querying and paging)';

/** The CRM hub resources closeio maps (Close leads = accounts). */
/** The closeio instance's configuration keys: the seed page's create-instance sample (username, password, base.url,
 * pagination.*) and SAP's events framework keys (event.*). */
export const CLOSEIO_CONFIGURATION_KEYS = [
	'username',
	'password',
	'base.url',
	'pagination.offset',
	'pagination.max',
	'event.notification.enabled',
	'event.vendor.type',
	'event.notification.callback.url',
	'event.notification.signature.key',
	'event.poller.refresh_interval',
	'event.poller.configuration',
];
const CONFIG = CLOSEIO_CONFIGURATION_KEYS.map((k) => `configuration.${k}`);

const HUB_RESOURCES = ['accounts', 'contacts', 'opportunities', 'tasks', 'users'];
const LIST_QUERY = ['where', 'orderBy', 'pageSize', 'nextPage', 'returnCount', 'page', 'fields'];

function oc(method: string, path: string, query: string[], source: string, extra: Partial<OperationRow> = {}): OperationRow {
	return { api: 'oc', method, path, query, source, ...extra };
}

export const OC_OPERATIONS: OperationRow[] = [
	oc('POST', '/instances', [], INSTANCES, { body: ['element', 'name', 'configuration', 'tags'], nestedBody: [...CONFIG, 'element.key', 'element.id'] }),
	oc('POST', '/elements/{key}/instances', [], INSTANCES, { body: ['name', 'configuration', 'tags'], nestedBody: CONFIG }),
	oc('GET', '/instances', ['tags[]', 'hydrate'], INSTANCES),
	oc('GET', '/instances/{id}', [], INSTANCES),
	oc('PATCH', '/instances/{id}', [], INSTANCES, { body: ['name', 'configuration', 'tags'], nestedBody: CONFIG }),
	oc('PUT', '/instances/{id}', [], INSTANCES, { body: ['element', 'name', 'configuration', 'tags'], nestedBody: [...CONFIG, 'element.key', 'element.id'] }),
	oc('DELETE', '/instances/{id}', [], INSTANCES),
	oc('GET', '/instances/{id}/configuration', [], INSTANCES),
	oc('GET', '/instances/{id}/configuration/{configId}', [], INSTANCES),
	oc('PATCH', '/instances/{id}/configuration/{configId}', [], INSTANCES, { body: ['propertyValue'] }),
	oc('GET', '/instances/enabled', [], INSTANCES),
	...HUB_RESOURCES.flatMap((r) => [
		oc('GET', `/hubs/crm/${r}`, LIST_QUERY, `${HUB}; ${QUERY}`),
		oc('GET', `/hubs/crm/${r}/{id}`, [], HUB),
		...(r === 'users'
			? []
			: [oc('POST', `/hubs/crm/${r}`, [], HUB), oc('PATCH', `/hubs/crm/${r}/{id}`, [], HUB), oc('PUT', `/hubs/crm/${r}/{id}`, [], HUB), oc('DELETE', `/hubs/crm/${r}/{id}`, [], HUB)]),
	]),
	oc('GET', '/hubs/crm/accounts/{id}/notes', LIST_QUERY, HUB),
	oc('POST', '/hubs/crm/accounts/{id}/notes', [], HUB),
	oc('GET', '/hubs/crm/accounts/{id}/notes/{noteId}', [], HUB),
	oc('PATCH', '/hubs/crm/accounts/{id}/notes/{noteId}', [], HUB),
	oc('DELETE', '/hubs/crm/accounts/{id}/notes/{noteId}', [], HUB),
	oc('GET', '/hubs/crm/accounts/{id}/activities', LIST_QUERY, HUB),
	// Close -> Open Connectors: Close's webhook deliveries to the instance's receive URL (the
	// sandbox's own outbox plays Close; the product never calls it).
	oc('POST', '/events/closeio/{instanceIdBase64}', [], 'protocols.md §Webhook-type receive URL for Close.io (SAP Open Connectors events framework, webhook type)'),
];

export const OC_ASSUMPTIONS: Assumption[] = [
	{
		api: 'oc',
		method: 'GET',
		path: '/instances',
		query: ['nextPage', 'pageSize'],
		reason: 'SAP documents nextPage/pageSize paging for list calls generally; whether GET /instances pages is not settled by a public source, so the product follows elements-next-page-token when present.',
	},
];

