import { callbackHolder, stillListening, webhookPathOf } from '../../../lib/webhooks/instanceOwnership';

const sameNode = (a: string, b: string) => a !== b && a.split('/').slice(-2).join('/') === b.split('/').slice(-2).join('/');
const ME = 'https://n8n.example.com/webhook/abc/webhook';

describe('instance ownership', () => {
	it('reads who holds the callback', () => {
		expect(callbackHolder(undefined, ME, sameNode)).toEqual({ kind: 'none' });
		expect(callbackHolder({ 'event.notification.enabled': 'false', 'event.notification.callback.url': 'https://x/y' }, ME, sameNode)).toEqual({ kind: 'none' });
		expect(callbackHolder({ 'event.notification.enabled': 'true', 'event.notification.callback.url': ME }, ME, sameNode)).toEqual({ kind: 'self' });
		expect(callbackHolder({ 'event.notification.enabled': 'true', 'event.notification.callback.url': 'https://n8n.example.com/webhook-test/abc/webhook' }, ME, sameNode)).toEqual({ kind: 'self' });
		expect(callbackHolder({ 'event.notification.enabled': true, 'event.notification.callback.url': 'https://other/webhook/x/webhook' }, ME, sameNode)).toEqual({ kind: 'other', url: 'https://other/webhook/x/webhook' });
	});

	it('a 404/410 or no answer means nobody listens; anything else means someone does', () => {
		expect(stillListening({ status: 404 })).toBe(false);
		expect(stillListening({ status: 410 })).toBe(false);
		expect(stillListening({ unreachable: true })).toBe(false);
		for (const status of [200, 401, 400, 405, 500, 503]) expect(stillListening({ status })).toBe(true);
	});

	it('names the webhook path of an n8n URL', () => {
		expect(webhookPathOf('https://n8n.example.com/webhook/4f1e/webhook')).toBe('4f1e/webhook');
		expect(webhookPathOf('https://n8n.example.com/webhook-test/4f1e/webhook?x=1')).toBe('4f1e/webhook');
		expect(webhookPathOf('https://elsewhere.example.com/hook')).toBeUndefined();
	});
});
