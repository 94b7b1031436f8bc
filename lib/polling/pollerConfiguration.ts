// Builds and reads `event.poller.configuration`, the per-resource poller set-up Open Connectors
// runs for platform-side polling. The shape is the seed's (seed-closeio-events.txt), per CRM-hub
// resource; the trigger and the action node both build it here so their instances are identical.

import { type CloseObject, hubResourceOf } from '../items/objects';

/** Close's own date format: six fraction digits and an offset (`+00:00`, or `Z` when rendered). */
export const DEFAULT_CLOSE_DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";

export interface PollerDatesConfiguration {
	updatedDateField: string;
	updatedDateFormat: string;
	updatedDateTimezone?: string;
	createdDateField?: string;
	createdDateFormat?: string;
	createdDateTimezone?: string;
}

export interface PollerResourceConfig {
	url: string;
	idField: string;
	datesConfiguration: PollerDatesConfiguration;
}

/** One entry per hub resource of the selected objects (lead -> `accounts`), in the seed's key order. */
export function buildPollerConfiguration(
	objects: readonly CloseObject[],
	options: { datePattern?: string } = {},
): Record<string, PollerResourceConfig> {
	const pattern = options.datePattern ?? DEFAULT_CLOSE_DATE_PATTERN;
	const configuration: Record<string, PollerResourceConfig> = {};
	for (const object of objects) {
		const resource = hubResourceOf(object);
		if (resource === undefined) throw new Error(`Unknown Close object "${String(object)}"`);
		configuration[resource] = {
			url: `/hubs/crm/${resource}?where=date_updated>'\${gmtDate:${pattern}}'`,
			idField: 'id',
			datesConfiguration: {
				updatedDateField: 'date_updated',
				updatedDateFormat: pattern,
				createdDateField: 'date_created',
				createdDateFormat: pattern,
			},
		};
	}
	return configuration;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(entry: Record<string, unknown>, key: string, where: string): string | undefined {
	const value = Object.prototype.hasOwnProperty.call(entry, key) ? entry[key] : undefined;
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new Error(`Poller configuration ${where}.${key} must be a string`);
	return value;
}

function requiredString(entry: Record<string, unknown>, key: string, where: string): string {
	const value = optionalString(entry, key, where);
	if (value === undefined || value === '') throw new Error(`Poller configuration ${where}.${key} is missing`);
	return value;
}

function parseResource(resource: string, value: unknown): PollerResourceConfig {
	if (!isRecord(value)) throw new Error(`Poller configuration "${resource}" must be an object`);
	const dates = Object.prototype.hasOwnProperty.call(value, 'datesConfiguration') ? value.datesConfiguration : undefined;
	if (!isRecord(dates)) throw new Error(`Poller configuration "${resource}".datesConfiguration must be an object`);
	const where = `"${resource}".datesConfiguration`;
	const datesConfiguration: PollerDatesConfiguration = {
		updatedDateField: requiredString(dates, 'updatedDateField', where),
		updatedDateFormat: requiredString(dates, 'updatedDateFormat', where),
	};
	// Optional entries are copied only when present, so a parsed configuration re-serialises as sent.
	for (const key of ['updatedDateTimezone', 'createdDateField', 'createdDateFormat', 'createdDateTimezone'] as const) {
		const text = optionalString(dates, key, where);
		if (text !== undefined) datesConfiguration[key] = text;
	}
	return {
		url: requiredString(value, 'url', `"${resource}"`),
		idField: requiredString(value, 'idField', `"${resource}"`),
		datesConfiguration,
	};
}

function parseJsonOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * Reads an instance's `event.poller.configuration`, which the platform stores as a JSON object and
 * sometimes hands back as a JSON string. Throws naming what is wrong.
 */
export function parsePollerConfiguration(value: unknown): Record<string, PollerResourceConfig> {
	const parsed = typeof value === 'string' ? parseJsonOrUndefined(value) : value;
	if (typeof value === 'string' && parsed === undefined) throw new Error('Poller configuration is not valid JSON');
	if (!isRecord(parsed)) throw new Error('Poller configuration must be an object keyed by resource name');
	const configuration: Record<string, PollerResourceConfig> = {};
	for (const [resource, entry] of Object.entries(parsed)) {
		// Defined as own data properties, so a resource named "__proto__" cannot touch the prototype.
		Object.defineProperty(configuration, resource, {
			value: parseResource(resource, entry),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return configuration;
}
