/**
 * Webhook mode's poll(): the catch-up from Close's event log (lib/webhooks/catchUp).
 *
 * n8n calls poll() in webhook mode on activation and every minute. The catch-up runs on the first
 * call after activation or n8n's start (a module flag per workflow and node), and on the calls after
 * it while a catch-up cut by its cap is pending (its state is in static data). Static data written
 * in poll() is saved only when poll() returns items (1.x and 2.x): a pending state is only ever
 * written together with items, and the keys emitted go into the memory of delivered keys (and its
 * static-data copy) in the same call, so a later redelivery of one of them runs nothing.
 */
import type { IDataObject, IHookFunctions, INodeExecutionData, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemMatchesSelection } from '../../../lib/triggerEvents/selection';
import { catchUp, catchUpSources, catchUpStartUs, readCatchUpState } from '../../../lib/webhooks/catchUp';
import { SEEN_BUCKET_SECONDS } from '../../../lib/webhooks/seenKeys';
import { toNodeApiError } from '../../shared/errors';
import { connect } from '../../shared/transport';
import { readSelection } from '../selection';
import { memoryKey, rememberedKeys, saveMemory } from './memory';
import type { WebhookStatic } from './setupTypes';

/**
 * Per workflow and node in this n8n process: 'done' once the catch-up check after activation or
 * start has run, 'retry' when it failed and the next poll() runs it again.
 */
const started = new Map<string, 'done' | 'retry'>();

/**
 * Deactivation (the webhook's delete()): the next activation's first poll() checks for a catch-up
 * again, in this process too.
 */
export function forgetCatchUpStart(ctx: Parameters<typeof memoryKey>[0]): void {
	started.delete(memoryKey(ctx));
}

type CatchUpStatic = WebhookStatic & { catchUp?: unknown; stoppedAt?: unknown };

/**
 * Deactivation of the production webhook: from now on Close delivers nothing (the subscription is
 * removed), so its retries cannot cover the gap. Noted in static data (n8n saves it after delete()),
 * the next activation catches up from the last delivery however recent it is.
 */
export function markStopped(ctx: IHookFunctions, nowMs = Date.now()): void {
	(ctx.getWorkflowStaticData('node') as CatchUpStatic).stoppedAt = nowMs;
}

/** The delivery route, top level or (workflows saved before it moved) in Options. */
function deliveryOf(ctx: IPollFunctions): string {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return String(ctx.getNodeParameter('delivery', '') || options.delivery || 'openConnectors');
}

export async function catchUpPoll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	// The platform-polling delivery relays record versions (no Close event ids): nothing to match.
	if (options.catchUp === false || deliveryOf(this) === 'openConnectorsPolling') return null;
	const key = memoryKey(this);
	const data = this.getWorkflowStaticData('node') as CatchUpStatic;
	const state = readCatchUpState(data.catchUp);
	const phase = started.get(key);
	const first = phase !== 'done';
	started.set(key, 'done');
	if (!first && !state) return null;
	// The memory of delivered keys is the one webhook() uses (same process, same workflow and node).
	const memory = rememberedKeys(this as unknown as IWebhookFunctions, data);
	// The last delivery: the newest key's time, one bucket earlier (static data keeps times rounded to
	// SEEN_BUCKET_SECONDS and counts a bucket at its end): reading more is harmless, keys seen are skipped.
	const entries = memory.keys.entries(1);
	const deliveredMs = entries.length ? entries[0][1] - SEEN_BUCKET_SECONDS * 1000 : undefined;
	// Deactivated since the last delivery (or never delivered): the subscription was gone, Close's
	// retries cover nothing of the gap, so a catch-up starts however short it was. Otherwise (n8n
	// restarted, the subscription kept) Close retries what failed and a short gap needs no read.
	const stoppedMs = typeof data.stoppedAt === 'number' && Number.isFinite(data.stoppedAt) ? data.stoppedAt : undefined;
	const stoppedSince = stoppedMs !== undefined && (deliveredMs === undefined || stoppedMs >= deliveredMs);
	const lastDeliveredMs = deliveredMs ?? stoppedMs;
	const thresholdMs = stoppedSince ? 0 : undefined;
	const nowMs = Date.now();
	// Nothing to catch up (first activation ever, or a recent delivery): no request at all.
	if (!state && catchUpStartUs(lastDeliveredMs, nowMs, thresholdMs) === undefined) return null;
	const selection = readSelection(this);
	const connection = await connect(this);
	let result;
	try {
		result = await catchUp({
			list: async (query) => {
				const page = await connection.close.listEvents(query);
				return { data: page.data as unknown as Array<Record<string, unknown>>, cursor_next: page.cursor_next };
			},
			sources: catchUpSources(selection),
			lastDeliveredMs,
			nowMs,
			thresholdMs,
			state,
			accept: (item) => itemMatchesSelection(item, selection),
			delivered: (k) => memory.keys.has(k),
			includeRaw: options.includeRaw === true,
		});
	} catch (error) {
		// The next minute's poll() tries again. A failure on the first call (activation, n8n's start)
		// does not fail the activation (webhook deliveries work without the event log); a failure of
		// the retry is reported as an error of the trigger.
		started.set(key, 'retry');
		if (phase === undefined) return null;
		throw error instanceof NodeOperationError ? error : toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
	// A webhook delivery may have come in during the read: admit decides, synchronously.
	const admitted = memory.keys.admit(result.keys, Date.now());
	const items = result.items.filter((_, i) => admitted[i]);
	if (result.state) data.catchUp = result.state as unknown as IDataObject;
	else delete data.catchUp;
	if (items.length === 0) return null;
	saveMemory(data, memory);
	return [this.helpers.returnJsonArray(items as unknown as IDataObject[])];
}
