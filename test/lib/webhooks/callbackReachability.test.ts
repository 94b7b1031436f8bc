import { callbackReachability, privateHostKind } from '../../../lib/webhooks/callbackReachability';

const CLOSE = 'https://api.close.com/api/v1';
const SANDBOX = 'http://127.0.0.1:4010/close/api/v1';

describe('callbackReachability', () => {
	it.each([
		['http://localhost:5678/webhook/x/webhook', '`localhost`'],
		['http://n8n.localhost/webhook/x/webhook', '`localhost`'],
		['http://127.0.0.1:5678/webhook/x/webhook', 'a loopback address'],
		['http://127.8.9.10/webhook/x/webhook', 'a loopback address'],
		['http://[::1]:5678/webhook/x/webhook', 'a loopback address'],
		['http://[::ffff:127.0.0.1]/webhook/x/webhook', 'a loopback address'],
		['http://10.1.2.3/webhook/x/webhook', 'a private address (RFC 1918)'],
		['http://172.16.0.1/webhook/x/webhook', 'a private address (RFC 1918)'],
		['http://172.31.255.255/webhook/x/webhook', 'a private address (RFC 1918)'],
		['https://192.168.1.20/webhook/x/webhook', 'a private address (RFC 1918)'],
		['http://[::ffff:192.168.0.1]/webhook/x/webhook', 'a private address (RFC 1918)'],
		['http://169.254.169.254/webhook/x/webhook', 'a link-local address'],
		['http://100.64.0.1/webhook/x/webhook', 'a shared address (RFC 6598)'],
		['http://0.0.0.0:5678/webhook/x/webhook', 'an unspecified address'],
		['http://[fd12:3456::1]/webhook/x/webhook', 'a unique local address (fc00::/7)'],
		['http://[fc00::1]/webhook/x/webhook', 'a unique local address (fc00::/7)'],
		['http://[fe80::1]/webhook/x/webhook', 'a link-local address'],
	])('refuses %s for a provider on the internet (%s)', (url, why) => {
		expect(privateHostKind(url)).toBe(why);
		expect(callbackReachability(url, CLOSE)).toEqual({ reachable: false, why });
	});

	it.each([
		'https://n8n.example.com/webhook/x/webhook',
		'http://n8n.example.com/webhook/x/webhook', // http is only recommended against by Close
		'https://172.32.0.1/webhook/x/webhook',
		'https://11.0.0.1/webhook/x/webhook',
		'https://[2001:db8::1]/webhook/x/webhook',
		'https://localhost.example.com/webhook/x/webhook',
	])('accepts %s', (url) => {
		expect(callbackReachability(url, CLOSE)).toEqual({ reachable: true });
	});

	it('lets a sender that is itself on loopback (the local sandbox) reach a loopback callback, and nothing more', () => {
		expect(callbackReachability('http://localhost:5678/webhook/x/webhook', SANDBOX)).toEqual({ reachable: true });
		expect(callbackReachability('http://127.0.0.1:5678/webhook/x/webhook', 'http://localhost:4010')).toEqual({ reachable: true });
		expect(callbackReachability('http://192.168.1.2:5678/webhook/x/webhook', SANDBOX)).toEqual({ reachable: false, why: 'a private address (RFC 1918)' });
		// a real provider's base URL never opens it
		expect(callbackReachability('http://localhost:5678/webhook/x/webhook', 'https://api.openconnectors.ext.hanatrial.ondemand.com/elements/api-v2')).toMatchObject({ reachable: false });
	});

	it('refuses what is not a URL', () => {
		expect(callbackReachability('not a url', CLOSE)).toEqual({ reachable: false, why: 'no valid URL' });
	});
});
