/**
 * SAP Open Connectors action node in a real n8n (default 1.123.81): a workflow Manual Trigger ->
 * create -> update -> get -> getEventsUrl -> delete, run the way the editor's "Execute workflow"
 * does; the sandbox saw the instance provisioned, changed and deleted; no secret (user and
 * organization secrets, Close API key and password, the instance token, the signature key) shows
 * anywhere in the execution n8n stored, nor in n8n's log.
 */
import { Env, findSecrets, loadWorkflow, startEnv, withLogs, encodedId } from './support/env';
import { nodeOutput } from './harness/n8n';
import type { Instance } from '../../sandbox';

jest.setTimeout(10 * 60_000);

let env: Env;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

const SIGNATURE_KEY = 'e2e-signature-key-7f3a9c';

describe('SAP Open Connectors action node, in a real n8n', () => {
	it('create -> update -> get -> getEventsUrl -> delete: the sandbox sees each step, outputs are masked, no secret anywhere', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const name = `e2e action ${Date.now()}`;
			const wf = loadWorkflow('action-node.json', {
				__INSTANCE_NAME__: name,
				__SIGNATURE_KEY__: SIGNATURE_KEY,
				__CREDENTIAL_ID__: env.credentialId,
				__CREDENTIAL_NAME__: env.credentialName,
			});
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			const instancesBefore = a.instances().length;
			// what the instance looked like just before the workflow deletes it (admin view, unmasked)
			let beforeDelete: Instance | undefined;
			a.beforeNext({ method: 'DELETE', path: /^\/elements\/api-v2\/instances\/\d+$/ }, (info) => {
				beforeDelete = a.instances().find((i) => info.path.endsWith(`/${i.id}`));
			});
			const requestsBefore = a.requests().length;

			const run = await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
			expect(run.executionId).toBeDefined();
			const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
			expect(execution).toMatchObject({ mode: 'manual', status: 'success' });

			// ---- the sandbox saw: POST, PATCH, GET, DELETE of one instance, through the credential
			const ocCalls = a
				.requests()
				.slice(requestsBefore)
				.filter((r) => r.path.startsWith('/elements/api-v2/instances'))
				.map((r) => `${r.method} ${r.path.replace(/\d+$/, ':id')} ${r.status}`);
			expect(ocCalls).toEqual([
				'POST /elements/api-v2/instances 200',
				'PATCH /elements/api-v2/instances/:id 200',
				'GET /elements/api-v2/instances/:id 200',
				'DELETE /elements/api-v2/instances/:id 200',
			]);
			const created = nodeOutput(execution!, 'Create')[0]!;
			const id = String(created.id);
			expect(beforeDelete).toBeDefined();
			expect(String(beforeDelete!.id)).toBe(id);
			expect(beforeDelete!.name).toBe(`${name} (renamed)`);
			expect([...beforeDelete!.tags].sort()).toEqual(['e2e', 'renamed']);
			const config = beforeDelete!.configuration as Record<string, unknown>;
			expect(config).toMatchObject({
				username: env.sb.secrets.closeApiKey, // the credential's Close API key became the instance's username
				'event.notification.enabled': 'false', // the update paused events
				'event.vendor.type': 'polling',
				'event.notification.callback.url': 'https://n8n.example.invalid/webhook/close',
				'event.poller.refresh_interval': '5',
				'event.notification.signature.key': SIGNATURE_KEY,
			});
			const poller = typeof config['event.poller.configuration'] === 'string' ? JSON.parse(String(config['event.poller.configuration'])) : config['event.poller.configuration'];
			expect(Object.keys(poller).sort()).toEqual(['accounts', 'contacts']);
			expect(a.instances().find((i) => String(i.id) === id)).toBeUndefined(); // deleted
			expect(a.instances()).toHaveLength(instancesBefore);

			// ---- what each node output
			expect(created).toMatchObject({ name, tags: ['e2e', 'action'] });
			expect((created.configuration as Record<string, unknown>).username).toBe('********');
			expect((created.configuration as Record<string, unknown>)['event.notification.signature.key']).toBe('********');
			expect(nodeOutput(execution!, 'Update')[0]).toMatchObject({ id: created.id, name: `${name} (renamed)` });
			expect(nodeOutput(execution!, 'Get')[0]).toMatchObject({ id: created.id, name: `${name} (renamed)`, tags: ['e2e', 'renamed'] });
			expect(nodeOutput(execution!, 'Get Events URL')).toEqual([
				{ id: created.id, encodedId: encodedId(id), eventsUrl: `${env.sb.ocBaseUrl}/events/closeio/${encodedId(id)}` },
			]);
			expect(nodeOutput(execution!, 'Delete')).toEqual([{ id: created.id, deleted: true }]);

			// ---- no secret anywhere: the execution as the public API and the editor's REST give it, n8n's log
			const secrets = [...env.secretValues, String(beforeDelete!.token)];
			expect(String(beforeDelete!.token).length).toBeGreaterThan(8);
			const internal = await env.n8n.api.rest<any>('GET', `/executions/${execution!.id}`);
			expect(findSecrets(execution, secrets)).toEqual([]);
			expect(findSecrets(internal, secrets)).toEqual([]);
			expect(findSecrets(env.n8n.logs(), secrets)).toEqual([]);
			// the signature key is in the workflow's own parameters, but no node outputs it
			expect(findSecrets(execution!.data!.resultData.runData, [SIGNATURE_KEY])).toEqual([]);
		}));

	it('an API error inside a workflow is a failed execution whose message names the problem and no secret', () =>
		withLogs(env, async () => {
			const a = env.sb.admin;
			const wf = loadWorkflow('action-node.json', {
				__INSTANCE_NAME__: 'e2e action: failing update',
				__SIGNATURE_KEY__: SIGNATURE_KEY,
				__CREDENTIAL_ID__: env.credentialId,
				__CREDENTIAL_NAME__: env.credentialName,
			});
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			a.addFault({ method: 'PATCH', path: '/elements/api-v2/instances/', status: 400, times: 1, body: { message: 'Invalid configuration', requestId: 'e2e-req-1' } });
			try {
				await env.n8n.runManually(workflowId, { triggerNode: 'Start' });
				const [execution] = await env.n8n.waitForExecutions(workflowId, 1, 120_000);
				expect(execution!.status).toBe('error');
				const error = execution!.data!.resultData.error as Record<string, unknown>;
				expect(execution!.data!.resultData.lastNodeExecuted).toBe('Update');
				expect(JSON.stringify(error)).toMatch(/Invalid configuration/);
				const created = nodeOutput(execution!, 'Create')[0]!;
				const token = String(a.instances().find((i) => String(i.id) === String(created.id))?.token);
				expect(findSecrets(execution, [...env.secretValues, token])).toEqual([]);
				process.stderr.write(`[e2e action] failing update -> ${JSON.stringify({ message: error.message, description: error.description, httpCode: error.httpCode })}\n`);
				// left behind by the failed run: clean it up
				a.clearFaults();
			} finally {
				a.clearFaults();
			}
		}));
});
