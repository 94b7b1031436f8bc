/**
 * Issue 23 in a real n8n (N8N_E2E_VERSION, default 1.123.81) against the sandbox:
 *  - examples/close-new-lead-sequence.json: activated; a lead created in Close with a contact gets
 *    that contact subscribed to the sequence, once;
 *  - examples/close-form-to-custom-activity.json: activated; a form posted to its webhook becomes
 *    a custom activity on the lead found (or created) by the email;
 *  - the Close.io Trigger with the Custom Activity object emits custom activities of the chosen
 *    type, in webhook mode and in polling mode.
 * The examples are shipped with no instance and no credential: only those are filled in here
 * (plus the choices their sticky notes ask for), as a user would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { encodeSender } from '../../lib/records/closeActivities';
import { SANDBOX_EMAIL_ACCOUNT } from '../../sandbox/closeActivities';
import type { Execution, WorkflowJson } from './harness/n8n';
import { REPO_ROOT, nodeOutput } from './harness/n8n';
import { Env, Item, eventually, findSecrets, sleep, triggerItems, triggerWorkflow, useEnv, withLogs } from './support/env';

jest.setTimeout(10 * 60_000);

const DEMO = 'actitype_SandboxDemoRequest00001';
const TOPIC = 'cf_SandboxDemoTopic00000000000001';
const SEATS = 'cf_SandboxDemoSeats00000000000001';
const SEQUENCE = 'seq_SandboxOnboarding000000001';

let env: Env;
useEnv((started) => (env = started));
const a = () => env.sb.admin;

type Node = Record<string, any>;

/** An example as shipped, with the instance and credential a user sets on every Close node, and `choose` applied. */
function example(file: string, instanceId: string, choose: Record<string, Record<string, unknown>> = {}): WorkflowJson & { nodes: Node[] } {
	const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8');
	expect(text).not.toMatch(/127\.0\.0\.1|localhost|"credentials"/);
	const wf = JSON.parse(text) as WorkflowJson & { nodes: Node[] };
	for (const node of wf.nodes) {
		if (String(node.type).startsWith('n8n-nodes-open-connectors-closeio.')) {
			expect(node.parameters.instance.value).toBe('');
			node.parameters.instance.value = instanceId;
			node.credentials = { openConnectorsApi: { id: env.credentialId, name: env.credentialName } };
		}
		if (node.webhookId) node.webhookId = randomUUID();
		Object.assign(node.parameters ?? {}, choose[node.name] ?? {});
	}
	return wf;
}

async function itemsFor(workflowId: string, count: number, timeoutMs: number): Promise<Item[]> {
	let items: Item[] = [];
	await eventually(
		async () => {
			const executions = (await env.n8n.executions(workflowId)).filter((e: Execution) => e.mode !== 'manual');
			if (executions.some((e) => ['new', 'running', 'waiting'].includes(e.status))) return false;
			items = triggerItems(executions.filter((e) => e.status === 'success'));
			return items.length >= count;
		},
		`${count} items`,
		timeoutMs,
		1000,
	);
	return items;
}

describe('issue 23 examples, imported and run in a real n8n', () => {
	it('close-new-lead-sequence.json: a new lead’s first contact is subscribed to the sequence', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'e2e sequence example' }).id);
			const sender = encodeSender({ accountId: SANDBOX_EMAIL_ACCOUNT, email: 'sandbox.user@example.com', name: 'Sandbox User' });
			const wf = example('close-new-lead-sequence.json', instanceId, { 'Enrol First Contact': { sequenceId: SEQUENCE, sender } });
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId);
			try {
				// Close delivers the lead's event after this tick: the contact is there when n8n reads the lead.
				const lead = a().create('lead', { name: 'Sequence Rockets' });
				const contact = a().create('contact', { lead_id: lead.id, name: 'Sam Seq', emails: [{ email: 'sam@example.com', type: 'office' }] });
				const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
				expect(execution).toMatchObject({ status: 'success' });
				const subs = [...a().closeActivities.subscriptions.values()];
				expect(subs).toEqual([expect.objectContaining({ sequence_id: SEQUENCE, contact_id: contact.id, contact_email: 'sam@example.com', status: 'active' })]);
				expect(nodeOutput(execution!, 'Enrol First Contact')).toEqual([expect.objectContaining({ id: subs[0].id })]);
				expect(findSecrets([execution, env.n8n.logs()], env.secretValues)).toEqual([]);
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));

	it('close-form-to-custom-activity.json: a posted form becomes a custom activity on the lead of its email', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'e2e form example' }).id);
			const body = (field: string) => `={{ $('Form Submitted').item.json.body.${field} }}`;
			const wf = example('close-form-to-custom-activity.json', instanceId, {
				'Record Custom Activity': {
					customActivityTypeId: DEMO,
					customActivityFields: { mappingMode: 'defineBelow', value: { [TOPIC]: body('topic'), [SEATS]: body('seats') }, matchingColumns: [], schema: [] },
				},
			});
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId);
			try {
				const res = await fetch(env.n8n.webhookUrl('close-form-submitted'), {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ email: 'form.person@example.com', company: 'Form Co', topic: 'Pricing', seats: 12 }),
				});
				expect(res.status).toBe(200);
				const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
				expect(execution).toMatchObject({ status: 'success' });
				const lead = a().records('lead').find((l) => l.name === 'Form Co')!;
				expect(lead).toBeDefined();
				const activities = a().records('custom_activity');
				expect(activities).toEqual([expect.objectContaining({ lead_id: lead.id, custom_activity_type_id: DEMO, [`custom.${TOPIC}`]: 'Pricing', [`custom.${SEATS}`]: 12, status: 'published' })]);
				expect(findSecrets([execution, env.n8n.logs()], env.secretValues)).toEqual([]);
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));
});

describe('Close.io Trigger: Custom Activity', () => {
	function changes(): { wanted: string } {
		const other = a().closeActivities.createActivityType({ name: `Other ${randomUUID()}` }).id;
		const lead = a().create('lead', { name: 'Custom activity e2e' });
		const wanted = a().create('custom_activity', { lead_id: lead.id, custom_activity_type_id: DEMO, [`custom.${TOPIC}`]: 'Demo' });
		a().create('custom_activity', { lead_id: lead.id, custom_activity_type_id: other });
		return { wanted: wanted.id };
	}

	it('webhook mode: one item per custom activity of the chosen type, filtered at Close', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'e2e custom activity webhook' }).id);
			const wf = triggerWorkflow(env, { name: 'e2e custom activity: webhook', mode: 'webhook', instanceId, objects: ['customActivity'], events: ['created'], options: { delivery: 'direct', customActivityTypes: [DEMO] } });
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId);
			try {
				const { wanted } = changes();
				const items = await itemsFor(workflowId, 1, 60_000);
				await sleep(1500); // nothing more may come
				expect(triggerItems((await env.n8n.executions(workflowId)).filter((e) => e.mode !== 'manual'))).toHaveLength(1);
				expect(items[0]).toMatchObject({ event: 'created', object: 'customActivity', id: wanted, source: 'webhook', data: expect.objectContaining({ custom_activity_type_id: DEMO }) });
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));

	it('polling mode: the custom activity of the chosen type from Close’s event log, once', () =>
		withLogs(env, async () => {
			const instanceId = String(a().createInstance({ name: 'e2e custom activity polling' }).id);
			const wf = triggerWorkflow(env, { name: 'e2e custom activity: polling', mode: 'polling', instanceId, objects: ['customActivity'], events: ['created'], options: { customActivityTypes: [DEMO] } });
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId);
			try {
				await sleep(1000);
				const { wanted } = changes();
				// n8n polls every minute at a random second.
				const items = await itemsFor(workflowId, 1, 150_000);
				expect(items).toEqual([expect.objectContaining({ event: 'created', object: 'customActivity', id: wanted, source: 'polling' })]);
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));
});
