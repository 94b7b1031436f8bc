/**
 * The Close.io action node in a real n8n (N8N_E2E_VERSION, default 1.123.81), running the
 * importable examples of examples/ against the sandbox:
 *  - close-new-lead-task-and-note.json: Close.io Trigger (webhook, relayed by Open Connectors) ->
 *    Close.io create task -> Close.io create note. A lead created in Close gets one task and one
 *    note, through the CRM hub, and no secret shows in the execution or n8n's log;
 *  - close-upsert-lead.json: run twice by hand; the first run creates the lead (with a contact
 *    carrying the email), the second updates the same lead; each run adds a task;
 * and a lead getAll with filters on the sandbox's `full` and `seed` query profiles: the same leads
 * on both (on seed the node's rich where is refused once and the filters are applied in the node).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

import { Env, eventually, findSecrets, startEnv, withLogs } from './support/env';
import type { WorkflowJson } from './harness/n8n';
import { nodeOutput, REPO_ROOT } from './harness/n8n';

jest.setTimeout(10 * 60_000);

let env: Env;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

/** An example as a user imports it, pointed at this sandbox's instance and credential. */
function example(file: string, instanceId: string): WorkflowJson {
	const wf = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson & { nodes: Array<Record<string, any>> };
	for (const node of wf.nodes) {
		// as a user does after import: pick the instance and the credential (the examples pin neither)
		if (node.parameters?.instance && !String(node.parameters.instance.value ?? '').startsWith('=')) {
			node.parameters.instance = { __rl: true, mode: 'id', value: instanceId };
		}
		if (String(node.type).startsWith('n8n-nodes-open-connectors-closeio.')) {
			node.credentials = { openConnectorsApi: { id: env.credentialId, name: env.credentialName } };
		}
		if (node.webhookId) node.webhookId = randomUUID();
	}
	return wf;
}

describe('Close.io node examples, in a real n8n', () => {
	it('a new lead gets a follow-up task and a note (Close.io Trigger -> Close.io -> Close.io)', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const instanceId = String(a.createInstance({ name: 'e2e closeIo' }).id);
			const { id: workflowId } = await env.n8n.importWorkflow(example('close-new-lead-task-and-note.json', instanceId));
			await env.n8n.activate(workflowId);
			try {
				const lead = a.create('lead', { name: 'E2E Rockets' });
				const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
				expect(execution).toMatchObject({ status: 'success' });

				const tasks = a.records('task').filter((t) => t.lead_id === lead.id);
				const notes = a.records('note').filter((n) => n.lead_id === lead.id);
				expect(tasks.map((t) => t.text)).toEqual(['Call E2E Rockets within 24 hours']);
				expect(notes).toHaveLength(1);
				expect(String(notes[0].note)).toMatch(new RegExp(`follow-up task ${tasks[0].id} added by n8n`));
				expect(nodeOutput(execution!, 'Create Follow-up Task')).toEqual([expect.objectContaining({ id: tasks[0].id, lead_id: lead.id })]);
				expect(nodeOutput(execution!, 'Add Note')).toEqual([expect.objectContaining({ id: notes[0].id, lead_id: lead.id })]);

				// The writes went through the CRM hub with the instance token.
				const writes = a
					.requests()
					.filter((r) => r.method === 'POST' && r.path.startsWith('/elements/api-v2/hubs/crm/'))
					.map((r) => r.path.replace(lead.id, ':lead'));
				expect(writes).toEqual(['/elements/api-v2/hubs/crm/tasks', '/elements/api-v2/hubs/crm/accounts/:lead/notes']);

				const token = String(a.instances().find((i) => String(i.id) === instanceId)!.token);
				const internal = await env.n8n.api.rest<any>('GET', `/executions/${execution!.id}`);
				expect(findSecrets([execution, internal, env.n8n.logs()], [...env.secretValues, token])).toEqual([]);
			} finally {
				await env.n8n.deactivate(workflowId);
			}
		}));

	it('create or update a lead by a contact email: the first run creates, the second updates the same lead', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const instanceId = String(a.createInstance({ name: 'e2e closeIo upsert' }).id);
			const { id: workflowId } = await env.n8n.importWorkflow(example('close-upsert-lead.json', instanceId));
			const before = a.records('lead').length;

			await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
			const [first] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
			expect(first).toMatchObject({ status: 'success' });
			const created = nodeOutput(first!, 'Create or Update Lead')[0]!;
			expect(created).toMatchObject({ name: 'Example Inc', description: 'Signed up on the website', contacts: [expect.objectContaining({ emails: ['jane.roe@example.com'] })] });

			a.update('lead', String(created.id), { description: 'edited in Close' });
			await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
			const executions = await env.n8n.waitForExecutions(workflowId, 2, 120_000);
			const second = executions.find((e) => e.id !== first!.id)!;
			expect(second).toMatchObject({ status: 'success' });
			expect(nodeOutput(second, 'Create or Update Lead')[0]).toMatchObject({ id: created.id, description: 'Signed up on the website' });

			expect(a.records('lead')).toHaveLength(before + 1);
			const tasks = await eventually(() => {
				const t = a.records('task').filter((x) => x.lead_id === created.id);
				return t.length === 2 ? t : undefined;
			}, 'two tasks on the lead');
			expect(tasks.map((t) => t.text)).toEqual(['Welcome call for Example Inc', 'Welcome call for Example Inc']);
		}));

	it('getAll with filters: the same leads on the full and the seed query profile', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const instanceId = String(a.createInstance({ name: 'e2e closeIo getAll' }).id);
			const T0 = Date.UTC(2024, 4, 1, 10) * 1000;
			const tag = `E2E getAll ${randomUUID().slice(0, 8)}`;
			// 260 leads, 5 to a date_updated (ties across the pages), every third qualified.
			a.seed({
				object: 'lead',
				count: 260,
				silent: true,
				dateUpdated: (i) => T0 + Math.floor(i / 5) * 1000,
				fields: (i) => ({ name: i % 2 ? tag : `${tag} other`, status_id: i % 3 ? 'stat_SandboxPotential00000001' : 'stat_SandboxQualified00000001' }),
			});
			const expected = a
				.records('lead')
				.filter((l) => l.name === tag && l.status_id === 'stat_SandboxQualified00000001')
				.map((l) => String(l.id))
				.sort();
			const workflow: WorkflowJson = {
				name: `Close.io getAll with filters ${tag}`,
				nodes: [
					{ parameters: {}, id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
					{
						parameters: {
							instance: { __rl: true, mode: 'id', value: instanceId },
							resource: 'lead',
							operation: 'getAll',
							returnAll: true,
							filters: { name: tag, status_id: 'stat_SandboxQualified00000001', updatedAfter: '2024-01-01T00:00:00' },
						},
						id: randomUUID(),
						name: 'Qualified Leads',
						type: 'n8n-nodes-open-connectors-closeio.closeIo',
						typeVersion: 1,
						position: [240, 0],
						credentials: { openConnectorsApi: { id: env.credentialId, name: env.credentialName } },
					},
				],
				connections: { Start: { main: [[{ node: 'Qualified Leads', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			};
			const { id: workflowId } = await env.n8n.importWorkflow(workflow);
			const hubLists = () => a.requests().filter((r) => r.method === 'GET' && r.path === '/elements/api-v2/hubs/crm/accounts');
			const run = async (count: number) => {
				await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
				const executions = await env.n8n.waitForExecutions(workflowId, count, 120_000);
				const latest = executions.reduce((x, y) => (Number(y.id) > Number(x.id) ? y : x));
				expect(latest).toMatchObject({ status: 'success' });
				return nodeOutput(latest, 'Qualified Leads').map((l) => String(l.id)).sort();
			};
			try {
				a.setQueryProfile({ ceql: 'full' });
				a.clearLogs();
				expect(await run(1)).toEqual(expected);
				expect(hubLists().every((r) => r.status === 200)).toBe(true);

				a.setQueryProfile({ ceql: 'seed', tieSeed: 12 });
				a.clearLogs();
				expect(await run(2)).toEqual(expected);
				const seedLists = hubLists();
				// One refused rich where, then only the seed's form.
				expect(seedLists.filter((r) => r.status === 400)).toHaveLength(1);
				expect(String(seedLists[0].query.where)).toContain('name = ');
				for (const r of seedLists.slice(1)) {
					expect(r.status).toBe(200);
					expect(String(r.query.where)).toMatch(/^date_updated [<>]=? '[^']+'( AND date_updated [<>]=? '[^']+')*$/);
				}
			} finally {
				a.setQueryProfile({ ceql: 'full' });
			}
		}));
});
