import {
	callbackSignatureKey,
	deriveSignatureKey,
	desiredInstanceEvents,
	eventSettingsOf,
	instanceMatches,
	restorePatch,
	subscriptionEvents,
	subscriptionMatches,
} from '../../../lib/webhooks/webhookLifecycle';

describe('webhookLifecycle', () => {
	it('puts every selected pair in one subscription, merges on leads only', () => {
		expect(subscriptionEvents(['lead', 'contact'], ['created', 'merged'])).toEqual([
			{ object_type: 'lead', action: 'created' },
			{ object_type: 'lead', action: 'merged' },
			{ object_type: 'contact', action: 'created' },
		]);
	});

	it('matches a subscription only when active, pointed here and carrying exactly the events', () => {
		const events = subscriptionEvents(['lead'], ['created', 'updated']);
		const sub = { url: 'u', status: 'active', events: [...events].reverse() };
		expect(subscriptionMatches(sub, 'u', events)).toBe(true);
		expect(subscriptionMatches({ ...sub, status: 'paused' }, 'u', events)).toBe(false);
		expect(subscriptionMatches({ ...sub, url: 'v' }, 'u', events)).toBe(false);
		expect(subscriptionMatches({ ...sub, events: events.slice(1) }, 'u', events)).toBe(false);
	});

	it('builds the instance events for each route', () => {
		const base = { callbackUrl: 'https://n8n/webhook/x', signatureKey: 'k', objects: ['lead' as const], refreshIntervalMinutes: 3 };
		expect(desiredInstanceEvents({ ...base, route: 'direct' })).toBeUndefined();
		expect(desiredInstanceEvents({ ...base, route: 'openConnectors' })).toEqual({
			'event.notification.enabled': 'true',
			'event.notification.callback.url': 'https://n8n/webhook/x',
			'event.notification.signature.key': 'k',
			'event.vendor.type': 'webhook',
		});
		const polling = desiredInstanceEvents({ ...base, route: 'openConnectorsPolling' })!;
		expect(polling['event.vendor.type']).toBe('polling');
		expect(polling['event.poller.refresh_interval']).toBe('3');
		expect(Object.keys(polling['event.poller.configuration'] as object)).toEqual(['accounts']);
	});

	it('sees a re-pointed, disabled or unsigned instance as not matching; a masked key counts as set', () => {
		const desired = desiredInstanceEvents({ route: 'openConnectors', callbackUrl: 'u', signatureKey: 'k', objects: ['lead'], refreshIntervalMinutes: 1 })!;
		const ok = { 'event.notification.enabled': 'true', 'event.notification.callback.url': 'u', 'event.notification.signature.key': '********', 'event.vendor.type': 'webhook' };
		expect(instanceMatches(ok, desired)).toBe(true);
		expect(instanceMatches({ ...ok, 'event.notification.callback.url': 'elsewhere' }, desired)).toBe(false);
		expect(instanceMatches({ ...ok, 'event.notification.enabled': 'false' }, desired)).toBe(false);
		expect(instanceMatches({ ...ok, 'event.notification.signature.key': '' }, desired)).toBe(false);
		expect(instanceMatches(undefined, desired)).toBe(false);
	});

	it('compares poller configurations given as object or JSON string', () => {
		const desired = desiredInstanceEvents({ route: 'openConnectorsPolling', callbackUrl: 'u', signatureKey: 'k', objects: ['contact'], refreshIntervalMinutes: 5 })!;
		const config = { ...desired, 'event.poller.configuration': JSON.stringify(desired['event.poller.configuration']) };
		expect(instanceMatches(config, desired)).toBe(true);
		const other = desiredInstanceEvents({ route: 'openConnectorsPolling', callbackUrl: 'u', signatureKey: 'k', objects: ['lead'], refreshIntervalMinutes: 5 })!;
		expect(instanceMatches({ ...config, 'event.poller.configuration': other['event.poller.configuration'] }, desired)).toBe(false);
	});

	it('saves the previous events settings and restores them, events off otherwise', () => {
		const saved = eventSettingsOf({ username: '********', 'event.notification.enabled': 'true', 'event.notification.callback.url': 'https://old', 'event.notification.signature.key': '********' });
		expect(saved).toEqual({ 'event.notification.enabled': 'true', 'event.notification.callback.url': 'https://old' });
		expect(restorePatch(saved)).toEqual({
			...saved,
			'event.vendor.type': null,
			'event.notification.signature.key': null,
			'event.poller.refresh_interval': null,
			'event.poller.configuration': null,
		});
		expect(restorePatch({})).toEqual({
			'event.notification.enabled': 'false',
			'event.vendor.type': null,
			'event.notification.callback.url': null,
			'event.notification.signature.key': null,
			'event.poller.refresh_interval': null,
			'event.poller.configuration': null,
		});
	});

	it('derives a signature key per account and per node', () => {
		const secrets = { userSecret: 'u', organizationSecret: 'o' };
		const a = callbackSignatureKey(secrets, 'webhook-id-1');
		expect(a).toMatch(/^[0-9a-f]{64}$/);
		expect(callbackSignatureKey(secrets, 'webhook-id-1')).toBe(a);
		expect(a).toBe(deriveSignatureKey('u\u0000o', 'webhook-id-1'));
		expect(callbackSignatureKey(secrets, 'webhook-id-2')).not.toBe(a);
		expect(callbackSignatureKey({ ...secrets, organizationSecret: 'p' }, 'webhook-id-1')).not.toBe(a);
	});
});
