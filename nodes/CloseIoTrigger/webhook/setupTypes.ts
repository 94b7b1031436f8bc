/** The shapes webhook mode keeps (static data and module memory both hold them); imported by both. */
import type { IDataObject } from 'n8n-workflow';

import type { DeliveryRoute } from '../../../lib/webhooks/webhookLifecycle';

/** Per webhook URL (test and production each have their own set-up). */
export interface Setup {
	instanceId: string;
	route: DeliveryRoute;
	/** The instance's events settings before the first activation, restored on deactivation. */
	saved?: IDataObject;
	subscriptionId?: string;
	closeSignatureKey?: string;
	/** The node's other URL that held the instance when this one took it over; it gets it back. */
	handBackTo?: string;
}

export interface WebhookStatic {
	setups?: Record<string, Setup>;
	/** Digests of the newest executions' idempotency keys, oldest first (memory.ts, lib/webhooks/seenKeys). */
	seenDigests?: string;
	/** When they were seen: [bucket start (epoch s), count] runs over the digests. */
	seenAt?: Array<[number, number]>;
	/** The keys as sent, as versions before digests saved them: read once, dropped at the next save. */
	seen?: string[];
}
