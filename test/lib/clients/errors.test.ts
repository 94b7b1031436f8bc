import { MIN_SECRET_LENGTH, rememberSecret } from '../../../lib/clients/errors';

describe('rememberSecret', () => {
	it('adds a value once, and only when long enough to be a secret', () => {
		const secrets = ['user-secret'];
		rememberSecret(secrets, 'instance-token');
		rememberSecret(secrets, 'instance-token');
		rememberSecret(secrets, 'x'.repeat(MIN_SECRET_LENGTH - 1));
		rememberSecret(secrets, undefined);
		rememberSecret(secrets, 12345678);
		expect(secrets).toEqual(['user-secret', 'instance-token']);
	});
});
