/**
 * The importable example workflows of examples/ for the Close.io Trigger and the SAP Open
 * Connectors node, imported into a real n8n (N8N_E2E_VERSION, default 1.123.81) as a user imports
 * them (only the instance id and the credential are pointed at this sandbox) and run:
 *  - close-io-trigger-webhook.json: activated; lead and opportunity changes in Close come out of
 *    its Summary node, one execution per change; deactivation removes the Close subscription;
 *  - close-io-trigger-polling.json: activated (Start From: Now emits nothing), a lead and a
 *    contact created afterwards come out of the next scheduled poll (every minute);
 *  - sap-open-connectors-create-webhook-instance.json: run by hand; provisions a webhook instance
 *    and outputs its events URL;
 *  - sap-open-connectors-pause-events.json: run by hand; pauses the events of the instances tagged
 *    n8n and of no other.
 * Every examples/close-io-trigger-*.json and sap-open-connectors-*.json must be run here (the first
 * test fails on one it does not know). The Close.io node's examples run in closeio-node.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { Env, eventually, findSecrets, sleep, useEnv, withLogs } from './support/env';
import { type WorkflowJson, REPO_ROOT, nodeOutput } from './harness/n8n';

jest.setTimeout(10 * 60_000);

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const OURS = /^(close-io-trigger|sap-open-connectors)-.*\.json$/;
const RUN_HERE = [
	'close-io-trigger-polling.json',
	'close-io-trigger-webhook.json',
	'sap-open-connectors-create-webhook-instance.json',
	'sap-open-connectors-pause-events.json',
];

let env: Env;
useEnv((started) => (env = started));

const a = () => env.sb.admin;

/** An example as a user imports it, pointed at this sandbox's instance (when it names one) and credential. */
function example(file: string, instanceId?: string): WorkflowJson & { nodes: Array<Record<string, any>> } {
	const wf = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as WorkflowJson & { nodes: Array<Record<string, any>> };
	for (const node of wf.nodes) {
		const locator = node.parameters?.instance;
		// as a user does after import (the examples pin neither): pick the instance and the credential;
		// an expression (`={{ $json.id }}`) is left as written
		if (instanceId && locator && !String(locator.value ?? '').startsWith('=')) node.parameters.instance = { __rl: true, mode: 'id', value: instanceId };
		if (String(node.type).startsWith('n8n-nodes-open-connectors-closeio.')) {
			node.credentials = { openConnectorsApi: { id: env.credentialId, name: env.credentialName } };
		}
		// the sticky note says: paste this workflow's Close Events Production URL
		if (node.parameters?.callbackUrl) node.parameters.callbackUrl = `${env.n8n.url}/webhook/close-events`;
		if (node.webhookId) node.webhookId = randomUUID();
	}
	return wf;
}

const summaries = (executions: Array<Parameters<typeof nodeOutput>[0]>) => executions.flatMap((e) => nodeOutput(e, 'Summary'));

describe('example workflows (examples/), imported and run in a real n8n', () => {
	it('knows every Close.io Trigger and SAP Open Connectors example in examples/', () => {
		expect(fs.readdirSync(EXAMPLES).filter((f) => OURS.test(f)).sort()).toEqual(RUN_HERE);
		for (const file of RUN_HERE) {
			const wf = example(file, '1');
			const types = wf.nodes.map((n) => n.type as string);
			expect(types.some((t) => t.startsWith('n8n-nodes-open-connectors-closeio.'))).toBe(true);
			// as shipped: a credential reference the user's import re-points, no sandbox URL or secret
			const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
			expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
		}
	});

	it('close-io-trigger-webhook.json: each lead or opportunity change is one execution with its summary', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'example webhook' }).id);
			const { id: workflowId } = await env.n8n.importWorkflow(example('close-io-trigger-webhook.json', instanceId));
			await env.n8n.activate(workflowId);
			let deactivated = false;
			try {
				expect(a().webhooks()).toHaveLength(1); // one Close subscription for every object and action
				const lead = a().create('lead', { name: 'Example Rockets' });
				await sleep(300); // one change at a time: each is its own delivery
				a().update('lead', lead.id as string, { description: 'Interested in the 2027 plan' });
				await sleep(300);
				const opportunity = a().create('opportunity', { lead_id: lead.id, note: 'Annual plan', value: 120000 });
				const executions = await env.n8n.waitForExecutions(workflowId, 3, 120_000);
				expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
				// Close does not guarantee delivery order, and n8n may start the executions of overlapping
				// deliveries in any order (2.40.7: the three started within 40 ms though the changes were
				// 300 ms apart, and once the opportunity's came before the lead update's): the events' own
				// time (occurredAt) orders them
				const byEventTime = summaries(executions).sort((x, y) => String(x.occurredAt).localeCompare(String(y.occurredAt)));
				expect(byEventTime).toEqual([
					expect.objectContaining({ summary: 'lead created: Example Rockets', id: lead.id }),
					expect.objectContaining({ summary: 'lead updated: Example Rockets', id: lead.id, changedFields: expect.stringContaining('description') }),
					expect.objectContaining({ summary: 'opportunity created: Annual plan', id: opportunity.id }),
				]);
				for (const s of summaries(executions)) expect(String(s.occurredAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
				expect(findSecrets([executions, env.n8n.logs()], env.secretValues)).toEqual([]);

				await env.n8n.deactivate(workflowId);
				deactivated = true;
				await eventually(() => a().webhooks().length === 0, 'the Close subscription removed on deactivation');
			} finally {
				if (!deactivated) await env.n8n.deactivate(workflowId);
			}
		}));

	it('close-io-trigger-polling.json: nothing at activation; a lead and a contact created later come out of the next poll', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'example polling' }).id);
			a().create('lead', { name: 'Existing Before Activation' });
			const { id: workflowId } = await env.n8n.importWorkflow(example('close-io-trigger-polling.json', instanceId));
			await env.n8n.activate(workflowId);
			try {
				expect(await env.n8n.executions(workflowId)).toEqual([]); // Start From: Now
				const lead = a().create('lead', { name: 'Polled Example Lead' });
				const contact = a().create('contact', { lead_id: lead.id, name: 'Pat Example' });
				// the first scheduled poll runs within a minute (at a random second of it)
				const executions = await env.n8n.waitForExecutions(workflowId, 1, 150_000);
				expect(executions.every((e) => e.status === 'success')).toBe(true);
				expect(summaries(executions)).toEqual(
					expect.arrayContaining([
						expect.objectContaining({ summary: 'lead created: Polled Example Lead', id: lead.id }),
						expect.objectContaining({ summary: 'contact created: Pat Example', id: contact.id }),
					]),
				);
				expect(summaries(executions).map((s) => s.summary)).not.toContain('lead created: Existing Before Activation');
				expect(summaries(executions)).toHaveLength(2);
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));

	it('sap-open-connectors-create-webhook-instance.json: provisions a webhook instance and outputs its events URL', () =>
		withLogs(env, async () => {
			const before = new Set(a().instances().map((i) => String(i.id)));
			const { id: workflowId } = await env.n8n.importWorkflow(example('sap-open-connectors-create-webhook-instance.json'));
			expect((await env.n8n.runManually(workflowId, { triggerNode: 'Start' })).executionId).toBeDefined();
			const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
			expect(execution).toMatchObject({ mode: 'manual', status: 'success' });

			const created = a().instances().filter((i) => !before.has(String(i.id)));
			expect(created).toHaveLength(1);
			const instance = created[0]!;
			expect(instance).toMatchObject({ name: 'Close (n8n)', tags: ['n8n', 'sales'] });
			expect(instance.configuration).toMatchObject({
				username: env.sb.secrets.closeApiKey,
				'event.notification.enabled': 'true',
				'event.vendor.type': 'webhook',
				'event.notification.callback.url': `${env.n8n.url}/webhook/close-events`,
			});
			const encodedId = Buffer.from(String(instance.id)).toString('base64');
			expect(nodeOutput(execution!, 'Create Instance')).toEqual([expect.objectContaining({ id: instance.id, name: 'Close (n8n)' })]);
			expect(nodeOutput(execution!, 'Get Events URL')).toEqual([
				{ id: instance.id, encodedId, eventsUrl: `${env.sb.ocBaseUrl}/events/closeio/${encodedId}` },
			]);
			expect(findSecrets([execution, env.n8n.logs()], [...env.secretValues, String(instance.token)])).toEqual([]);
		}));

	it('sap-open-connectors-pause-events.json: pauses the events of the instances tagged n8n, and of no other', () =>
		withLogs(env, async () => {
			const enabled = { 'event.notification.enabled': 'true', 'event.vendor.type': 'webhook', 'event.notification.callback.url': 'https://n8n.example.com/webhook/x' };
			const tagged = [a().createInstance({ name: 'tagged one', tags: ['n8n'], configuration: enabled }), a().createInstance({ name: 'tagged two', tags: ['sales', 'n8n'], configuration: enabled })];
			const other = a().createInstance({ name: 'not tagged', tags: ['sales'], configuration: enabled });
			const taggedIds = new Set(
				a()
					.instances()
					.filter((i) => (i.tags as string[]).includes('n8n'))
					.map((i) => String(i.id)),
			);
			const { id: workflowId } = await env.n8n.importWorkflow(example('sap-open-connectors-pause-events.json'));
			await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
			const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
			expect(execution).toMatchObject({ mode: 'manual', status: 'success' });

			const byId = (id: unknown) => a().instances().find((i) => String(i.id) === String(id))!;
			for (const t of tagged) expect(byId(t.id).configuration['event.notification.enabled']).toBe('false');
			expect(byId(other.id).configuration['event.notification.enabled']).toBe('true');
			// every instance tagged n8n (also those an earlier test made) was paused, one item each
			expect(nodeOutput(execution!, 'Pause Events').map((i) => String(i.id)).sort()).toEqual([...taggedIds].sort());
			for (const id of taggedIds) expect(byId(id).configuration['event.notification.enabled']).toBe('false');
		}));
});
