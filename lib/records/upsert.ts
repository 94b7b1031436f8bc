// Upsert: find the records a value matches (Close's /data/search/, then an exact check here,
// because a search matches words, not whole values), and decide: none -> create, one -> update
// it, several -> refuse, naming them, and change nothing.

import { ClientError } from '../clients/errors';
import { normalizePhone, phoneSearchTerms, samePhone } from './phone';
import type { CloseRecord } from './recordsClient';

export type LeadMatchBy = 'email' | 'name' | 'url';
export type ContactMatchBy = 'email' | 'phone';

/** Enough to name every duplicate in the error, and to tell one from several. */
export const MAX_MATCHES = 25;

export class UpsertConflictError extends ClientError {
	constructor(
		readonly resource: 'lead' | 'contact',
		readonly matchBy: string,
		readonly ids: string[],
	) {
		super(
			`Upsert: ${ids.length} ${resource}s match this ${matchBy} (${ids.join(', ')}); nothing was changed. ` +
				`Merge the duplicates or match by another field.`,
		);
		this.name = 'UpsertConflictError';
	}
}

export type UpsertDecision = { action: 'create' } | { action: 'update'; id: string };

export function decideUpsert(resource: 'lead' | 'contact', matchBy: string, matches: readonly CloseRecord[]): UpsertDecision {
	const ids = [...new Set(matches.map((record) => String(record.id)))];
	if (ids.length === 0) return { action: 'create' };
	if (ids.length === 1) return { action: 'update', id: ids[0] };
	throw new UpsertConflictError(resource, matchBy, ids);
}

function textCondition(value: string, mode = 'full_words'): Record<string, unknown> {
	return { type: 'text', mode, value };
}

function regularField(objectType: string, fieldName: string): Record<string, unknown> {
	return { type: 'regular_field', object_type: objectType, field_name: fieldName };
}

function hasRelated(thisType: string, relatedType: string, relatedQuery: Record<string, unknown>): Record<string, unknown> {
	return { type: 'has_related', this_object_type: thisType, related_object_type: relatedType, related_query: relatedQuery };
}

function fieldCondition(objectType: string, fieldName: string, condition: Record<string, unknown>): Record<string, unknown> {
	return { type: 'field_condition', field: regularField(objectType, fieldName), condition };
}

function contactEmailQuery(email: string): Record<string, unknown> {
	return hasRelated('contact', 'contact_email', fieldCondition('contact_email', 'email', textCondition(email, 'phrase')));
}

/** Close stores E.164: search for that, and for the digits as typed (any match is then compared exactly). */
function contactPhoneQuery(phone: string): Record<string, unknown> {
	const terms = phoneSearchTerms(phone).map((term) => fieldCondition('contact_phone', 'phone', textCondition(term, 'phrase')));
	return hasRelated('contact', 'contact_phone', terms.length === 1 ? terms[0] : { type: 'or', queries: terms });
}

const LEAD_FIELDS = ['id', 'name', 'display_name', 'url', 'contacts'];
const CONTACT_FIELDS = ['id', 'lead_id', 'name', 'emails', 'phones'];

function searchBody(objectType: 'lead' | 'contact', condition: Record<string, unknown>): Record<string, unknown> {
	return {
		query: { type: 'and', queries: [{ type: 'object_type', object_type: objectType }, condition] },
		_fields: { [objectType]: objectType === 'lead' ? LEAD_FIELDS : CONTACT_FIELDS },
		_limit: MAX_MATCHES,
	};
}

function required(value: string, what: string): string {
	const text = String(value ?? '').trim();
	if (text === '') throw new ClientError(`Upsert: the value to match by (${what}) is empty`);
	return text;
}

/** The /data/search/ body for leads matching by a contact's email, the lead name, or its URL. */
export function leadMatchSearch(matchBy: LeadMatchBy, value: string): Record<string, unknown> {
	const text = required(value, matchBy);
	if (matchBy === 'email') return searchBody('lead', hasRelated('lead', 'contact', contactEmailQuery(text)));
	if (matchBy === 'name') return searchBody('lead', fieldCondition('lead', 'name', textCondition(text, 'phrase')));
	if (matchBy === 'url') return searchBody('lead', fieldCondition('lead', 'url', textCondition(text, 'phrase')));
	throw new ClientError(`Upsert: cannot match leads by "${String(matchBy)}"`);
}

export function contactMatchSearch(matchBy: ContactMatchBy, value: string): Record<string, unknown> {
	const text = required(value, matchBy);
	if (matchBy === 'email') return searchBody('contact', contactEmailQuery(text));
	if (matchBy === 'phone') {
		if (normalizePhone(text).digits === '') throw new ClientError(`Upsert: the phone to match by ("${text}") has no digits`);
		return searchBody('contact', contactPhoneQuery(text));
	}
	throw new ClientError(`Upsert: cannot match contacts by "${String(matchBy)}"`);
}


function same(a: unknown, b: string): boolean {
	return typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function normalizedUrl(value: unknown): string {
	return String(value ?? '')
		.trim()
		.toLowerCase()
		.replace(/^https?:\/\//, '')
		.replace(/^www\./, '')
		.replace(/\/+$/, '');
}

function emailsOf(contact: unknown): unknown[] {
	const emails = (contact as { emails?: unknown } | null)?.emails;
	return Array.isArray(emails) ? emails.map((e) => (e as { email?: unknown })?.email) : [];
}

function phonesOf(contact: unknown): string[] {
	const phones = (contact as { phones?: unknown } | null)?.phones;
	return Array.isArray(phones) ? phones.map((p) => String((p as { phone?: unknown })?.phone ?? '')) : [];
}

/** The search hits whose value is exactly the one asked for (case-insensitive; phones as E.164, lib/records/phone.ts). */
export function exactLeadMatches(matchBy: LeadMatchBy, value: string, hits: readonly CloseRecord[]): CloseRecord[] {
	return hits.filter((lead) => {
		if (matchBy === 'name') return same(lead.name, value);
		if (matchBy === 'url') return normalizedUrl(lead.url) !== '' && normalizedUrl(lead.url) === normalizedUrl(value);
		const contacts = Array.isArray(lead.contacts) ? lead.contacts : [];
		return contacts.some((contact) => emailsOf(contact).some((email) => same(email, value)));
	});
}

export function exactContactMatches(matchBy: ContactMatchBy, value: string, hits: readonly CloseRecord[]): CloseRecord[] {
	if (matchBy === 'email') return hits.filter((contact) => emailsOf(contact).some((email) => same(email, value)));
	return hits.filter((contact) => phonesOf(contact).some((phone) => samePhone(phone, value)));
}
