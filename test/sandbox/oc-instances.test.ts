import { Sandbox, startSandbox } from '../../sandbox';
import { json, ocAuth } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(() => sb.close());
beforeEach(() => sb.admin.reset());

async function createInstance(body: Record<string, unknown>, path = '/instances'): Promise<Response> {
	return fetch(sb.ocBaseUrl + path, { method: 'POST', headers: ocAuth(sb), body: JSON.stringify(body) });
}

function validBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		element: { key: 'closeio' },
		name: 'Test',
		tags: ['n8n'],
		configuration: { username: sb.secrets.closeApiKey, password: 'pw', ...extra },
	};
}

describe('Open Connectors auth', () => {
	it('rejects missing, wrong and partial secrets with 401 {message, requestId}', async () => {
		for (const headers of [
			{} as Record<string, string>,
			{ Authorization: `User nope, Organization ${sb.secrets.organizationSecret}` },
			{ Authorization: `User ${sb.secrets.userSecret}` },
		]) {
			const res = await fetch(sb.ocBaseUrl + '/instances', { headers });
			expect(res.status).toBe(401);
			const body = await json(res);
			expect(typeof body.message).toBe('string');
			expect(body.requestId).toBe(res.headers.get('elements-request-id'));
		}
	});

	it('accepts the header in any order and spacing', async () => {
		const res = await fetch(sb.ocBaseUrl + '/instances', {
			headers: { Authorization: `Organization   ${sb.secrets.organizationSecret} ,User ${sb.secrets.userSecret}` },
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('elements-request-id')).toBeTruthy();
	});

	it('hub calls need a valid Element token', async () => {
		const res = await fetch(sb.ocBaseUrl + '/hubs/crm/accounts', { headers: ocAuth(sb) });
		expect(res.status).toBe(401);
		const bad = await fetch(sb.ocBaseUrl + '/hubs/crm/accounts', { headers: ocAuth(sb, 'not-a-token') });
		expect(bad.status).toBe(401);
	});
});

describe('instances', () => {
	it('creates with element or connector key and returns the seed shape, secrets masked', async () => {
		for (const key of ['element', 'connector']) {
			const body = validBody({ 'event.notification.signature.key': 'sig' });
			body[key] = { key: 'closeio' };
			if (key === 'connector') delete body.element;
			const res = await createInstance(body);
			expect(res.status).toBe(200);
			const inst = await json(res);
			expect(typeof inst.id).toBe('number');
			expect(inst.name).toBe('Test');
			expect(typeof inst.token).toBe('string');
			expect(inst.token.length).toBeGreaterThan(20);
			expect(inst.element).toMatchObject({ key: 'closeio', name: 'Close.io Beta', hub: 'crm' });
			expect(inst.valid).toBe(true);
			expect(inst.disabled).toBe(false);
			expect(inst.eventsEnabled).toBe(false);
			expect(inst.cachingEnabled).toBe(false);
			expect(inst.tags).toEqual(['n8n']);
			expect(inst.configuration).toMatchObject({
				'base.url': sb.closeBaseUrl,
				'pagination.offset': 'true',
				'pagination.max': '100',
				username: '********',
				password: '********',
				'event.notification.signature.key': '********',
			});
			expect(JSON.stringify(inst)).not.toContain(sb.secrets.closeApiKey);
			expect(JSON.stringify(inst)).not.toContain('"sig"');
		}
	});

	it('POST /elements/closeio/instances works too; unknown element is 404', async () => {
		const body = validBody();
		delete body.element;
		const ok = await createInstance(body, '/elements/closeio/instances');
		expect(ok.status).toBe(200);
		const bad = await createInstance({ ...validBody(), element: { key: 'salesforce' } });
		expect(bad.status).toBe(404);
		expect((await json(bad)).message).toMatch(/salesforce/);
	});

	it('names every missing required configuration entry', async () => {
		const res = await createInstance({ element: { key: 'closeio' }, configuration: { password: 'x' } });
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.message).toMatch(/username/);
		expect(body.requestId).toBeTruthy();
	});

	it('rejects a wrong Close API key like the platform validating with the provider', async () => {
		const res = await createInstance({ element: { key: 'closeio' }, configuration: { username: 'wrong' } });
		expect(res.status).toBe(400);
		expect((await json(res)).providerMessage).toBeTruthy();
	});

	it('eventsEnabled follows event.notification.enabled; poller configuration as object or string', async () => {
		const poller = { contacts: { url: '/hubs/crm/contacts', idField: 'id' } };
		const a = await json(await createInstance(validBody({ 'event.notification.enabled': 'true', 'event.poller.configuration': poller })));
		expect(a.eventsEnabled).toBe(true);
		expect(JSON.parse(a.configuration['event.poller.configuration'])).toEqual(poller);
		const b = await json(await createInstance(validBody({ 'event.poller.configuration': JSON.stringify(poller) })));
		expect(JSON.parse(b.configuration['event.poller.configuration'])).toEqual(poller);
		const bad = await createInstance(validBody({ 'event.poller.configuration': '{nope' }));
		expect(bad.status).toBe(400);
	});

	it('lists with tags[] filters (single and repeated) and hydrate=false', async () => {
		await createInstance({ ...validBody(), name: 'A', tags: ['x'] });
		await createInstance({ ...validBody(), name: 'B', tags: ['y'] });
		await createInstance({ ...validBody(), name: 'C', tags: [] });
		const all = await json(await fetch(sb.ocBaseUrl + '/instances', { headers: ocAuth(sb) }));
		expect(all.map((i: any) => i.name).sort()).toEqual(['A', 'B', 'C']);
		const x = await json(await fetch(sb.ocBaseUrl + '/instances?tags[]=x', { headers: ocAuth(sb) }));
		expect(x.map((i: any) => i.name)).toEqual(['A']);
		const xy = await json(await fetch(sb.ocBaseUrl + '/instances?tags%5B%5D=x&tags%5B%5D=y', { headers: ocAuth(sb) }));
		expect(xy.map((i: any) => i.name).sort()).toEqual(['A', 'B']);
		const light = await json(await fetch(sb.ocBaseUrl + '/instances?hydrate=false', { headers: ocAuth(sb) }));
		expect(light[0].configuration).toBeUndefined();
	});

	it('GET / PATCH (merge, tags replace) / PUT (replace) / DELETE, 404 on unknown ids', async () => {
		const inst = await json(await createInstance(validBody({ a: '1' })));
		const url = `${sb.ocBaseUrl}/instances/${inst.id}`;
		const got = await json(await fetch(url, { headers: ocAuth(sb) }));
		expect(got.id).toBe(inst.id);
		expect(got.configuration.username).toBe('********');

		const patched = await json(
			await fetch(url, { method: 'PATCH', headers: ocAuth(sb), body: JSON.stringify({ configuration: { b: '2', 'event.notification.enabled': 'true' }, tags: ['t2'] }) }),
		);
		expect(patched.configuration).toMatchObject({ a: '1', b: '2' });
		expect(patched.tags).toEqual(['t2']);
		expect(patched.eventsEnabled).toBe(true);
		// the stored key is untouched by masking
		expect(sb.admin.instances()[0].configuration.username).toBe(sb.secrets.closeApiKey);

		const put = await json(
			await fetch(url, {
				method: 'PUT',
				headers: ocAuth(sb),
				body: JSON.stringify({ element: { key: 'closeio' }, name: 'Renamed', configuration: { username: sb.secrets.closeApiKey, c: '3' } }),
			}),
		);
		expect(put.name).toBe('Renamed');
		expect(put.configuration.a).toBeUndefined();
		expect(put.configuration.c).toBe('3');
		expect(put.tags).toEqual([]);

		const putMissing = await fetch(url, { method: 'PUT', headers: ocAuth(sb), body: JSON.stringify({ configuration: {} }) });
		expect(putMissing.status).toBe(400);

		expect((await fetch(url, { method: 'DELETE', headers: ocAuth(sb) })).status).toBe(200);
		for (const method of ['GET', 'PATCH', 'DELETE']) {
			const r = await fetch(url, { method, headers: ocAuth(sb), body: method === 'PATCH' ? '{}' : undefined });
			expect(r.status).toBe(404);
			expect((await json(r)).requestId).toBeTruthy();
		}
	});

	it('lists and patches configuration entries by id', async () => {
		const inst = await json(await createInstance(validBody({ 'event.notification.callback.url': 'http://a' })));
		const list = await json(await fetch(`${sb.ocBaseUrl}/instances/${inst.id}/configuration`, { headers: ocAuth(sb) }));
		const entry = list.find((e: any) => e.key === 'event.notification.callback.url');
		expect(entry).toMatchObject({ key: 'event.notification.callback.url', propertyValue: 'http://a' });
		expect(typeof entry.id).toBe('number');
		expect(list.find((e: any) => e.key === 'username').propertyValue).toBe('********');
		const res = await fetch(`${sb.ocBaseUrl}/instances/${inst.id}/configuration/${entry.id}`, {
			method: 'PATCH',
			headers: ocAuth(sb),
			body: JSON.stringify({ propertyValue: 'http://b' }),
		});
		expect(await json(res)).toMatchObject({ id: entry.id, propertyValue: 'http://b' });
		const again = await json(await fetch(`${sb.ocBaseUrl}/instances/${inst.id}`, { headers: ocAuth(sb) }));
		expect(again.configuration['event.notification.callback.url']).toBe('http://b');
		const missing = await fetch(`${sb.ocBaseUrl}/instances/${inst.id}/configuration/999999`, { method: 'PATCH', headers: ocAuth(sb), body: '{"propertyValue":"x"}' });
		expect(missing.status).toBe(404);
	});
});
