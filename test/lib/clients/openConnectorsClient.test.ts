import { ApiError, apiErrorFrom, sanitizeText } from '../../../lib/clients/errors';
import { OpenConnectorsClient, base64Ascii } from '../../../lib/clients/openConnectorsClient';
import { json, scriptedRequest } from '../../helpers/scriptedRequest';

const BASE = 'https://oc.test/elements/api-v2';

describe('OpenConnectorsClient', () => {
	it('eventsUrl: base64 of the decimal id (20931 -> MjA5MzE=)', () => {
		const client = new OpenConnectorsClient(scriptedRequest(json(200, {})), `${BASE}/`);
		expect(client.eventsUrl(20931)).toBe(`${BASE}/events/closeio/MjA5MzE=`);
		expect(client.eventsUrl('7')).toBe(`${BASE}/events/closeio/${Buffer.from('7').toString('base64')}`);
		for (const text of ['1', '12', '123', '1234', '98765432']) {
			expect(base64Ascii(text)).toBe(Buffer.from(text).toString('base64'));
		}
		expect(() => client.eventsUrl('12a')).toThrow('not a valid instance ID');
	});

	it('createInstance sends element.key closeio', async () => {
		const request = scriptedRequest(json(200, { id: 12, token: 't' }));
		const client = new OpenConnectorsClient(request, BASE);
		const created = await client.createInstance({ name: 'n', configuration: { username: 'k' }, tags: ['a'] });
		expect(created.id).toBe(12);
		expect(request.calls[0]).toMatchObject({
			method: 'POST',
			url: `${BASE}/instances`,
			body: { name: 'n', configuration: { username: 'k' }, tags: ['a'], element: { key: 'closeio' } },
		});
	});

	it('listInstances filters closeio client-side and sends tags[]', async () => {
		const request = scriptedRequest(
			json(200, [
				{ id: 1, element: { key: 'closeio' } },
				{ id: 2, element: { key: 'hubspotcrm' } },
				{ id: 3, element: { key: 'closeio' } },
			]),
		);
		const client = new OpenConnectorsClient(request, BASE);
		const list = await client.listInstances({ tags: ['x', 'y'], hydrate: false });
		expect(list.map((instance) => instance.id)).toEqual([1, 3]);
		expect(request.calls[0].qs).toEqual({ 'tags[]': ['x', 'y'], hydrate: false });
	});

	it('listInstances follows elements-next-page-token until an empty page, and honours limit', async () => {
		const request = scriptedRequest(
			json(200, [{ id: 1 }, { id: 2 }], { 'elements-next-page-token': 'p2' }),
			json(200, [{ id: 3 }], { 'elements-next-page-token': 'p3' }),
			json(200, [], { 'elements-next-page-token': 'p4' }),
		);
		const client = new OpenConnectorsClient(request, BASE);
		expect((await client.listInstances()).map((instance) => instance.id)).toEqual([1, 2, 3]);
		expect(request.calls.map((call) => call.qs?.nextPage)).toEqual([undefined, 'p2', 'p3']);

		const limited = scriptedRequest(json(200, [{ id: 1 }, { id: 2 }], { 'elements-next-page-token': 'p2' }));
		expect(await new OpenConnectorsClient(limited, BASE).listInstances({ limit: 1 })).toHaveLength(1);
		expect(limited.calls).toHaveLength(1);
	});

	it('get / update (PATCH) / delete', async () => {
		const request = scriptedRequest(json(200, { id: 5 }), json(200, { id: 5, name: 'b' }), json(200, {}));
		const client = new OpenConnectorsClient(request, BASE);
		await client.getInstance(5);
		await client.updateInstance('5', { name: 'b' });
		expect(await client.deleteInstance(5)).toBe(true);
		expect(request.calls.map((call) => `${call.method} ${call.url}`)).toEqual([
			`GET ${BASE}/instances/5`,
			`PATCH ${BASE}/instances/5`,
			`DELETE ${BASE}/instances/5`,
		]);
	});

	it('deleteInstance tolerates 404 only when asked', async () => {
		const notFound = json(404, { message: 'No instance found with id 9', requestId: 'r-9' });
		const client = new OpenConnectorsClient(scriptedRequest(notFound), BASE);
		expect(await client.deleteInstance(9, { tolerateNotFound: true })).toBe(false);
		await expect(client.deleteInstance(9)).rejects.toMatchObject({
			statusCode: 404,
			message: 'No instance found with id 9',
			requestId: 'r-9',
		});
	});

	it('getInstanceToken returns the token, refuses a masked one', async () => {
		const client = new OpenConnectorsClient(scriptedRequest(json(200, { id: 1, token: 'abc/def=' }), json(200, { id: 1, token: '********' })), BASE);
		expect(await client.getInstanceToken(1)).toBe('abc/def=');
		await expect(client.getInstanceToken(1)).rejects.toThrow('no token');
	});

	it('listHubPage passes the element token and reads the paging headers', async () => {
		const request = scriptedRequest(
			json(200, [{ id: 'lead_1' }], {
				'elements-next-page-token': 'tok',
				'elements-returned-count': '1',
				'elements-request-id': 'req-1',
			}),
		);
		const client = new OpenConnectorsClient(request, BASE);
		const page = await client.listHubPage('accounts', { where: "x='y'", pageSize: 1, elementToken: 'ELT' });
		expect(page).toEqual({ records: [{ id: 'lead_1' }], nextPage: 'tok', returnedCount: 1, requestId: 'req-1' });
		expect(request.calls[0]).toMatchObject({
			method: 'GET',
			url: `${BASE}/hubs/crm/accounts`,
			qs: { where: "x='y'", pageSize: 1 },
			elementToken: 'ELT',
		});
	});

	it('listHubAll walks pages until an empty one (the token is sent even then)', async () => {
		const request = scriptedRequest(
			json(200, [{ id: 1 }, { id: 2 }], { 'elements-next-page-token': 'a' }),
			json(200, [{ id: 3 }], { 'elements-next-page-token': 'b' }),
			json(200, [], { 'elements-next-page-token': 'c' }),
		);
		const client = new OpenConnectorsClient(request, BASE);
		const ids: unknown[] = [];
		for await (const record of client.listHubAll('contacts', { elementToken: 'T', pageSize: 2 })) ids.push(record.id);
		expect(ids).toEqual([1, 2, 3]);
		expect(request.calls.map((call) => call.qs?.nextPage)).toEqual([undefined, 'a', 'b']);
	});

	it.each([
		[400, { message: 'Missing required configuration entries: username', requestId: 'r1' }],
		[401, { message: 'Invalid Organization or User secret, or invalid Element token provided.', requestId: 'r2' }],
		[404, { message: 'No instance found', requestId: 'r3' }],
		[409, { message: 'An instance with that name already exists', requestId: 'r4' }],
		[500, { message: 'Internal error', requestId: 'r5', providerMessage: 'Close said no' }],
	])('maps HTTP %i to ApiError with message and requestId', async (status, body) => {
		const client = new OpenConnectorsClient(scriptedRequest(json(status, body)), BASE);
		const error = await client.getInstance(1).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ statusCode: status, message: body.message, requestId: body.requestId, service: 'openConnectors' });
		if ('providerMessage' in body) expect((error as ApiError).providerMessage).toBe(body.providerMessage);
	});
});

describe('apiErrorFrom / sanitizeText', () => {
	it('reads the request id header when the body has none, and a default message', () => {
		const error = apiErrorFrom({ statusCode: 502, headers: { 'elements-request-id': 'hdr-1' }, body: '' }, 'openConnectors');
		expect(error.requestId).toBe('hdr-1');
		expect(error.message).toBe('SAP Open Connectors answered HTTP 502');
	});

	it('reads Close {error} and {errors, field-errors}', () => {
		expect(apiErrorFrom({ statusCode: 404, headers: {}, body: { error: 'Not found' } }, 'close').message).toBe('Not found');
		const error = apiErrorFrom(
			{ statusCode: 400, headers: {}, body: { errors: ['Bad events'], 'field-errors': { url: 'Enter a valid URL.' } } },
			'close',
		);
		expect(error.message).toBe('Bad events; url: Enter a valid URL.');
		expect(error.fieldErrors).toEqual({ url: 'Enter a valid URL.' });
	});

	it('keeps retryAfterSeconds', () => {
		const error = apiErrorFrom({ statusCode: 429, headers: { 'retry-after': '120' }, body: {} }, 'close');
		expect(error.retryAfterSeconds).toBe(120);
	});

	it('never lets an echoed secret through', () => {
		const body = {
			message:
				'Bad header "User us3r-s3cret, Organization org-s3cret, Element tok/en=" and {"username": "close-key-123", "password": "pw-123"} token=abc123 Basic Y2xvc2Uta2V5LTEyMzo=',
			requestId: 'r',
		};
		const error = apiErrorFrom({ statusCode: 401, headers: {}, body }, 'openConnectors', ['close-key-123']);
		for (const secret of ['us3r-s3cret', 'org-s3cret', 'tok/en=', 'close-key-123', 'pw-123', 'abc123', 'Y2xvc2Uta2V5LTEyMzo=']) {
			expect(error.message).not.toContain(secret);
		}
		expect(error.message).toContain('User ********, Organization ********, Element ********');
	});

	it('leaves ordinary words alone', () => {
		expect(sanitizeText('Invalid Organization or User secret, or invalid Element token provided.')).toBe(
			'Invalid Organization or User secret, or invalid Element token provided.',
		);
	});
});
