/**
 * Webhook mode's module-level memories, all in one place.
 *
 * Scope: ONE running n8n. Each n8n instance that runs webhook() or the hooks (n8n's main instance,
 * and in queue mode every webhook processor and worker) has its own copy; none of it is shared
 * between them or survives a restart. What must outlive a restart goes to the workflow's static data.
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { SavePacer } from '../../../lib/webhooks/savePacer';
import { persistedEntries, saveSeen, SeenKeys } from '../../../lib/webhooks/seenKeys';
import type { Setup, WebhookStatic } from './setupTypes';

/** Per node and n8n process; every key is also forgotten 73 h after it was seen (lib/webhooks/seenKeys). */
export const SEEN_IN_MEMORY = 20000;
/**
 * The newest keys saved to static data (what survives a restart and what other queue-mode processes
 * see), as 11-character digests: 11 kB. Bounded because static data is paid per execution: n8n reads
 * it from its database for every delivery and writes the workflow's static data into every
 * execution's record (n8n 1.123.81 prepareExecutionDataForDbUpdate). Measured on 1.123.81
 * (docs/maintainers/performance.md), executions finished per second ours / Webhook node, median of
 * 5 rounds: 2,000 digests 0.89, 1,000 0.94, 1 key 0.99. Past it, a redelivery of an older event that
 * reaches a restarted (or another) process runs again.
 */
export const SEEN_PERSISTED = 1000;
/** At most one save of the memory per node per second (lib/webhooks/savePacer says why). */
export const SEEN_SAVE_INTERVAL_MS = 1000;

// The memory of delivered keys lives here, per workflow and node: it refuses a redelivery at once,
// before n8n has saved anything, and holds more keys than static data should (n8n reads static data
// from its database for every delivery). webhook() copies the newest keys into static data at a
// paced rate; n8n 1.x and 2.x save that copy because webhook() answers the request itself
// (receive.ts), and it is what survives a restart. (Copying it from poll() was tried: a poll
// returning null saves nothing on either version, measured in a real n8n.)
export interface Memory {
	keys: SeenKeys;
	saves: SavePacer;
	/** Keys admitted since the last save. */
	unsaved: boolean;
	/** The newest digest of the last save: the static data n8n reads back shows it once that save landed. */
	lastSaved?: string;
	/** The stored digests last merged into `keys` or saved from them: the same string again holds nothing new. */
	mergedDigests?: string;
}
const memories = new Map<string, Memory>();

// The signing key and Close key need the credential, which n8n reads and decrypts from its database
// on every call: kept for a minute per node (a changed credential is picked up within a minute).
export const keyCache = new Map<string, { key: string; until: number }>();
export const KEY_TTL_MS = 60_000;

/** Close subscription keys, by subscription id and node (or by URL when the delivery named none): see closeKeyCacheKey. */
export const closeKeyCache = new Map<string, string>();

/**
 * A subscription's key lends itself only to the node it points at: cached per subscription id AND
 * the node's webhook path (the same for its test and production URL), never per id alone.
 */
export function closeKeyCacheKey(subscriptionId: string, url: string): string {
	return `${subscriptionId}@${url.split('/').slice(-2).join('/')}`;
}

// Test listeners run create() and delete() with static data of their own (n8n 1.x starts it
// empty), so what one URL's set-up needs to know of the other is also kept in this module.
export const moduleSetups = new Map<string, Setup>();

// n8n runs a node that has poll() by calling poll(), also in the manual run a test delivery starts
// (n8n-core WorkflowExecute.runNode checks poll before webhook): the test delivery's items wait
// here for that poll() call.
const manualItems = new Map<string, IDataObject[]>();

/** What identifies a node in module memory: its workflow and node. */
type NodeRef = { getWorkflow(): { id?: string }; getNode(): { id?: string; name: string } };

export function memoryKey(ctx: IWebhookFunctions | IHookFunctions | NodeRef): string {
	const node = ctx.getNode();
	return `${String(ctx.getWorkflow().id ?? '')}:${node.id ?? node.name}`;
}

/** poll() in webhook mode, manual run: the items of the test delivery that started it. */
export function takeManualItems(ctx: NodeRef): IDataObject[] | undefined {
	const key = memoryKey(ctx);
	const items = manualItems.get(key);
	manualItems.delete(key);
	return items;
}

/** webhook() in a manual run: keeps the test delivery's items for the poll() call n8n makes next. */
export function keepManualItems(ctx: NodeRef, items: IDataObject[]): void {
	manualItems.set(memoryKey(ctx), items);
}

export function rememberedKeys(ctx: IWebhookFunctions, data: WebhookStatic): Memory {
	const key = memoryKey(ctx);
	let memory = memories.get(key);
	if (!memory) {
		memory = { keys: new SeenKeys(SEEN_IN_MEMORY), saves: new SavePacer(SEEN_SAVE_INTERVAL_MS), unsaved: false };
		mergeStored(memory, data, Date.now());
		memories.set(key, memory);
	}
	return memory;
}

/**
 * Joins the keys static data holds (what this process saved before a restart, or another queue-mode
 * processor's save) to the memory. Skipped when the stored digests are the ones last merged or saved
 * here (one process alone: always): merging 2,000 of them costs about 0.2 ms, comparing the string
 * microseconds.
 */
export function mergeStored(memory: Memory, data: WebhookStatic, nowMs: number): void {
	if (data.seenDigests === memory.mergedDigests && data.seen === undefined) return;
	for (const [digest, at] of persistedEntries(data, nowMs)) if (!memory.keys.hasDigest(digest)) memory.keys.addDigest(digest, at);
	memory.mergedDigests = data.seenDigests;
}

/** Copies the newest SEEN_PERSISTED keys of the memory into static data (n8n saves it). */
export function saveMemory(data: WebhookStatic, memory: Memory): void {
	memory.lastSaved = saveSeen(data, memory.keys, SEEN_PERSISTED);
	memory.mergedDigests = data.seenDigests;
	memory.unsaved = false;
}
