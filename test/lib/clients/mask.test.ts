import { isSecretConfigurationKey, maskInstance } from '../../../lib/clients/mask';

// The seed's sample response, secrets echoed in clear.
const seedResponse = {
	id: 12,
	name: 'Test',
	token: 'cuED0/DezalhhzK2OtO6kMP7NvPnMyNcRDZc=',
	element: { id: 146, name: 'Close.io Beta', key: 'closeio', hub: 'crm', authentication: { type: 'basic' }, parameters: [] },
	provisionInteractions: [],
	valid: true,
	disabled: false,
	configuration: {
		'base.url': 'https://app.close.io/api/v1',
		'pagination.offset': 'true',
		password: 'CLOSE_IO_PASSOWRD',
		'pagination.max': '100',
		username: 'CLOSE_IO_API_KEY',
		'event.notification.signature.key': 'sig-secret',
		'event.notification.callback.url': 'https://n8n.test/cb',
		'event.poller.configuration': { contacts: { url: '/hubs/crm/contacts', idField: 'id' } },
		'oauth.api.secret': 'oauth-secret',
		'some.private.token': 'private-token',
		'event.notification.enabled': 'true',
	},
	eventsEnabled: false,
};

describe('maskInstance', () => {
	it('masks the token and every secret configuration value, keeps the rest', () => {
		const masked = maskInstance(seedResponse);
		expect(masked.token).toBe('********');
		expect(masked.configuration).toEqual({
			...seedResponse.configuration,
			password: '********',
			username: '********',
			'event.notification.signature.key': '********',
			'oauth.api.secret': '********',
			'some.private.token': '********',
		});
		expect(masked.element.key).toBe('closeio');
		const text = JSON.stringify(masked);
		for (const secret of ['CLOSE_IO_PASSOWRD', 'CLOSE_IO_API_KEY', 'cuED0/DezalhhzK2OtO6kMP7NvPnMyNcRDZc=', 'sig-secret', 'oauth-secret', 'private-token']) {
			expect(text).not.toContain(secret);
		}
	});

	it('is a deep copy', () => {
		const masked = maskInstance(seedResponse);
		expect(seedResponse.token).toBe('cuED0/DezalhhzK2OtO6kMP7NvPnMyNcRDZc=');
		expect(seedResponse.configuration.username).toBe('CLOSE_IO_API_KEY');
		masked.configuration['event.poller.configuration'].contacts.url = 'changed';
		expect(seedResponse.configuration['event.poller.configuration'].contacts.url).toBe('/hubs/crm/contacts');
	});

	it('scrubs known secrets echoed anywhere, and the configuration list form', () => {
		const masked = maskInstance(
			{
				id: 1,
				note: 'created with key close-key-999',
				configuration: [
					{ id: 1, key: 'username', propertyValue: 'close-key-999' },
					{ id: 2, key: 'base.url', propertyValue: 'https://app.close.io/api/v1' },
				],
			},
			['close-key-999'],
		);
		expect(JSON.stringify(masked)).not.toContain('close-key-999');
		expect(masked.configuration[1].propertyValue).toBe('https://app.close.io/api/v1');
	});

	it('leaves empty values alone (nothing configured)', () => {
		expect(maskInstance({ id: 1, configuration: { password: '' } }).configuration.password).toBe('');
	});

	it('classifies configuration keys', () => {
		expect(isSecretConfigurationKey('username')).toBe(true);
		expect(isSecretConfigurationKey('event.notification.signature.key')).toBe(true);
		expect(isSecretConfigurationKey('event.poller.configuration')).toBe(false);
		expect(isSecretConfigurationKey('base.url')).toBe(false);
		expect(isSecretConfigurationKey('oauth.token.url')).toBe(false);
		expect(isSecretConfigurationKey('custom.api.key')).toBe(true);
	});
});
