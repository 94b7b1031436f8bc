// What "set up" means for each delivery route of the trigger's webhook mode, as pure functions:
// the instance configuration to write, the Close subscription to hold, and whether what exists
// still matches (checkExists repairs rather than trusts).

import { createHmac } from 'crypto';

import type { CloseObject } from '../items/objects';
import { buildPollerConfiguration, parsePollerConfiguration } from '../polling/pollerConfiguration';
import type { SelectionEvent, TriggerObject } from '../triggerEvents/selection';
import { canonicalJson, subscriptionPlan } from '../triggerEvents/subscriptionPlan';

export type DeliveryRoute = 'openConnectors' | 'direct' | 'openConnectorsPolling';

/** Instance configuration keys of the events framework; restored on deactivation. */
export const EVENT_CONFIG_KEYS = [
	'event.notification.enabled',
	'event.vendor.type',
	'event.notification.callback.url',
	'event.notification.signature.key',
	'event.poller.refresh_interval',
	'event.poller.configuration',
] as const;

export interface SubscriptionEvent {
	object_type: string;
	action: string;
	/** Close's server-side filter (lib/triggerEvents/subscriptionPlan). */
	extra_filter?: Record<string, unknown>;
}

/** One Close subscription carries every selected pair (Close allows 40 per organization). */
export function subscriptionEvents(objects: readonly string[], events: readonly string[]): SubscriptionEvent[] {
	return subscriptionPlan({
		objects: objects as TriggerObject[],
		events: events as SelectionEvent[],
		fromStatus: [],
		toStatus: [],
		fieldsToWatch: [],
	});
}

function eventKey(e: { object_type?: unknown; action?: unknown; extra_filter?: unknown }): string {
	return `${String(e.object_type)}.${String(e.action)}:${canonicalJson(e.extra_filter ?? null)}`;
}

export interface SubscriptionLike {
	id?: string;
	url?: string;
	status?: string;
	events?: Array<{ object_type?: unknown; action?: unknown; extra_filter?: unknown }>;
}

/** Active, pointing at `url`, and carrying exactly the wanted events with the wanted filters. */
export function subscriptionMatches(sub: SubscriptionLike, url: string, wanted: SubscriptionEvent[]): boolean {
	if (sub.url !== url || sub.status !== 'active') return false;
	const have = new Set((sub.events ?? []).map(eventKey));
	const want = new Set(wanted.map(eventKey));
	return have.size === want.size && [...want].every((k) => have.has(k));
}

export interface DesiredEventsInput {
	route: DeliveryRoute;
	callbackUrl: string;
	signatureKey: string;
	objects: CloseObject[];
	refreshIntervalMinutes: number;
	datePattern?: string;
}

/** The instance configuration entries a route needs; direct delivery needs none. */
export function desiredInstanceEvents(input: DesiredEventsInput): Record<string, unknown> | undefined {
	if (input.route === 'direct') return undefined;
	const common = {
		'event.notification.enabled': 'true',
		'event.notification.callback.url': input.callbackUrl,
		'event.notification.signature.key': input.signatureKey,
	};
	if (input.route === 'openConnectors') return { ...common, 'event.vendor.type': 'webhook' };
	return {
		...common,
		'event.vendor.type': 'polling',
		'event.poller.refresh_interval': String(input.refreshIntervalMinutes),
		'event.poller.configuration': buildPollerConfiguration(input.objects, { datePattern: input.datePattern }),
	};
}

function sameJson(a: unknown, b: unknown): boolean {
	try {
		return JSON.stringify(parsePollerConfiguration(a)) === JSON.stringify(parsePollerConfiguration(b));
	} catch {
		return false;
	}
}

/**
 * Whether the instance's configuration still does what `desired` asks. The signature key cannot be
 * compared (the platform masks it), so it only has to be present.
 */
export function instanceMatches(configuration: Record<string, unknown> | undefined, desired: Record<string, unknown>): boolean {
	const config = configuration ?? {};
	for (const [key, value] of Object.entries(desired)) {
		const have = config[key];
		if (key === 'event.notification.signature.key') {
			if (typeof have !== 'string' || have === '') return false;
		} else if (key === 'event.poller.configuration') {
			if (!sameJson(have, value)) return false;
		} else if (String(have ?? '') !== String(value)) {
			return false;
		}
	}
	return true;
}

/** The events settings to put back on deactivation (absent keys come back as "events off"). */
export function eventSettingsOf(configuration: Record<string, unknown> | undefined): Record<string, unknown> {
	const config = configuration ?? {};
	const out: Record<string, unknown> = {};
	for (const key of EVENT_CONFIG_KEYS) {
		if (config[key] !== undefined && config[key] !== '********') out[key] = config[key];
	}
	return out;
}

/**
 * The patch that restores saved settings: entries the node added and that were not there before
 * are removed (null; events stay off, the platform's default, when "enabled" was absent).
 */
export function restorePatch(saved: Record<string, unknown> | undefined): Record<string, unknown> {
	const patch: Record<string, unknown> = {};
	for (const key of EVENT_CONFIG_KEYS) patch[key] = saved?.[key] ?? null;
	if (patch['event.notification.enabled'] === null) patch['event.notification.enabled'] = 'false';
	return patch;
}

/**
 * An HMAC of a scope under the account's secrets: secret, stable, different per scope.
 */
export function deriveSignatureKey(secretMaterial: string, scope: string): string {
	return createHmac('sha256', secretMaterial).update(`open-connectors-callback:${scope}`).digest('hex');
}

/**
 * The key the trigger gives Open Connectors to sign notifications with: derived from the
 * credential's secrets and the node's identity (its webhook id), so webhook() recomputes it on any
 * n8n version, for the test and the production URL alike, and nothing is stored.
 */
export function callbackSignatureKey(secrets: { userSecret: string; organizationSecret: string }, scope: string): string {
	return deriveSignatureKey(`${secrets.userSecret}\u0000${secrets.organizationSecret}`, scope);
}
