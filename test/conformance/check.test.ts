import type { RecordedRequest } from '../../sandbox/requestLog';
import { bodyFieldNames } from '../../sandbox/requestLog';
import { checkRequest, pathMatches } from './check';
import { CLOSE_ASSUMPTIONS, CLOSE_OPERATIONS } from './closeOperations';
import { OC_ASSUMPTIONS, OC_OPERATIONS } from './openConnectorsOperations';

const rows = [...CLOSE_OPERATIONS, ...OC_OPERATIONS];
const assumptions = [...CLOSE_ASSUMPTIONS, ...OC_ASSUMPTIONS];

function req(api: RecordedRequest['api'], method: string, path: string, query: Record<string, string> = {}, body?: unknown): RecordedRequest {
	const names = bodyFieldNames(Buffer.from(body === undefined ? '' : JSON.stringify(body)));
	return { api, method, path, query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])), bodyFields: names.bodyFields, nestedFields: names.nestedFields };
}
const problems = (r: RecordedRequest): string[] => checkRequest(rows, assumptions, r)?.problems ?? [];

describe('conformance check', () => {
	test('paths: trailing slash and parameters as documented', () => {
		expect(pathMatches('/lead/{id}/', '/lead/lead_1/')).toBe(true);
		expect(pathMatches('/lead/{id}/', '/lead/lead_1')).toBe(false);
		expect(pathMatches('/hubs/crm/{r}', '/hubs/crm/contacts')).toBe(true);
	});

	test('event log: documented combinations pass, date_updated joins any, others fail', () => {
		expect(problems(req('close', 'GET', '/event/', { object_type: 'lead', action: 'deleted', date_updated__gte: 'x', _limit: '50' }))).toEqual([]);
		expect(problems(req('close', 'GET', '/event/', { lead_id: 'lead_1', object_type: 'contact' }))).toEqual([]);
		expect(problems(req('close', 'GET', '/event/', { request_id: 'req_1' }))).toEqual([]);
		expect(problems(req('close', 'GET', '/event/', { object_type: 'lead', date_updated__gte: 'x' }))).toEqual([
			'filter combination {object_type} not among the documented ones',
		]);
		expect(problems(req('close', 'GET', '/event/', { lead_id: 'lead_1', object_id: 'cont_1' }))).toHaveLength(1);
	});

	test('event log refuses _skip although list endpoints in general take it', () => {
		expect(problems(req('close', 'GET', '/event/', { lead_id: 'lead_1', _skip: '50' }))).toEqual(['query parameter _skip not documented']);
		expect(problems(req('close', 'GET', '/lead/', { _skip: '50', _limit: '10' }))).toEqual([]);
	});

	test('undocumented operations, methods, query parameters and closed bodies fail', () => {
		expect(problems(req('close', 'GET', '/leads/'))).toEqual(['no documented operation']);
		expect(problems(req('close', 'PATCH', '/lead/lead_1/'))).toEqual(['method PATCH not documented on this path']);
		expect(problems(req('close', 'GET', '/contact/', { query: 'x' }))).toEqual(['query parameter query not documented']);
		expect(problems(req('close', 'POST', '/lead/merge/', {}, { source: 'a', destination: 'b', force: true }))).toEqual(['body field force not documented']);
		expect(problems(req('close', 'POST', '/webhook/', {}, { url: 'u', events: [{ object_type: 'lead', action: 'created', extra: 1 }] }))).toEqual([
			'body field events[].extra not documented',
		]);
		expect(problems(req('none', 'GET', '/api/v2/lead/'))).toEqual(['no documented operation']);
	});

	test('Open Connectors: hub listing parameters and instance configuration keys', () => {
		expect(problems(req('oc', 'GET', '/hubs/crm/accounts', { where: "date_updated>'x'", pageSize: '100', nextPage: 't', orderBy: 'date_updated', returnCount: 'true' }))).toEqual([]);
		expect(problems(req('oc', 'GET', '/hubs/crm/accounts', { limit: '10' }))).toEqual(['query parameter limit not documented']);
		expect(problems(req('oc', 'PATCH', '/instances/12', {}, { configuration: { 'event.vendor.type': 'webhook' } }))).toEqual([]);
		expect(problems(req('oc', 'PATCH', '/instances/12', {}, { configuration: { 'event.vendor.typo': 'webhook' } }))).toEqual([
			'body field configuration.event.vendor.typo not documented',
		]);
	});
});
