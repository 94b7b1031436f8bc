// One Open Connectors instance has ONE event callback (`event.notification.callback.url`). A second
// workflow that took it over would silently stop the first one, so activation must know whether the
// URL the instance points at still belongs to an ACTIVE receiver. Nothing in the instance says so
// (a workflow deleted without deactivation leaves its URL behind forever), so it is asked: an
// unsigned, empty POST to that URL, which a live trigger refuses (401) without running anything.
// n8n answers 404 for a webhook no active workflow has registered (deleted, deactivated, or a test
// listener that ended), and a URL that cannot be reached cannot receive either: both free the
// instance. Anything else means someone is listening there.

export type ProbeOutcome = { status: number } | { unreachable: true };

export type CallbackHolder =
	| { kind: 'none' }
	/** This URL, or the same node's other URL (test vs production): handled by the hand-back logic. */
	| { kind: 'self' }
	| { kind: 'other'; url: string };

/** Who holds the instance's callback, from its configuration. */
export function callbackHolder(
	configuration: Record<string, unknown> | undefined,
	url: string,
	sameNode: (other: string, url: string) => boolean,
): CallbackHolder {
	const callback = configuration?.['event.notification.callback.url'];
	const enabled = String(configuration?.['event.notification.enabled'] ?? '') === 'true';
	if (!enabled || typeof callback !== 'string' || callback.trim() === '') return { kind: 'none' };
	if (callback === url || sameNode(callback, url)) return { kind: 'self' };
	return { kind: 'other', url: callback };
}

/** Whether the probe says a receiver is still active at the other URL. */
export function stillListening(outcome: ProbeOutcome): boolean {
	if ('unreachable' in outcome) return false;
	return outcome.status !== 404 && outcome.status !== 410;
}

/** The n8n workflow's webhook path (`<webhook id>/<path>`) in a callback URL, to name it in an error. */
export function webhookPathOf(url: string): string | undefined {
	const match = /\/webhook(?:-test)?\/(.+)$/.exec(url.split(/[?#]/)[0] ?? '');
	return match?.[1];
}
