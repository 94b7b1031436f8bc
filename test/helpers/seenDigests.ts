// What a trigger saved of its delivered keys (static data keeps them as digests: lib/webhooks/seenKeys),
// read back for assertions.
import { dedupKey } from '../../lib/items/normalize';
import type { TriggerItem } from '../../lib/items/objects';
import { keyDigest, splitDigests } from '../../lib/webhooks/seenKeys';

/** The digests a node's static data holds, oldest first (undefined when it saved none). */
export function savedDigests(node: Record<string, unknown> | undefined): string[] | undefined {
	const packed = node?.seenDigests;
	return typeof packed === 'string' ? splitDigests(packed) : undefined;
}

/** The digest of the key an emitted item was admitted under. */
export function itemDigest(item: Record<string, unknown>): string {
	return keyDigest(dedupKey(item as unknown as TriggerItem));
}

/** The digest of the key a Close event (`ev_...`) is admitted under. */
export function closeEventDigest(eventId: string): string {
	return keyDigest(`close:${eventId}`);
}
