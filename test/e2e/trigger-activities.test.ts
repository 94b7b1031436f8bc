/**
 * Close.io Trigger: a lead status change and a note, in a real n8n (default 1.123.81; set
 * N8N_E2E_VERSION=2.40.7 for 2.x) against the sandbox:
 *  - webhook mode, deliveries `direct` and `openConnectors`: activation subscribes to exactly the
 *    needed event types, the status change filtered at Close by its to-status (`extra_filter`);
 *    a change to another status is never sent to n8n; each wanted change is one item in the
 *    contract's shape (statusChange, object note); deactivation removes the subscription;
 *  - polling mode: the same selection read from Close's event log, once each.
 */
import type { CloseEvent } from '../../sandbox';
import type { Execution } from './harness/n8n';
import {
	Env,
	Item,
	assertContractShape,
	duplicates,
	eventually,
	findSecrets,
	micros,
	sleep,
	startEnv,
	triggerItems,
	triggerUrls,
	triggerWorkflow,
	withLogs,
} from './support/env';

jest.setTimeout(10 * 60_000);

const QUALIFIED = 'stat_SandboxQualified00000001';
const CUSTOMER = 'stat_SandboxCustomer00000001';
const OBJECTS = ['lead', 'note'];
const EVENTS = ['statusChanged', 'created'];

let env: Env;

beforeAll(async () => {
	env = await startEnv();
}, 30 * 60_000);

afterAll(async () => {
	await env?.close();
});

const a = () => env.sb.admin;
const notManual = (e: Execution) => e.mode !== 'manual';

/** The Close events the selection wants, logged after `since` (µs): lead created, note created, status changes to Qualified. */
function wantedSince(since: number): CloseEvent[] {
	return a()
		.events()
		.filter((e) => micros(`${e.date_updated}+00:00`) > since)
		.filter(
			(e) =>
				(e.object_type === 'lead' && e.action === 'created') ||
				(e.object_type === 'activity.note' && e.action === 'created') ||
				(e.object_type === 'activity.lead_status_change' && (e.data as Record<string, unknown>).new_status_id === QUALIFIED),
		);
}

/** A lead, its status moved to Customer (filtered out) then Qualified, a note on it, the note edited (not selected). */
function makeChanges(): { leadId: string; noteId: string } {
	const lead = a().create('lead', { name: 'Activities e2e' });
	a().update('lead', lead.id, { status_id: CUSTOMER });
	a().update('lead', lead.id, { status_id: QUALIFIED });
	const note = a().create('note', { lead_id: lead.id, note: 'Called, interested' });
	a().update('note', note.id, { note: 'Called, very interested' });
	return { leadId: lead.id, noteId: note.id };
}

async function itemsFor(workflowId: string, count: number, timeoutMs: number): Promise<Item[]> {
	let items: Item[] = [];
	await eventually(
		async () => {
			const executions = (await env.n8n.executions(workflowId)).filter(notManual);
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

/** Each wanted Close event exactly once, in the contract's shape with what it says. */
function assertItems(items: Item[], wanted: CloseEvent[], ids: { leadId: string; noteId: string }, source: 'webhook' | 'polling'): void {
	expect(items.map((i) => i.deliveryId).sort()).toEqual(wanted.map((e) => e.id).sort());
	expect(duplicates(items.map((i) => String(i.deliveryId)))).toEqual([]);
	for (const i of items) assertContractShape(i, source);
	const change = items.find((i) => i.event === 'statusChanged')!;
	expect(change).toMatchObject({
		object: 'lead',
		id: ids.leadId,
		statusChange: { fromId: CUSTOMER, fromLabel: 'Customer', toId: QUALIFIED, toLabel: 'Qualified' },
		mergedFrom: null,
		mergedInto: null,
	});
	const note = items.find((i) => i.object === 'note')!;
	expect(note).toMatchObject({ event: 'created', id: ids.noteId, statusChange: null });
	expect(note.data).toMatchObject({ _type: 'Note', lead_id: ids.leadId, note: 'Called, interested' });
	const lead = items.find((i) => i.object === 'lead' && i.event === 'created')!;
	expect(lead).toMatchObject({ id: ids.leadId, statusChange: null });
}

describe.each(['direct', 'openConnectors'] as const)('webhook mode, delivery %s', (delivery) => {
	it('subscribes with the status filter, gets the status change to Qualified and the note once each; nothing else reaches n8n', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: `e2e activities ${delivery}` });
			const instanceId = String(inst.id);
			const wf = triggerWorkflow(env, {
				name: `e2e activities: ${delivery}`,
				mode: 'webhook',
				instanceId,
				objects: OBJECTS,
				events: EVENTS,
				options: { delivery, toStatus: [QUALIFIED] },
			});
			const urls = triggerUrls(env.n8n, wf.webhookId);
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId);
			const since = a().clock.now();

			const subs = a().webhooks();
			expect(subs).toHaveLength(1);
			const sub = subs[0];
			expect(sub.url).toBe(delivery === 'direct' ? urls.production : `${env.sb.ocBaseUrl}/events/closeio/${Buffer.from(instanceId).toString('base64')}`);
			expect(sub.events.map((e) => `${e.object_type}.${e.action}`).sort()).toEqual(['activity.lead_status_change.created', 'activity.note.created', 'lead.created']);
			expect(sub.events.find((e) => e.object_type === 'activity.lead_status_change')!.extra_filter).toEqual({
				type: 'field_accessor',
				field: 'data',
				filter: { type: 'field_accessor', field: 'new_status_id', filter: { type: 'equals', value: QUALIFIED } },
			});

			const ids = makeChanges();
			const wanted = wantedSince(since);
			expect(wanted).toHaveLength(3);
			const items = await itemsFor(workflowId, 3, 60_000);
			await sleep(1500); // nothing more may come
			const all = triggerItems((await env.n8n.executions(workflowId)).filter(notManual));
			assertItems(all, wanted, ids, 'webhook');
			expect(items).toHaveLength(3);
			// Filtered at Close: only the three wanted events were ever sent (no Customer change, no note update).
			const sent = new Set(a().deliveries().filter((d) => d.kind === 'close' && d.subscriptionId === sub.id).map((d) => d.deliveryKey));
			expect(sent.size).toBe(3);
			expect(findSecrets(all, env.secretValues)).toEqual([]);

			await env.n8n.deactivate(workflowId);
			await eventually(() => a().webhooks().length === 0, 'the subscription removed on deactivation');
		}));
});

describe('polling mode', () => {
	it('reads the status change to Qualified and the note from Close\'s event log, once each', () =>
		withLogs(env, async () => {
			const inst = a().createInstance({ name: 'e2e activities polling' });
			const wf = triggerWorkflow(env, {
				name: 'e2e activities: polling',
				mode: 'polling',
				instanceId: String(inst.id),
				objects: OBJECTS,
				events: EVENTS,
				options: { toStatus: [QUALIFIED] },
			});
			const { id: workflowId } = await env.n8n.importWorkflow(wf);
			await env.n8n.activate(workflowId); // Start From: Now; the activation poll sets the cursors
			await sleep(1000);
			const since = a().clock.now();
			const ids = makeChanges();
			const wanted = wantedSince(since);
			expect(wanted).toHaveLength(3);
			// n8n polls every minute at a random second.
			await itemsFor(workflowId, 3, 150_000);
			const all = triggerItems((await env.n8n.executions(workflowId)).filter(notManual));
			// The lead comes from the CRM hub (no Close event id): the other two from the event log.
			const lead = all.find((i) => i.object === 'lead' && i.event === 'created')!;
			expect(lead.occurredAt).toBe(a().get('lead', ids.leadId)!.date_updated);
			const fromLog = all.filter((i) => i !== lead);
			expect(fromLog.map((i) => i.deliveryId).sort()).toEqual(wanted.filter((e) => e.object_type !== 'lead').map((e) => e.id).sort());
			assertItems([...fromLog, { ...lead, deliveryId: wanted.find((e) => e.object_type === 'lead')!.id }], wanted, ids, 'polling');
			expect(all).toHaveLength(3);
			expect(findSecrets(all, env.secretValues)).toEqual([]);
			await env.n8n.deactivate(workflowId);
		}));
});
