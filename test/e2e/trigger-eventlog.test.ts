/**
 * Close.io Trigger, polling mode, in a real n8n (default 1.123.81; N8N_E2E_VERSION=2.40.7 for 2.x):
 * everything that only Close's event log has (deletes, merges, status changes, activities, a task
 * completed) read through the filter combinations Close documents (the sandbox answers nothing
 * else: object_type + action here), once each; and an event seen late, dated 90 s before one already
 * delivered, delivered once.
 */
import type { CloseEvent } from '../../sandbox';
import type { Execution } from './harness/n8n';
import { Env, Item, assertContractShape, duplicates, eventually, findSecrets, micros, sleep, startEnv, triggerItems, triggerWorkflow, withLogs } from './support/env';

jest.setTimeout(15 * 60_000);

const QUALIFIED = 'stat_SandboxQualified00000001';

let env: Env;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

const a = () => env.sb.admin;
const notManual = (e: Execution) => e.mode !== 'manual';

const WANTED = new Set([
	'lead.deleted',
	'lead.merged',
	'task.lead.deleted',
	'activity.note.created',
	'activity.note.deleted',
	'activity.lead_status_change.created',
	'activity.task_completed.created',
]);

function wantedSince(since: number): CloseEvent[] {
	return a()
		.events()
		.filter((e) => micros(`${e.date_updated}+00:00`) > since && WANTED.has(`${e.object_type}.${e.action}`));
}

/** Items from the event log (records created come from the CRM hub and carry no Close event id). */
async function logItems(workflowId: string, count: number, timeoutMs: number): Promise<Item[]> {
	let items: Item[] = [];
	await eventually(
		async () => {
			const executions = (await env.n8n.executions(workflowId)).filter(notManual);
			if (executions.some((e) => ['new', 'running', 'waiting'].includes(e.status))) return false;
			items = triggerItems(executions.filter((e) => e.status === 'success')).filter((i) => i.object === 'note' || i.event !== 'created');
			return items.length >= count;
		},
		`${count} items`,
		timeoutMs,
		1000,
	);
	return items;
}

describe('polling mode, event-log objects and events', () => {
	it('delivers deletes, merges, a status change, notes and a task completed once each, and an event seen late once', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e event log polling' });
			const wf = triggerWorkflow(env, {
				name: 'e2e event log: polling',
				mode: 'polling',
				instanceId: String(inst.id),
				objects: ['lead', 'note', 'task'],
				events: ['created', 'deleted', 'merged', 'statusChanged', 'completed'],
			});
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId); // Start From: Now; the activation poll sets the cursors
			await sleep(1000);
			const since = a().clock.now();

			const keep = a().create('lead', { name: 'Event log e2e: kept' });
			const gone = a().create('lead', { name: 'Event log e2e: merged away' });
			const doomed = a().create('lead', { name: 'Event log e2e: deleted' });
			const note = a().create('note', { lead_id: keep.id, note: 'Called' });
			const task = a().create('task', { lead_id: keep.id, text: 'Send the quote' });
			a().update('task', task.id, { is_complete: true });
			a().update('lead', keep.id, { status_id: QUALIFIED });
			a().create('task', { lead_id: doomed.id, text: 'Never done' });
			a().delete('note', note.id);
			a().merge(gone.id, keep.id);
			a().delete('lead', doomed.id);

			const wanted = wantedSince(since);
			const kinds = new Set(wanted.map((e) => `${e.object_type}.${e.action}`));
			expect([...kinds].sort()).toEqual([...WANTED].sort());
			const first = await logItems(workflowId, wanted.length, 180_000);
			expect(first.map((i) => i.deliveryId).sort()).toEqual(wanted.map((e) => e.id).sort());
			for (const i of first) assertContractShape(i, 'polling');
			expect(first.find((i) => i.event === 'completed')).toMatchObject({ object: 'task', id: task.id });
			expect(first.find((i) => i.event === 'merged')).toMatchObject({ object: 'lead', mergedFrom: gone.id, mergedInto: keep.id });
			expect(first.find((i) => i.event === 'statusChanged')).toMatchObject({ object: 'lead', id: keep.id, statusChange: { toId: QUALIFIED } });

			// Seen late: logged now, dated 90 s before the newest event already delivered.
			const newest = Math.max(...wanted.map((e) => micros(`${e.date_updated}+00:00`)));
			const late = a().create('note', { lead_id: keep.id, note: 'Logged late' }, { at: newest - 90_000_000 });
			const lateEvent = a().events().find((e) => e.object_id === late.id)!;
			const all = await logItems(workflowId, wanted.length + 1, 180_000);
			await sleep(1500);
			const final = triggerItems((await env.n8n.executions(workflowId)).filter(notManual)).filter((i) => i.object === 'note' || i.event !== 'created');
			expect(final.map((i) => i.deliveryId).sort()).toEqual([...wanted.map((e) => e.id), lateEvent.id].sort());
			expect(duplicates(final.map((i) => String(i.deliveryId)))).toEqual([]);
			expect(all.length).toBe(wanted.length + 1);

			// Every event-log request was a combination Close documents, paged without _skip.
			for (const r of a().requests().filter((q) => q.path.endsWith('/event/'))) {
				expect(Object.keys(r.query).filter((k) => !k.startsWith('_') && !k.startsWith('date_updated')).sort()).toEqual(['action', 'object_type']);
				expect(r.query._skip).toBeUndefined();
			}
			expect(findSecrets(final, env.secretValues)).toEqual([]);
			await env.n8n.deactivate(workflowId);
		}));
});
