// Issue 13: a burst of status changes of which only some match the trigger's To Status, through a
// REAL n8n (delivery direct: Close posts straight to n8n). Side by side in one run, on one n8n:
//  A. the subscription as the trigger set it up (extra_filter at Close): only matching changes are
//     sent, so deliveries = executions = matching changes;
//  B. the same subscription with its extra_filter removed (what a client filtering only on arrival
//     gets): every change is sent, the node drops the others (no execution), deliveries = burst.
// `npm run bench` with BENCH_ONLY=filter; knobs BENCH_FILTER_CHANGES (1000), BENCH_FILTER_MATCH (0.1).

import { loadWorkflow, KEEP_EXECUTIONS_ENV, waitForExecutionCount } from './n8nWebhook';
import { startSandbox } from '../sandbox';
import { REPO_ROOT, startN8n, type N8nInstance } from '../test/e2e/harness/n8n';
import { sandboxCredentials } from '../test/helpers/fakeContext';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

const QUALIFIED = 'stat_SandboxQualified00000001';
const OTHERS = ['stat_SandboxPotential00000001', 'stat_SandboxBadFit0000000001', 'stat_SandboxCustomer00000001'];

function line(label: string, value: string): void {
	console.log(`${label.padEnd(58)} ${value}`);
}

export async function benchStatusFilter(): Promise<void> {
	const changes = Number(process.env.BENCH_FILTER_CHANGES ?? 1000);
	const share = Number(process.env.BENCH_FILTER_MATCH ?? 0.1);
	const matching = Math.round(changes * share);
	console.log(`\n## Status filter at Close (issue 13): ${changes} lead status changes, ${matching} to the watched status, delivery direct`);
	// Close's own retry timing (10 s doubling): a faster one turns a slow n8n into a retry storm.
	const sandbox = await startSandbox({ port: 0 });
	let n8n: N8nInstance | undefined;
	try {
		n8n = await startN8n({ env: { ...KEEP_EXECUTIONS_ENV } });
		line('n8n', `${n8n.version}, started in ${(n8n.timings.start / 1000).toFixed(1)} s`);
		const credentialName = 'Open Connectors sandbox (filter bench)';
		const { id: credentialId } = await n8n.createCredential('openConnectorsApi', credentialName, sandboxCredentials(sandbox));
		const instance = sandbox.admin.createInstance({ name: 'filter bench' });
		const wf = loadWorkflow(path.join(REPO_ROOT, 'test', 'e2e', 'workflows', 'trigger.json'), {
			__INSTANCE_ID__: String(instance.id),
			__CREDENTIAL_ID__: credentialId,
			__CREDENTIAL_NAME__: credentialName,
			__WEBHOOK_ID__: randomUUID(),
			__MODE__: 'webhook',
			'"__OBJECTS__"': JSON.stringify(['lead']),
			'"__EVENTS__"': JSON.stringify(['statusChanged']),
			'"__OPTIONS__"': JSON.stringify({ delivery: 'direct', toStatus: [QUALIFIED] }),
		});
		const { id: workflowId } = await n8n.importWorkflow({ ...wf, name: 'filter bench' });
		await n8n.activate(workflowId);
		const [sub] = sandbox.admin.webhooks();
		if (!sub?.events[0]?.extra_filter) throw new Error('activation set up no filtered subscription');
		const leads = Array.from({ length: 53 }, (_, i) => sandbox.admin.create('lead', { name: `bench ${i}` }).id);
		await sandbox.admin.idle();

		let executionsSoFar = 0;
		const burst = async (label: string) => {
			const before = sandbox.admin.deliveries().filter((d) => d.subscriptionId === sub.id).length;
			const eventsBefore = sandbox.admin.events().length;
			const t0 = Date.now();
			// Every 1/share-th change goes to the watched status, the others elsewhere. 53 leads: a lead
			// moved to the watched status gets a non-matching change next (53 is no multiple of 10), so
			// every change really changes the status.
			const every = Math.round(1 / share);
			for (let i = 0; i < changes; i++) {
				const lead = leads[i % leads.length];
				const from = String(sandbox.admin.get('lead', lead)!.status_id);
				const to = i % every === 0 ? QUALIFIED : OTHERS.find((x) => x !== from)!;
				sandbox.admin.update('lead', lead, { status_id: to });
			}
			const matched = sandbox.admin
				.events()
				.slice(eventsBefore)
				.filter((e) => e.object_type === 'activity.lead_status_change' && (e.data as Record<string, unknown>).new_status_id === QUALIFIED).length;
			await sandbox.admin.idle();
			const sent = sandbox.admin.deliveries().filter((d) => d.subscriptionId === sub.id).slice(before);
			executionsSoFar += matched;
			const executions = await waitForExecutionCount(n8n!, workflowId, executionsSoFar, { timeoutMs: 600_000, settleMs: 3000, pollMs: 500 });
			const ms = Date.now() - t0;
			line(`${label}: changes / matching`, `${changes} / ${matched}`);
			const distinct = new Set(sent.map((d) => d.deliveryKey)).size;
			const failed = sent.filter((d) => d.status === undefined || d.status >= 300);
			const why = [...new Set(failed.map((d) => String(d.status ?? d.error ?? '?')))].join(', ');
			line(`${label}: deliveries reaching n8n`, `${distinct} (${sent.length} attempts, ${failed.length} retried${failed.length ? `: ${why}` : ''})`);
			line(`${label}: executions`, `${executions.length - (executionsSoFar - matched)}`);
			line(`${label}: burst -> last execution finished`, `${(ms / 1000).toFixed(1)} s`);
			if (executions.length !== executionsSoFar) throw new Error(`${label}: ${executions.length} executions in all, ${executionsSoFar} expected`);
			return { sent: distinct, ms };
		};

		const filtered = await burst('A, filtered at Close');
		// B: the same subscription without extra_filter (Close sends everything; the node filters).
		await fetch(`${sandbox.closeBaseUrl}/webhook/${sub.id}/`, {
			method: 'PUT',
			headers: { Authorization: `Basic ${Buffer.from(`${sandbox.secrets.closeApiKey}:`).toString('base64')}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ events: sub.events.map((e) => ({ object_type: e.object_type, action: e.action })) }),
		});
		const unfiltered = await burst('B, filtered in the node only');
		line('deliveries A / B', `${filtered.sent} / ${unfiltered.sent} = ${(filtered.sent / unfiltered.sent).toFixed(2)}`);
		line('burst time A / B', `${(filtered.ms / 1000).toFixed(1)} s / ${(unfiltered.ms / 1000).toFixed(1)} s = ${(filtered.ms / unfiltered.ms).toFixed(2)}`);
	} finally {
		await n8n?.stop();
		await sandbox.close();
	}
}

if (require.main === module) {
	benchStatusFilter().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
