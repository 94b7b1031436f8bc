// Close's activities, sequences, custom activities and Smart Views over Close's own API (the CRM
// hub has no route for them): request bodies, the checks Close would make answered before any
// write with a clear message, and an email / SMS that is sent once even when n8n runs the item
// again ("Retry On Fail"). No n8n import: it takes the call to Close.

import type { HttpMethod, QueryValue } from '../clients/http';
import { ApiError, ClientError } from '../clients/errors';
import type { CloseRecord } from './recordsClient';

export type CloseCall = <T>(request: { method: HttpMethod; path: string; qs?: Record<string, QueryValue>; body?: unknown }) => Promise<T>;

export type ActivityType = 'call' | 'email' | 'sms' | 'meeting';
export const ACTIVITY_TYPES: readonly ActivityType[] = ['call', 'email', 'sms', 'meeting'];
export type MessageStatus = 'draft' | 'outbox' | 'scheduled';

const MAX_PAGES = 100000;

function validId(id: unknown, what: string): string {
	const text = String(id ?? '').trim();
	if (text === '') throw new ClientError(`${what}: an ID is required`);
	if (/[/?#\s]/.test(text)) throw new ClientError(`${what}: "${text}" is not a valid Close ID`);
	return encodeURIComponent(text);
}

export function activityPath(type: ActivityType | 'custom', id?: string): string {
	return id === undefined ? `/activity/${type}/` : `/activity/${type}/${validId(id, `${type} activity`)}/`;
}

/** Every `{data, has_more}` page of a Close list (by _skip/_limit), up to `limit` records. */
export async function listPages(call: CloseCall, path: string, qs: Record<string, QueryValue>, limit?: number, pageSize = 100): Promise<CloseRecord[]> {
	const out: CloseRecord[] = [];
	for (let page = 0; page < MAX_PAGES; page++) {
		const wanted = limit === undefined ? pageSize : Math.min(pageSize, limit - out.length);
		if (wanted <= 0) break;
		const body = await call<{ data?: CloseRecord[]; has_more?: boolean }>({ method: 'GET', path, qs: { ...qs, _skip: out.length, _limit: wanted } });
		const data = Array.isArray(body?.data) ? body.data : [];
		out.push(...data);
		if (data.length === 0 || !body.has_more) break;
	}
	return out;
}

/** A sender as the editor lists it: a connected account's identity. */
export interface EmailSender {
	accountId: string;
	email: string;
	name: string;
}

export function encodeSender(sender: EmailSender): string {
	return JSON.stringify([sender.accountId, sender.email, sender.name]);
}

export function decodeSender(value: unknown): EmailSender {
	try {
		const parsed = JSON.parse(String(value)) as unknown;
		if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string') && parsed[0] && parsed[1]) {
			return { accountId: parsed[0], email: parsed[1], name: parsed[2] };
		}
	} catch {
		// Falls through to the message below.
	}
	throw new ClientError('Sender: choose one from the list (a connected email account of Close)');
}

/** `"Name" <email>`, the form Close takes in an email's `sender`. */
export function senderHeader(sender: EmailSender): string {
	return sender.name ? `"${sender.name.replace(/"/g, '')}" <${sender.email}>` : sender.email;
}

/** Identities of Close's connected accounts: who may send. */
export function emailSenders(accounts: CloseRecord[]): EmailSender[] {
	const out: EmailSender[] = [];
	for (const account of accounts) {
		const identities = Array.isArray(account.identities) ? (account.identities as Array<Record<string, unknown>>) : [];
		for (const identity of identities) {
			if (typeof identity.email === 'string' && identity.email) out.push({ accountId: String(account.id), email: identity.email, name: String(identity.name ?? '') });
		}
	}
	return out;
}

/** A contact's first email address (or the one asked for, checked to be the contact's). */
export function contactEmail(contact: CloseRecord, wanted?: string): string {
	const emails = (Array.isArray(contact.emails) ? contact.emails : []).map((e) => String((e as Record<string, unknown>)?.email ?? '')).filter(Boolean);
	if (wanted) {
		if (!emails.some((e) => e.toLowerCase() === wanted.toLowerCase())) throw new ClientError(`Contact ${String(contact.id)} has no email address ${wanted}`);
		return wanted;
	}
	if (emails.length === 0) throw new ClientError(`Contact ${String(contact.id)} has no email address: add one in Close, or choose another contact`);
	return emails[0];
}

export function contactPhone(contact: CloseRecord): string {
	const phones = (Array.isArray(contact.phones) ? contact.phones : []).map((p) => String((p as Record<string, unknown>)?.phone ?? '')).filter(Boolean);
	if (phones.length === 0) throw new ClientError(`Contact ${String(contact.id)} has no phone number: add one in Close, or set To`);
	return phones[0];
}

/**
 * Close's 400 about a template, a sequence or an already-subscribed contact, said plainly; any
 * other error is returned as it came.
 */
export function explainCloseError(error: unknown, context: { templateId?: string; sequenceId?: string; contactId?: string }): unknown {
	if (!(error instanceof ApiError) || error.statusCode !== 400) return error;
	const fields = error.fieldErrors ?? {};
	const text = `${error.message} ${error.providerMessage ?? ''} ${Object.values(fields).join(' ')}`;
	if (context.templateId && 'template_id' in fields) return new ClientError(`Unknown template "${context.templateId}": Close has no such template (choose one from the list)`);
	if (context.sequenceId && /already subscribed/i.test(text)) {
		return new ClientError(`Contact ${context.contactId ?? ''} is already subscribed to sequence ${context.sequenceId}: nothing was changed`);
	}
	return error;
}

// ---- sent once ----

/** Where a message's key is remembered between two runs of the same item (one n8n process). */
export interface SendOnceMemory {
	get(key: string): string | undefined;
	set(key: string, activityId: string): void;
}

/** FNV-1a of a text: the key tells two different messages of the same item apart. */
export function fingerprint(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h.toString(16).padStart(8, '0');
}

/**
 * Creates an email or SMS; one that Close is to send (outbox, scheduled) is sent at most once per
 * key. Close documents no idempotency key, so: the message is created as a draft, its id
 * remembered under the key, then the draft is moved to the wanted status (Close lets a draft go to
 * scheduled or outbox). Run again with the same key, the remembered message is read back: still
 * a draft, it is moved; anything else was already handed to Close and is returned as it is. A
 * draft whose creation answer was lost stays an unsent draft.
 */
export async function createMessageOnce(
	call: CloseCall,
	kind: 'email' | 'sms',
	body: Record<string, unknown>,
	memory: SendOnceMemory,
	key: string,
): Promise<CloseRecord> {
	const status = body.status;
	if (status !== 'outbox' && status !== 'scheduled') return await call<CloseRecord>({ method: 'POST', path: activityPath(kind), body });
	const move: Record<string, unknown> = { status };
	if (body.date_scheduled !== undefined) move.date_scheduled = body.date_scheduled;
	const known = memory.get(key);
	if (known) {
		// Gone (deleted in Close since): as if never created.
		const existing = await call<CloseRecord>({ method: 'GET', path: activityPath(kind, known) }).catch((error: unknown) =>
			error instanceof ApiError && error.statusCode === 404 ? undefined : Promise.reject(error),
		);
		if (existing && existing.status !== 'draft') return existing;
		if (existing) return await call<CloseRecord>({ method: 'PUT', path: activityPath(kind, known), body: move });
	}
	const draft = await call<CloseRecord>({ method: 'POST', path: activityPath(kind), body: { ...body, status: 'draft', date_scheduled: undefined } });
	memory.set(key, String(draft.id));
	return await call<CloseRecord>({ method: 'PUT', path: activityPath(kind, String(draft.id)), body: move });
}

// ---- sequence subscriptions ----

export interface SubscribeInput {
	sequenceId: string;
	contactId: string;
	sender: EmailSender;
	/** Empty: the contact's first email. */
	contactEmail?: string;
}

/** Subscribes a contact; one already subscribed (active or paused) is refused before any write. */
export async function subscribe(call: CloseCall, input: SubscribeInput): Promise<CloseRecord> {
	const contact = await call<CloseRecord>({ method: 'GET', path: `/contact/${validId(input.contactId, 'contact')}/` });
	const email = contactEmail(contact, input.contactEmail);
	validId(input.sequenceId, 'sequence');
	const existing = await listPages(call, '/sequence_subscription/', { contact_id: input.contactId });
	if (existing.some((s) => s.sequence_id === input.sequenceId && (s.status === 'active' || s.status === 'paused'))) {
		throw new ClientError(`Contact ${input.contactId} is already subscribed to sequence ${input.sequenceId}: nothing was changed`);
	}
	try {
		return await call<CloseRecord>({
			method: 'POST',
			path: '/sequence_subscription/',
			body: {
				sequence_id: input.sequenceId,
				contact_id: input.contactId,
				contact_email: email,
				sender_account_id: input.sender.accountId,
				sender_email: input.sender.email,
				sender_name: input.sender.name,
			},
		});
	} catch (error) {
		throw explainCloseError(error, { sequenceId: input.sequenceId, contactId: input.contactId });
	}
}

// ---- custom activities ----

export interface ActivityTypeField {
	id: string;
	name: string;
	type: string;
	required?: boolean;
	accepts_multiple_values?: boolean;
	choices?: string[] | null;
}

/** The `custom.cf_…` keys of a custom activity body from field ids and values; empty values are left out. */
export function customActivityFields(values: Record<string, unknown> | null | undefined, fields: ActivityTypeField[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const known = new Map(fields.map((f) => [f.id, f]));
	for (const [id, raw] of Object.entries(values ?? {})) {
		if (raw === undefined || raw === null || raw === '') continue;
		const field = known.get(id);
		if (!field) throw new ClientError(`Field ${id} is not a field of this custom activity type (reload the fields)`);
		let value: unknown = raw;
		if (field.type === 'number' && typeof raw === 'string') {
			value = Number(raw);
			if (!Number.isFinite(value as number)) throw new ClientError(`Field "${field.name}" needs a number, got "${raw}"`);
		}
		if (field.accepts_multiple_values && typeof raw === 'string') value = raw.startsWith('[') ? (JSON.parse(raw) as unknown) : raw.split(',').map((s) => s.trim()).filter(Boolean);
		out[`custom.${id}`] = value;
	}
	return out;
}

/** Required fields left empty, named, for a published custom activity. */
export function missingRequired(body: Record<string, unknown>, fields: ActivityTypeField[]): string[] {
	return fields.filter((f) => f.required && [undefined, null, ''].includes(body[`custom.${f.id}`] as never)).map((f) => f.name);
}

// ---- Smart Views ----

/**
 * The search body for the leads of a Smart View: its saved `s_query` (Close's advanced-filtering
 * query), asking for lead ids a page at a time.
 */
export function smartViewSearchBody(view: CloseRecord, limit: number, cursor?: string): Record<string, unknown> {
	const saved = (view.s_query ?? null) as Record<string, unknown> | null;
	const query = saved && typeof saved === 'object' ? (saved.query as Record<string, unknown> | undefined) : undefined;
	if (!query || typeof query !== 'object') throw new ClientError(`Smart View ${String(view.id)} has no query Close can search with`);
	if (view.type !== undefined && view.type !== 'lead') throw new ClientError(`Smart View ${String(view.id)} lists ${String(view.type)}s, not leads`);
	const body: Record<string, unknown> = { query, _fields: { lead: ['id'] }, _limit: Math.max(1, Math.min(limit, 200)) };
	if (Array.isArray(saved!.sort) && saved!.sort.length) body.sort = saved!.sort;
	if (cursor) body.cursor = cursor;
	return body;
}
