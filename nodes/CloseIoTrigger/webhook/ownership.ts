/** One instance, one owner: activation refuses an instance whose callback an active receiver holds. */
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProbeOutcome } from '../../../lib/webhooks/instanceOwnership';
import { callbackHolder, stillListening, webhookPathOf } from '../../../lib/webhooks/instanceOwnership';
import { sameNodeUrl } from './staticData';

/** Short: n8n answers an unregistered webhook at once; a hung receiver counts as unreachable. */
const PROBE_TIMEOUT_MS = 10_000;

async function probe(ctx: IHookFunctions, url: string): Promise<ProbeOutcome> {
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			body: '{}',
			headers: { 'Content-Type': 'application/json' },
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
			disableFollowRedirect: true,
			timeout: PROBE_TIMEOUT_MS,
		})) as { statusCode?: number };
		return typeof response?.statusCode === 'number' ? { status: response.statusCode } : { unreachable: true };
	} catch {
		return { unreachable: true };
	}
}

/**
 * Throws when the instance's callback points at another receiver that still answers. A stale owner
 * (its workflow deleted or deactivated: n8n answers 404; or unreachable) does not block: the
 * answer is then `'stale'` (its settings are not worth restoring later), else `'free'`.
 */
export async function assertInstanceFree(
	ctx: IHookFunctions,
	instanceId: string,
	configuration: Record<string, unknown> | undefined,
	url: string,
): Promise<'free' | 'stale'> {
	const holder = callbackHolder(configuration, url, sameNodeUrl);
	if (holder.kind !== 'other') return 'free';
	if (!stillListening(await probe(ctx, holder.url))) return 'stale';
	const path = webhookPathOf(holder.url);
	throw new NodeOperationError(
		ctx.getNode(),
		`Open Connectors instance ${instanceId} already sends its events to another active webhook: ${holder.url}`,
		{
			description:
				`An instance has one event callback; taking it over would silently stop ${path ? `the workflow whose webhook path is "${path}"` : 'that receiver'}. ` +
				'Either deactivate that workflow first, or set Options > Delivery to "Close Webhook Direct" (each workflow gets its own Close subscription), ' +
				'or use another instance of the same Close account for this workflow: the SAP Open Connectors node creates one in one step (Instance > Create).',
		},
	);
}
