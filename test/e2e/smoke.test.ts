/**
 * Smoke test of the e2e harness against a real n8n (default 1.123.81; N8N_E2E_VERSION=2.40.7 for 2.x):
 * our package is installed as a community package and loaded; n8n's own Webhook node runs in an
 * activated workflow; executions are read back with their data; all of it survives a restart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_N8N_VERSION, N8nInstance, REPO_ROOT, WorkflowJson, nodeOutput, startN8n, withN8nLogs } from './harness/n8n';

jest.setTimeout(300_000);

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const OUR_NODE_TYPES = [`${pkg.name}.closeIoTrigger`, `${pkg.name}.openConnectors`];
const OUR_CREDENTIAL_TYPES = ['openConnectorsApi'];
const declaredFiles: string[] = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
const missingBuilt = declaredFiles.filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
const distExists = fs.existsSync(path.join(REPO_ROOT, 'dist'));

const smokeWorkflow = (): WorkflowJson =>
	JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', 'smoke-webhook.json'), 'utf8'));

let n8n: N8nInstance | undefined;

beforeAll(async () => {
	if (!distExists) {
		process.stderr.write('[e2e] NOTE: dist/ is missing (run `npm run build`): starting n8n WITHOUT our package\n');
	}
	n8n = await startN8n({ version: DEFAULT_N8N_VERSION, packageDir: distExists ? REPO_ROOT : null });
	process.stderr.write(
		`[e2e] n8n ${n8n.version} ready at ${n8n.url} in ${n8n.timings.start} ms ${JSON.stringify(n8n.timings.lastStart)} (user folder ${n8n.userFolder})\n`,
	);
}, 30 * 60 * 1000 /* includes a first-time n8n install */);

afterAll(async () => {
	await n8n?.stop();
});

describe(`n8n ${DEFAULT_N8N_VERSION} harness smoke`, () => {
	it('loads our package as a community package', () =>
		withN8nLogs(n8n, async () => {
			const nodeTypes = await n8n!.nodeTypes();
			const credentialTypes = await n8n!.credentialTypes();
			expect(nodeTypes).toContain('n8n-nodes-base.webhook'); // the listing itself works
			if (!distExists || missingBuilt.length > 0) {
				// TEMPORARY (lead makes this strict once the nodes are built): until dist/ has every file
				// package.json declares, n8n refuses to load the package; report instead of failing.
				process.stderr.write(
					`[e2e] NOTE: package not fully built (missing: ${missingBuilt.join(', ') || 'dist/'}); ` +
						`loaded by n8n: nodes ${JSON.stringify(OUR_NODE_TYPES.filter((t) => nodeTypes.includes(t)))}, ` +
						`credentials ${JSON.stringify(OUR_CREDENTIAL_TYPES.filter((t) => credentialTypes.includes(t)))}\n`,
				);
				return;
			}
			expect(n8n!.packageName).toBe(pkg.name);
			for (const t of OUR_NODE_TYPES) expect(nodeTypes).toContain(t);
			for (const t of OUR_CREDENTIAL_TYPES) expect(credentialTypes).toContain(t);
		}));

	let workflowId = '';
	const post = async (body: unknown) =>
		await fetch(n8n!.webhookUrl('e2e-smoke'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});

	it('activates a workflow with n8n’s Webhook node and reads its executions with data', () =>
		withN8nLogs(n8n, async () => {
			const before = await post({ n: 0 });
			expect(before.status).toBe(404); // not registered before activation

			({ id: workflowId } = await n8n!.importWorkflow(smokeWorkflow()));
			await n8n!.activate(workflowId);
			expect((await n8n!.getWorkflow(workflowId)).active).toBe(true);
			expect(await n8n!.isWebhookRegistered('e2e-smoke')).toBe(true);

			for (const n of [1, 2, 3]) {
				const res = await post({ n });
				expect(res.status).toBe(200);
			}
			const executions = await n8n!.waitForExecutions(workflowId, 3, 60_000);
			expect(executions).toHaveLength(3);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
			expect(executions.map((e) => e.mode)).toEqual(['webhook', 'webhook', 'webhook']);
			const bodies = executions.map((e) => (nodeOutput(e, 'Webhook')[0]?.body as { n: number }).n);
			expect(bodies).toEqual([1, 2, 3]);
			expect(executions.every((e) => nodeOutput(e, 'Done').length === 1)).toBe(true);
		}));

	it('keeps the workflow active across an n8n restart', () =>
		withN8nLogs(n8n, async () => {
			expect(workflowId).not.toBe('');
			await n8n!.restart();
			const t = n8n!.timings;
			process.stderr.write(
				`[e2e] n8n ${n8n!.version} restarted in ${t.restarts.at(-1)} ms (stop ${t.stops.at(-1)} ms; start: ${JSON.stringify(t.lastStart)})\n`,
			);
			const res = await post({ n: 4 });
			expect(res.status).toBe(200);
			const executions = await n8n!.waitForExecutions(workflowId, 4, 60_000);
			expect(executions.map((e) => (nodeOutput(e, 'Webhook')[0]?.body as { n: number }).n)).toEqual([1, 2, 3, 4]);
		}));

	it('deactivates: the production webhook is gone', () =>
		withN8nLogs(n8n, async () => {
			await n8n!.deactivate(workflowId);
			expect((await n8n!.getWorkflow(workflowId)).active).toBe(false);
			expect(await n8n!.isWebhookRegistered('e2e-smoke')).toBe(false);
			const res = await post({ n: 5 });
			expect(res.status).toBe(404);
			expect(await n8n!.executions(workflowId)).toHaveLength(4);
		}));

	it('test URL flow: "Listen for test event" registers /webhook-test/ for one call, saved as a manual execution', () =>
		withN8nLogs(n8n, async () => {
			const { id } = await n8n!.importWorkflow({ ...smokeWorkflow(), name: 'e2e smoke: test URL' });
			const testPost = async (n: number) =>
				await fetch(n8n!.testWebhookUrl('e2e-smoke'), {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ n }),
				});
			expect((await testPost(0)).status).toBe(404);
			expect(await n8n!.runManually(id, { triggerNode: 'Webhook' })).toEqual({ waitingForWebhook: true });
			expect((await testPost(1)).status).toBe(200);
			const [execution] = await n8n!.waitForExecutions(id, 1, 60_000);
			expect(execution!.mode).toBe('manual');
			expect(nodeOutput(execution!, 'Webhook')[0]?.body).toEqual({ n: 1 });
			expect((await testPost(2)).status).toBe(404); // one call only
			// listening again, then the editor's Stop button
			expect(await n8n!.runManually(id, { triggerNode: 'Webhook' })).toEqual({ waitingForWebhook: true });
			expect(await n8n!.isWebhookRegistered('e2e-smoke', { test: true })).toBe(true);
			await n8n!.cancelTestWebhook(id, { path: 'e2e-smoke' }); // 2.x removes it just after answering
			expect(await n8n!.isWebhookRegistered('e2e-smoke', { test: true })).toBe(false);
			expect((await testPost(3)).status).toBe(404);
		}));

	it('re-activates, and reports an activation failure (a second workflow on the same webhook path) as a throw', () =>
		withN8nLogs(n8n, async () => {
			await n8n!.activate(workflowId);
			expect((await post({ n: 6 })).status).toBe(200);
			const { id: clash } = await n8n!.importWorkflow({ ...smokeWorkflow(), name: 'e2e smoke: same path' });
			await expect(n8n!.activate(clash)).rejects.toThrow(/conflict|already|in use|registered/i);
			expect((await post({ n: 7 })).status).toBe(200); // the first one still owns the path
			await n8n!.waitForExecutions(workflowId, 6, 60_000);
		}));
});
