// Webhook mode's set-up: checkExists / create / delete for each delivery route, against the sandbox.
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { configOf, eventsUrl, hookCtx, trigger, uniqueNodeId, type Params, useSandboxInstance } from './helpers';

let sandbox: Sandbox;
let instanceId: string;

const PROD_URL = 'http://n8n.example.test/webhook/abc-123/webhook';
const TEST_URL = 'http://n8n.example.test/webhook-test/abc-123/webhook';
const PREVIOUS = {
	'event.notification.enabled': 'false',
	'event.vendor.type': 'polling',
	'event.notification.callback.url': 'http://elsewhere.example.test/hook',
	'event.poller.refresh_interval': '15',
};

useSandboxInstance((s, id) => {
	sandbox = s;
	instanceId = id;
}, PREVIOUS);

function hooks(params: Partial<Params> = {}, staticData: { node?: IDataObject } = {}) {
	const nodeId = uniqueNodeId();
	const p: Params = { instanceId, objects: ['lead', 'contact'], events: ['created', 'updated', 'deleted', 'merged'], ...params };
	const at = (url: string) => {
		const ctx = () => hookCtx({ sandbox, params: p, staticData, nodeId, url });
		return {
			checkExists: () => trigger.webhookMethods.default.checkExists.call(ctx()),
			create: () => trigger.webhookMethods.default.create.call(ctx()),
			delete: () => trigger.webhookMethods.default.delete.call(ctx()),
		};
	};
	return { staticData, at };
}

const LEAD_CONTACT_ALL = [
	'contact.created',
	'contact.deleted',
	'contact.updated',
	'lead.created',
	'lead.deleted',
	'lead.merged',
	'lead.updated',
];

function eventKeys(events: Array<{ object_type: string; action: string }>): string[] {
	return events.map((e) => `${e.object_type}.${e.action}`).sort();
}

describe('CloseIoTrigger webhook lifecycle, delivery openConnectors (default)', () => {
	test('create enables instance events and ONE subscription to the instance events URL; checkExists false -> true', async () => {
		const h = hooks().at(PROD_URL);
		expect(await h.checkExists()).toBe(false);
		expect(await h.create()).toBe(true);

		const config = configOf(sandbox, instanceId);
		expect(config['event.notification.enabled']).toBe('true');
		expect(config['event.vendor.type']).toBe('webhook');
		expect(config['event.notification.callback.url']).toBe(PROD_URL);
		expect(typeof config['event.notification.signature.key']).toBe('string');
		expect((config['event.notification.signature.key'] as string).length).toBeGreaterThanOrEqual(32);

		const subs = sandbox.admin.webhooks();
		expect(subs).toHaveLength(1);
		expect(subs[0].url).toBe(eventsUrl(sandbox, instanceId));
		expect(subs[0].status).toBe('active');
		expect(eventKeys(subs[0].events)).toEqual(LEAD_CONTACT_ALL);

		expect(await h.checkExists()).toBe(true);
		// Creating again (n8n may) still leaves one subscription.
		await h.create();
		expect(sandbox.admin.webhooks()).toHaveLength(1);
	});

	test('delete removes the subscription and restores the previous events settings; twice is not an error', async () => {
		const h = hooks().at(PROD_URL);
		await h.create();
		expect(await h.delete()).toBe(true);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
		const config = configOf(sandbox, instanceId);
		for (const [key, value] of Object.entries(PREVIOUS)) expect(config[key]).toBe(value);
		expect(await h.checkExists()).toBe(false);
		await expect(h.delete()).resolves.toBe(true);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});

	test('delete after the subscription was removed by hand is not an error and still restores the instance', async () => {
		const h = hooks().at(PROD_URL);
		await h.create();
		const sub = sandbox.admin.webhooks()[0];
		const res = await fetch(`${sandbox.closeBaseUrl}/webhook/${sub.id}/`, {
			method: 'DELETE',
			headers: { Authorization: `Basic ${Buffer.from(`${sandbox.secrets.closeApiKey}:`).toString('base64')}` },
		});
		expect(res.status).toBeLessThan(300);
		await expect(h.delete()).resolves.toBe(true);
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(PREVIOUS['event.notification.callback.url']);
	});

	test.each([
		[
			'subscription deleted',
			async () => {
				const sub = sandbox.admin.webhooks()[0];
				await closeApi('DELETE', `/webhook/${sub.id}/`);
			},
		],
		[
			'subscription paused',
			async () => {
				const sub = sandbox.admin.webhooks()[0];
				await closeApi('PUT', `/webhook/${sub.id}/`, { status: 'paused' });
			},
		],
		[
			'subscription re-pointed',
			async () => {
				const sub = sandbox.admin.webhooks()[0];
				await closeApi('PUT', `/webhook/${sub.id}/`, { url: 'http://elsewhere.example.test/other' });
			},
		],
		[
			'subscription events narrowed',
			async () => {
				const sub = sandbox.admin.webhooks()[0];
				await closeApi('PUT', `/webhook/${sub.id}/`, { events: [{ object_type: 'lead', action: 'created' }] });
			},
		],
		[
			'a second subscription at the same URL',
			async () => {
				sandbox.admin.createWebhook({ url: eventsUrl(sandbox, instanceId), events: [{ object_type: 'lead', action: 'created' }] });
			},
		],
		[
			'instance callback changed elsewhere',
			async () => {
				await ocApi('PATCH', `/instances/${instanceId}`, { configuration: { 'event.notification.callback.url': 'http://elsewhere.example.test/x' } });
			},
		],
		[
			'instance events disabled elsewhere',
			async () => {
				await ocApi('PATCH', `/instances/${instanceId}`, { configuration: { 'event.notification.enabled': 'false' } });
			},
		],
	])('repair: %s -> checkExists false, create repairs without a second subscription', async (_name, breakIt) => {
		const h = hooks().at(PROD_URL);
		await h.create();
		await breakIt();
		expect(await h.checkExists()).toBe(false);
		await h.create();
		expect(await h.checkExists()).toBe(true);
		const atEvents = sandbox.admin.webhooks().filter((s) => s.url === eventsUrl(sandbox, instanceId));
		expect(atEvents).toHaveLength(1);
		expect(atEvents[0].status).toBe('active');
		expect(eventKeys(atEvents[0].events)).toEqual(LEAD_CONTACT_ALL);
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(PROD_URL);
		// A repair must not forget what was there before the first activation.
		await h.delete();
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(PREVIOUS['event.notification.callback.url']);
		expect(sandbox.admin.webhooks().filter((s) => s.url === eventsUrl(sandbox, instanceId))).toHaveLength(0);
	});

	test('test URL and production URL each get a set-up; deleting the test one while production owns the instance leaves production intact', async () => {
		const { at, staticData } = hooks();
		const test = at(TEST_URL);
		const prod = at(PROD_URL);
		await test.create();
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(TEST_URL);
		const testKey = configOf(sandbox, instanceId)['event.notification.signature.key'];
		await prod.create();
		const setups = (staticData.node as { setups: Record<string, unknown> }).setups;
		expect(Object.keys(setups).sort()).toEqual([PROD_URL, TEST_URL].sort());
		const config = configOf(sandbox, instanceId);
		expect(config['event.notification.callback.url']).toBe(PROD_URL);
		// One key per node: webhook() gets the production URL even for test deliveries on n8n 1.x.
		expect(config['event.notification.signature.key']).toBe(testKey);
		expect(sandbox.admin.webhooks()).toHaveLength(1);

		await test.delete();
		expect(configOf(sandbox, instanceId)).toMatchObject({
			'event.notification.enabled': 'true',
			'event.vendor.type': 'webhook',
			'event.notification.callback.url': PROD_URL,
		});
		expect(sandbox.admin.webhooks()).toHaveLength(1);
		expect(await prod.checkExists()).toBe(true);

		await prod.delete();
		const restored = configOf(sandbox, instanceId);
		for (const [key, value] of Object.entries(PREVIOUS)) expect(restored[key]).toBe(value);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});

	test('production first, then a test listener takes the instance over: deleting the test one hands it back to production', async () => {
		const { at } = hooks();
		const test = at(TEST_URL);
		const prod = at(PROD_URL);
		await prod.create();
		const prodConfig = { ...configOf(sandbox, instanceId) };
		await test.create();
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(TEST_URL);
		expect(sandbox.admin.webhooks()).toHaveLength(1);

		await test.delete();
		const config = configOf(sandbox, instanceId);
		expect(config['event.notification.enabled']).toBe('true');
		expect(config['event.notification.callback.url']).toBe(PROD_URL);
		// Production's deliveries must be signed with production's key again.
		expect(config['event.notification.signature.key']).toBe(prodConfig['event.notification.signature.key']);
		expect(sandbox.admin.webhooks()).toHaveLength(1);
		expect(await prod.checkExists()).toBe(true);

		await prod.delete();
		const restored = configOf(sandbox, instanceId);
		for (const [key, value] of Object.entries(PREVIOUS)) expect(restored[key]).toBe(value);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});
});

describe('CloseIoTrigger webhook lifecycle: a test listener as n8n 1.x runs it (static data of its own, empty)', () => {
	test('stopping the test listener hands the instance back to the active production set-up', async () => {
		const prodStatic: { node?: IDataObject } = {};
		const nodeId = uniqueNodeId();
		const p: Params = { instanceId, objects: ['lead'], events: ['created', 'updated'] };
		const prodCtx = () => hookCtx({ sandbox, params: p, staticData: prodStatic, nodeId, url: PROD_URL });
		await trigger.webhookMethods.default.create.call(prodCtx());
		const prodConfig = { ...configOf(sandbox, instanceId) };
		// n8n 1.x: toWorkflow() gives a test registration `staticData: {}`, kept from create to delete.
		const testStatic: { node?: IDataObject } = {};
		const testCtx = () => hookCtx({ sandbox, params: p, staticData: testStatic, nodeId, url: TEST_URL });
		await trigger.webhookMethods.default.create.call(testCtx());
		expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe(TEST_URL);
		await trigger.webhookMethods.default.delete.call(testCtx());
		const config = configOf(sandbox, instanceId);
		expect(config['event.notification.enabled']).toBe('true');
		expect(config['event.notification.callback.url']).toBe(PROD_URL);
		expect(config['event.notification.signature.key']).toBe(prodConfig['event.notification.signature.key']);
		expect(sandbox.admin.webhooks().filter((s) => s.url === eventsUrl(sandbox, instanceId))).toHaveLength(1);
		expect(await trigger.webhookMethods.default.checkExists.call(prodCtx())).toBe(true);
		await trigger.webhookMethods.default.delete.call(prodCtx());
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});
});

describe('CloseIoTrigger webhook lifecycle, delivery direct', () => {
	test('a subscription to the node URL, no instance change; delete removes it', async () => {
		const before = JSON.stringify(configOf(sandbox, instanceId));
		const h = hooks({ options: { delivery: 'direct' } }).at(PROD_URL);
		expect(await h.checkExists()).toBe(false);
		await h.create();
		const subs = sandbox.admin.webhooks();
		expect(subs).toHaveLength(1);
		expect(subs[0].url).toBe(PROD_URL);
		expect(eventKeys(subs[0].events)).toEqual(LEAD_CONTACT_ALL);
		expect(JSON.stringify(configOf(sandbox, instanceId))).toBe(before);
		expect(await h.checkExists()).toBe(true);

		await closeApi('PUT', `/webhook/${subs[0].id}/`, { status: 'paused' });
		expect(await h.checkExists()).toBe(false);
		await h.create();
		expect(sandbox.admin.webhooks()).toHaveLength(1);
		expect(sandbox.admin.webhooks()[0].status).toBe('active');

		await h.delete();
		expect(sandbox.admin.webhooks()).toHaveLength(0);
		expect(JSON.stringify(configOf(sandbox, instanceId))).toBe(before);
		await expect(h.delete()).resolves.toBe(true);
	});

	test('test and production URLs each get their own subscription; deleting one leaves the other', async () => {
		const { at } = hooks({ options: { delivery: 'direct' } });
		await at(TEST_URL).create();
		await at(PROD_URL).create();
		expect(sandbox.admin.webhooks().map((s) => s.url).sort()).toEqual([PROD_URL, TEST_URL].sort());
		await at(TEST_URL).delete();
		expect(sandbox.admin.webhooks().map((s) => s.url)).toEqual([PROD_URL]);
		expect(await at(PROD_URL).checkExists()).toBe(true);
	});
});

describe('CloseIoTrigger webhook lifecycle, delivery openConnectorsPolling', () => {
	test('vendor type polling, refresh interval and poller configuration for the selected objects; no subscription', async () => {
		const h = hooks({ options: { delivery: 'openConnectorsPolling', refreshInterval: 7 } }).at(PROD_URL);
		expect(await h.checkExists()).toBe(false);
		await h.create();
		const config = configOf(sandbox, instanceId);
		expect(config['event.notification.enabled']).toBe('true');
		expect(config['event.vendor.type']).toBe('polling');
		expect(config['event.notification.callback.url']).toBe(PROD_URL);
		expect(String(config['event.poller.refresh_interval'])).toBe('7');
		const raw = config['event.poller.configuration'];
		const poller = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, { url: string }>;
		expect(Object.keys(poller).sort()).toEqual(['accounts', 'contacts']);
		expect(poller.accounts.url).toContain('/hubs/crm/accounts');
		expect(sandbox.admin.webhooks()).toHaveLength(0);
		expect(await h.checkExists()).toBe(true);

		await ocApi('PATCH', `/instances/${instanceId}`, { configuration: { 'event.poller.refresh_interval': '60' } });
		expect(await h.checkExists()).toBe(false);
		await h.create();
		expect(await h.checkExists()).toBe(true);

		await h.delete();
		const restored = configOf(sandbox, instanceId);
		for (const [key, value] of Object.entries(PREVIOUS)) expect(restored[key]).toBe(value);
		expect(sandbox.admin.webhooks()).toHaveLength(0);
	});
});

async function closeApi(method: string, path: string, body?: unknown): Promise<void> {
	const res = await fetch(`${sandbox.closeBaseUrl}${path}`, {
		method,
		headers: {
			Authorization: `Basic ${Buffer.from(`${sandbox.secrets.closeApiKey}:`).toString('base64')}`,
			'Content-Type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function ocApi(method: string, path: string, body?: unknown): Promise<void> {
	const res = await fetch(`${sandbox.ocBaseUrl}${path}`, {
		method,
		headers: {
			Authorization: `User ${sandbox.secrets.userSecret}, Organization ${sandbox.secrets.organizationSecret}`,
			'Content-Type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}
