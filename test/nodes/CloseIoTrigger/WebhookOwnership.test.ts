// One instance, one owner (Open Connectors delivery): a second workflow cannot silently take over an
// instance whose callback another ACTIVE receiver holds; a stale owner does not block; deactivating
// the refused workflow tears down nothing of the owner's. Direct delivery: any number of workflows.
// And a callback URL the provider cannot reach fails the activation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Sandbox } from '../../../sandbox';
import { configOf, eventsUrl, hookCtx, trigger, uniqueNodeId, useSandboxInstance, type Params } from './helpers';

let sandbox: Sandbox;
let instanceId: string;
useSandboxInstance((sb, id) => {
	sandbox = sb;
	instanceId = id;
});

/** Plays the other workflow's n8n: answers every POST with `status` (401: a live trigger; 404: none registered). */
async function otherN8n(status: number): Promise<{ base: string; probes: number; close(): Promise<void> }> {
	const state = { probes: 0 };
	const server = http.createServer((req, res) => {
		state.probes++;
		req.resume();
		req.on('end', () => {
			res.statusCode = status;
			res.end(status === 401 ? '{"error":"missing signature"}' : '{"code":404,"message":"The requested webhook is not registered."}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		base,
		get probes() {
			return state.probes;
		},
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

const paramsFor = (delivery: string): Params => ({ instanceId, objects: ['lead'], events: ['created'], options: { delivery } });
const hook = (url: string, delivery = 'openConnectors', nodeId = uniqueNodeId()) => {
	const staticData = {};
	const ctx = () => hookCtx({ sandbox, params: paramsFor(delivery), staticData, nodeId, url });
	return {
		create: () => trigger.webhookMethods.default.create.call(ctx()),
		checkExists: () => trigger.webhookMethods.default.checkExists.call(ctx()),
		delete: () => trigger.webhookMethods.default.delete.call(ctx()),
	};
};

describe('one instance, one owner (Close Webhook via Open Connectors)', () => {
	test('a second workflow gets an error naming the active one and what to do; the first keeps the instance and its subscription', async () => {
		const other = await otherN8n(401);
		try {
			const first = hook(`${other.base}/webhook/first-wf/webhook`);
			await first.create();
			const before = { config: { ...configOf(sandbox, instanceId) }, subs: sandbox.admin.webhooks() };
			const second = hook('http://n8n.example.test/webhook/second-wf/webhook');
			const error = (await second.create().catch((e: unknown) => e)) as Error & { description?: string };
			expect(error).toBeInstanceOf(Error);
			expect(error.message).toContain(`instance ${instanceId}`);
			expect(error.message).toContain(`${other.base}/webhook/first-wf/webhook`);
			expect(error.description).toContain('"first-wf/webhook"');
			expect(error.description).toContain('Close Webhook Direct');
			expect(error.description).toContain('Instance > Create');
			expect(other.probes).toBe(1);
			// n8n runs delete() for an activation that failed: it must leave the owner's set-up alone
			await second.delete();
			expect(configOf(sandbox, instanceId)).toEqual(before.config);
			expect(sandbox.admin.webhooks()).toEqual(before.subs);
			expect(sandbox.admin.webhooks().map((s) => s.url)).toEqual([eventsUrl(sandbox, instanceId)]);
			expect(await first.checkExists()).toBe(true);
		} finally {
			await other.close();
		}
	});

	test.each([
		['deleted or deactivated without clean-up (n8n answers 404)', 404],
		['unreachable', 0],
	])('a stale owner, %s, does not block: the new workflow takes the instance', async (_name, status) => {
		const other = await otherN8n(status || 404);
		const staleUrl = `${other.base}/webhook/stale-wf/webhook`;
		await hook(staleUrl).create();
		if (status === 0) await other.close();
		try {
			const next = hook('http://n8n.example.test/webhook/next-wf/webhook');
			await next.create();
			expect(configOf(sandbox, instanceId)['event.notification.callback.url']).toBe('http://n8n.example.test/webhook/next-wf/webhook');
			expect(await next.checkExists()).toBe(true);
			// its deactivation turns events off rather than re-pointing the instance at the dead URL
			await next.delete();
			expect(configOf(sandbox, instanceId)['event.notification.enabled']).toBe('false');
			expect(configOf(sandbox, instanceId)['event.notification.callback.url']).not.toBe(staleUrl);
		} finally {
			if (status !== 0) await other.close();
		}
	});

	test('the same node taking its instance back (its test and production URL) is never probed', async () => {
		const other = await otherN8n(401);
		try {
			const nodeId = uniqueNodeId();
			await hook(`${other.base}/webhook-test/same-node/webhook`, 'openConnectors', nodeId).create();
			await hook(`${other.base}/webhook/same-node/webhook`, 'openConnectors', nodeId).create();
			expect(other.probes).toBe(0);
		} finally {
			await other.close();
		}
	});
});

describe('Close Webhook Direct', () => {
	test('any number of workflows on one instance: each its own subscription, none touches the others', async () => {
		const urls = ['a', 'b', 'c'].map((n) => `http://n8n.example.test/webhook/direct-${n}/webhook`);
		const hooks = urls.map((u) => hook(u, 'direct'));
		for (const h of hooks) await h.create();
		expect(sandbox.admin.webhooks().map((s) => s.url).sort()).toEqual([...urls].sort());
		for (const h of hooks) expect(await h.checkExists()).toBe(true);
		await hooks[1]!.delete();
		expect(sandbox.admin.webhooks().map((s) => s.url).sort()).toEqual([urls[0], urls[2]].sort());
		expect(await hooks[0]!.checkExists()).toBe(true);
		expect(await hooks[2]!.checkExists()).toBe(true);
	});
});

describe('a callback URL the provider cannot reach', () => {
	test.each([
		['openConnectors', 'SAP Open Connectors', 'http://192.168.1.20:5678/webhook/lan/webhook', 'a private address (RFC 1918)'],
		['direct', 'Close', 'http://[fd00::5]:5678/webhook/ula/webhook', 'a unique local address (fc00::/7)'],
		['openConnectorsPolling', 'SAP Open Connectors', 'http://169.254.10.10/webhook/ll/webhook', 'a link-local address'],
	])('%s: activation fails naming WEBHOOK_URL and Polling, and sets nothing up', async (delivery, sender, url, why) => {
		const before = { ...configOf(sandbox, instanceId) };
		const error = (await hook(url, delivery).create().catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toBe(`${sender} cannot reach this workflow's webhook URL ${url}: its host is ${why}`);
		expect(error.description).toContain('WEBHOOK_URL');
		expect(error.description).toContain('"Polling"');
		expect(configOf(sandbox, instanceId)).toEqual(before);
		expect(sandbox.admin.webhooks()).toEqual([]);
	});

	test('a loopback n8n works with a provider that is itself on loopback (the local sandbox)', async () => {
		await hook('http://localhost:5678/webhook/local/webhook', 'direct').create();
		expect(sandbox.admin.webhooks()).toHaveLength(1);
	});
});
