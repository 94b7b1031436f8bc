import { ApiError } from '../../../lib/clients/errors';
import { CloseClient } from '../../../lib/clients/closeClient';
import { json, scriptedRequest } from '../../helpers/scriptedRequest';

const BASE = 'https://close.test/api/v1';

describe('CloseClient', () => {
	it('createWebhook POSTs /webhook/', async () => {
		const request = scriptedRequest(json(201, { id: 'whsub_1', signature_key: 'a'.repeat(64) }));
		const client = new CloseClient(request, `${BASE}/`);
		const body = { url: 'https://n8n.test/hook', events: [{ object_type: 'lead', action: 'created' }], verify_ssl: true };
		expect((await client.createWebhook(body)).id).toBe('whsub_1');
		expect(request.calls[0]).toMatchObject({ method: 'POST', url: `${BASE}/webhook/`, body });
	});

	it('listWebhooks follows has_more with _skip', async () => {
		const request = scriptedRequest(
			json(200, { data: [{ id: 'whsub_1' }, { id: 'whsub_2' }], has_more: true }),
			json(200, { data: [{ id: 'whsub_3' }], has_more: false }),
		);
		const list = await new CloseClient(request, BASE).listWebhooks();
		expect(list.map((hook) => hook.id)).toEqual(['whsub_1', 'whsub_2', 'whsub_3']);
		expect(request.calls[1].qs).toMatchObject({ _skip: 2 });
	});

	it('listWebhooks follows cursor_next too', async () => {
		const request = scriptedRequest(
			json(200, { data: [{ id: 'whsub_1' }], cursor_next: 'c2' }),
			json(200, { data: [{ id: 'whsub_2' }], cursor_next: null }),
		);
		const list = await new CloseClient(request, BASE).listWebhooks();
		expect(list).toHaveLength(2);
		expect(request.calls[1].qs).toMatchObject({ _cursor: 'c2' });
	});

	it('getWebhook: 404 -> null; deleteWebhook: 404 -> false', async () => {
		const request = scriptedRequest(json(404, { error: 'Not found' }));
		const client = new CloseClient(request, BASE);
		expect(await client.getWebhook('whsub_x')).toBeNull();
		expect(await client.deleteWebhook('whsub_x')).toBe(false);
		expect(request.calls.map((call) => `${call.method} ${call.url}`)).toEqual([
			`GET ${BASE}/webhook/whsub_x/`,
			`DELETE ${BASE}/webhook/whsub_x/`,
		]);
	});

	it('updateWebhook PUTs a partial body; deleteWebhook returns true', async () => {
		const request = scriptedRequest(json(200, { id: 'whsub_1', status: 'paused' }), json(204, ''));
		const client = new CloseClient(request, BASE);
		expect((await client.updateWebhook('whsub_1', { status: 'paused' })).status).toBe('paused');
		expect(await client.deleteWebhook('whsub_1')).toBe(true);
		expect(request.calls[0]).toMatchObject({ method: 'PUT', body: { status: 'paused' } });
	});

	it('listEvents passes filters and returns data + cursor_next', async () => {
		const request = scriptedRequest(json(200, { data: [{ id: 'ev_1' }], cursor_next: 'n1', cursor_previous: null }));
		const page = await new CloseClient(request, BASE).listEvents({
			date_updated__gte: '2024-05-01T10:00:00.123456+00:00',
			object_type: 'lead',
			_limit: 50,
			_cursor: undefined,
		});
		expect(page).toEqual({ data: [{ id: 'ev_1' }], cursor_next: 'n1', cursor_previous: null });
		expect(request.calls[0]).toMatchObject({
			url: `${BASE}/event/`,
			qs: { date_updated__gte: '2024-05-01T10:00:00.123456+00:00', object_type: 'lead', _limit: 50 },
		});
		expect(request.calls[0].qs).not.toHaveProperty('_cursor');
	});

	it('maps errors to ApiError (service close)', async () => {
		const request = scriptedRequest(json(400, { errors: [], 'field-errors': { events: 'This field is required.' } }));
		const error = await new CloseClient(request, BASE).createWebhook({ url: 'x', events: [] }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ statusCode: 400, service: 'close', message: 'events: This field is required.' });
		const unauthorized = scriptedRequest(json(401, { error: 'Invalid API key' }));
		await expect(new CloseClient(unauthorized, BASE).listEvents()).rejects.toMatchObject({ statusCode: 401, message: 'Invalid API key' });
	});
});
