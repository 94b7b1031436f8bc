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
	/** Idempotency keys of the newest executions, oldest first (see memory.ts rememberedKeys). */
	seen?: string[];
	/** When they were seen: [bucket start (epoch s), count] runs over `seen` (lib/webhooks/seenKeys). */
	seenAt?: Array<[number, number]>;
}
