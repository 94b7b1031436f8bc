// Masks every secret of an Open Connectors instance before it leaves the node. The live API
// answers with `********` for secret configuration values, but the seed's sample echoes them in
// clear (`"username": "CLOSE_IO_API_KEY"`, `"password": ...`): both forms come out masked.

import { MASK, sanitizeText } from './errors';

/** Configuration keys that are always secret. */
const SECRET_CONFIGURATION_KEYS = new Set([
	'username',
	'password',
	'event.notification.signature.key',
	'oauth.api.key',
	'oauth.api.secret',
	'oauth.user.token',
	'oauth.user.refresh_token',
]);

/** Configuration keys that look secret by name but are not. */
const NON_SECRET_CONFIGURATION_KEYS = new Set([
	'event.poller.configuration',
	'event.poller.refresh_interval',
	'event.notification.enabled',
	'event.notification.callback.url',
	'event.vendor.type',
	'base.url',
	'pagination.offset',
	'pagination.max',
	'oauth.token.url',
	'oauth.authorization.url',
	'oauth.user.token.expires_in',
]);

const SECRET_NAME = /secret|password|passwd|token|key/i;

export function isSecretConfigurationKey(key: string): boolean {
	const lower = key.toLowerCase();
	if (SECRET_CONFIGURATION_KEYS.has(lower)) return true;
	if (NON_SECRET_CONFIGURATION_KEYS.has(lower)) return false;
	if (/\.(url|enabled|type)$/.test(lower)) return false;
	return SECRET_NAME.test(lower);
}

/** Field names that hold a secret anywhere in an instance (outside `configuration`). */
const SECRET_FIELD = /^(token|password|secret|.*_?secret|.*password|api_?key|apikey|signature_?key|refresh_?token|access_?token|instance_?token)$/i;

function isFilled(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

function maskConfiguration(configuration: unknown): unknown {
	if (Array.isArray(configuration)) {
		// GET /instances/{id}/configuration lists {id, key, propertyValue}.
		return configuration.map((entry) => {
			if (entry && typeof entry === 'object' && typeof (entry as { key?: unknown }).key === 'string') {
				const copy = { ...(entry as Record<string, unknown>) };
				if (isSecretConfigurationKey(copy.key as string)) {
					for (const field of ['propertyValue', 'value', 'defaultValue']) {
						if (isFilled(copy[field])) copy[field] = MASK;
					}
				}
				return copy;
			}
			return entry;
		});
	}
	if (!configuration || typeof configuration !== 'object') return configuration;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(configuration as Record<string, unknown>)) {
		out[key] = isSecretConfigurationKey(key) && isFilled(value) ? MASK : value;
	}
	return out;
}

function deepMask(value: unknown, knownSecrets: readonly string[], parentKey?: string): unknown {
	if (typeof value === 'string') return knownSecrets.length ? sanitizeText(value, knownSecrets) : value;
	if (Array.isArray(value)) return value.map((entry) => deepMask(entry, knownSecrets));
	if (!value || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
		if (key === 'configuration' && parentKey !== 'configuration') {
			out[key] = deepMask(maskConfiguration(inner), knownSecrets, 'configuration');
		} else if (SECRET_FIELD.test(key) && isFilled(inner) && typeof inner !== 'boolean') {
			out[key] = MASK;
		} else {
			out[key] = deepMask(inner, knownSecrets, key);
		}
	}
	return out;
}

/**
 * A deep copy of an instance with its token and every secret configuration value replaced by
 * `********`. `knownSecrets` (the credential's values, tokens seen) are also scrubbed from any
 * string anywhere in the copy, in case a server echoed them somewhere unexpected.
 */
export function maskInstance<T>(instance: T, knownSecrets: readonly string[] = []): T {
	return deepMask(instance, knownSecrets) as T;
}
