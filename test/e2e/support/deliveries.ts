/**
 * Counting deliveries against executions (the soak, the queue-mode suite): which events no execution
 * holds (lost), which more than one does (duplicated), and what else n8n ran.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import { type Notification, TRIGGER_NODE } from '../../../bench/n8nWebhook';
import { type Execution, nodeOutput } from '../harness/n8n';

export interface Analysis {
	executions: number;
	lost: string[];
	duplicated: Array<{ id: string; times: number }>;
	/** Items whose deliveryId is none of ours. */
	strangers: string[];
	/** Executions with no item of the trigger. */
	empty: string[];
	/** Failed executions: their error, and the events n8n had queued for them (lost with them). */
	failed: Array<{ id: string; status: string; error: string; events: string[] }>;
}

/**
 * The items n8n queued for the trigger in a failed execution, if it kept them (n8n 1.123 keeps none
 * when the execution fails in checkReadyForExecution: then [], the event exists nowhere in n8n).
 */
export function queuedEvents(e: Execution): string[] {
	const stack = (e.data as { executionData?: { nodeExecutionStack?: Array<{ data?: { main?: Array<Array<{ json?: Record<string, unknown> }> | null> } }> } } | undefined)
		?.executionData?.nodeExecutionStack;
	return (stack ?? []).flatMap((entry) => (entry.data?.main?.[0] ?? []).map((item) => String(item.json?.deliveryId)));
}

export function analyse(notifications: Notification[], executions: Execution[]): Analysis {
	const times = new Map<string, number>(notifications.map((n) => [n.closeEventId, 0]));
	const strangers: string[] = [];
	const empty: string[] = [];
	for (const e of executions) {
		const items = nodeOutput(e, TRIGGER_NODE);
		if (items.length === 0) empty.push(e.id);
		for (const item of items) {
			const id = String(item.deliveryId);
			if (!times.has(id)) strangers.push(id);
			else times.set(id, times.get(id)! + 1);
		}
	}
	return {
		executions: executions.length,
		lost: [...times].filter(([, t]) => t === 0).map(([id]) => id),
		duplicated: [...times].filter(([, t]) => t > 1).map(([id, t]) => ({ id, times: t })),
		strangers,
		empty,
		failed: executions
			.filter((e) => e.status !== 'success')
			.map((e) => ({ id: e.id, status: e.status, error: String(e.data?.resultData.error?.message ?? ''), events: queuedEvents(e) })),
	};
}

/** One POST of a notification (its exact bytes and signature) outside the load generator. */
export function postNotification(url: string, n: Notification, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'elements-webhook-id': randomUUID(), 'elements-webhook-signature': n.signature, ...headers },
				timeout: 30_000,
			},
			(res) => {
				let body = '';
				res.on('data', (c: Buffer) => (body += c.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			},
		);
		req.on('error', reject);
		req.end(n.body);
	});
}
