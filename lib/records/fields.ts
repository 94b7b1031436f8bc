// Turning what a user typed into what Close expects: custom field pairs (written as
// `custom.cf_<id>`), a lead given as an id or a Close app URL, a comma list of emails or phones.

import { ClientError } from '../clients/errors';

export interface CustomFieldPair {
	/** `cf_...` (or `custom.cf_...`), as the list loaded from Close gives it. */
	fieldId: string;
	value: unknown;
}

const CUSTOM_FIELD_ID = /^(?:custom\.)?(cf_[A-Za-z0-9]+)$/;

/**
 * `{ "custom.cf_x": value }` for each pair. An empty value clears the field (null, as Close
 * takes it); a value that is a JSON array (`["IT", "Cars"]`) is sent as a list, for fields that
 * accept several values. The same field twice is an error, not a silent last-one-wins.
 */
export function customFieldsBody(pairs: readonly CustomFieldPair[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const pair of pairs) {
		const raw = String(pair.fieldId ?? '').trim();
		const match = CUSTOM_FIELD_ID.exec(raw);
		if (!match) throw new ClientError(`Custom Fields: "${raw}" is not a custom field ID (cf_...)`);
		const key = `custom.${match[1]}`;
		if (key in out) throw new ClientError(`Custom Fields: ${match[1]} is given twice`);
		out[key] = customValue(pair.value);
	}
	return out;
}

function customValue(value: unknown): unknown {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (text === '') return null;
	if (text.startsWith('[') && text.endsWith(']')) {
		try {
			const parsed: unknown = JSON.parse(text);
			if (Array.isArray(parsed)) return parsed;
		} catch {
			// Not JSON: the text itself is the value.
		}
	}
	return value;
}

const LEAD_ID = /^lead_[A-Za-z0-9]+$/;
const LEAD_IN_URL = /^https?:\/\/[^/\s]+\/(?:[^?#\s]*\/)?lead\/(lead_[A-Za-z0-9]+)(?:[/?#]|$)/i;

/** The lead id of a `lead_...` id or a Close app URL such as https://app.close.com/lead/lead_x/. */
export function leadIdFrom(value: unknown): string {
	const text = String(value ?? '').trim();
	if (text === '') throw new ClientError('Lead: choose a lead, or enter its ID or Close URL');
	if (LEAD_ID.test(text)) return text;
	const match = LEAD_IN_URL.exec(text);
	if (match) return match[1];
	if (/^https?:\/\//i.test(text)) throw new ClientError(`Lead: "${text}" is not a Close lead URL (…/lead/lead_…/)`);
	throw new ClientError(`Lead: "${text}" is not a lead ID (lead_…)`);
}

/** `a@x.com, b@y.com` (or an array) -> trimmed non-empty entries. */
export function listOf(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Removes keys whose value is undefined or an empty string (fields the user left empty). */
export function compact(body: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(body)) {
		if (value === undefined || value === '') continue;
		out[key] = value;
	}
	return out;
}
