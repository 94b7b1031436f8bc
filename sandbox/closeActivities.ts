// Close routes beyond the records: emails and SMS with their statuses (a fake sender records
// what `outbox` would have sent), email / SMS templates, sequences and their subscriptions,
// custom activity types with their fields, custom activities, Smart Views (saved_search), and
// the senders (connected email accounts, phone numbers). As Close's API reference shows them
// (api-evangelist/close, openapi/); where it is silent, the strictest reading.
// Registered ahead of the generic object routes of close.ts, so its POST/PUT of email and SMS
// win; GET / list / DELETE of those stay generic.

import { Clock } from './clock';
import { closeId } from './ids';
import { Ctx, HttpError, Reply, Route, objectBody, route } from './router';
import { CloseRecord, CloseStore, ORGANIZATION_ID, StoreError, USER_ID } from './store';
import { formatCloseDate, parseIsoMicros } from './time';

export interface SentMessage {
	kind: 'email' | 'sms';
	activityId: string;
	leadId: string;
	to: string[];
	sender: string;
	subject?: string;
	body: string;
	/** Sandbox clock, Close format. */
	sentAt: string;
}

export interface ActivityField {
	id: string;
	name: string;
	type: string;
	required: boolean;
	accepts_multiple_values: boolean;
	choices: string[] | null;
	description: string | null;
	editable_with_roles: string[];
	converting_to_type: null;
}

export interface ActivityType {
	id: string;
	name: string;
	description: string | null;
	api_create_only: boolean;
	editable_with_roles: string[];
	is_archived: boolean;
	fields: ActivityField[];
	organization_id: string;
	created_by: string;
	updated_by: string;
	date_created: string;
	date_updated: string;
}

type Obj = Record<string, unknown>;

function closeError(status: number, message: string, fieldErrors?: Record<string, string>): HttpError {
	if (status === 400) return new HttpError(400, message, { errors: [message], 'field-errors': fieldErrors ?? {} });
	return new HttpError(status, message, { error: message });
}

const notFound = (): HttpError => closeError(404, 'Empty query: not found');
const EMAIL_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent'];
const SUBSCRIPTION_STATUSES = ['active', 'paused'];
const FIELD_TYPES = ['text', 'number', 'date', 'datetime', 'choices', 'user', 'contact'];
/** CreateCallActivity of Close's reference: these properties only (additionalProperties: false). */
const CALL_FIELDS = ['activity_at', 'contact_id', 'conversation_type_id', 'created_by', 'date_created', 'direction', 'duration', 'lead_id', 'note', 'note_html', 'organization_id', 'outcome_id', 'phone', 'playbook_id', 'quality_info', 'recording_url', 'source', 'status', 'user_id', 'voicemail_url'];
const CALL_STATUSES = ['created', 'in-progress', 'completed', 'cancel', 'no-answer', 'busy', 'failed', 'timeout'];
export const OUTCOMES: ReadonlyArray<Obj> = [
	{ id: 'outcome_SandboxDemoBooked000001', name: 'Demo Booked', type: 'custom', applies_to: ['calls', 'meetings'], description: 'Booked a demo' },
	{ id: 'outcome_SandboxVoicemail0000001', name: 'Left Pre-Recorded Voicemail', type: 'vm-dropped', applies_to: ['calls'], description: null },
].map((o) => ({ ...o, organization_id: ORGANIZATION_ID, created_by: USER_ID, updated_by: USER_ID, date_created: '2024-01-01T00:00:00.000000+00:00', date_updated: '2024-01-01T00:00:00.000000+00:00' }));

export const SANDBOX_EMAIL_ACCOUNT = 'emailacct_SandboxAccount000000001';
export const SANDBOX_PHONE = '+15555550100';

export class CloseActivities {
	readonly sent: SentMessage[] = [];
	readonly emailTemplates = new Map<string, Obj>();
	readonly smsTemplates = new Map<string, Obj>();
	readonly sequences = new Map<string, Obj>();
	readonly subscriptions = new Map<string, Obj>();
	readonly activityTypes = new Map<string, ActivityType>();
	readonly savedSearches = new Map<string, Obj>();

	constructor(
		private readonly store: CloseStore,
		private readonly clock: Clock,
	) {
		this.reset();
	}

	private now(): string {
		return formatCloseDate(this.clock.now());
	}

	private stamp(): Obj {
		const now = this.now();
		return { organization_id: ORGANIZATION_ID, created_by: USER_ID, updated_by: USER_ID, date_created: now, date_updated: now };
	}

	/** Defaults every test starts from: one template of each kind, a sequence, a form type, a Smart View. */
	reset(): void {
		this.sent.length = 0;
		for (const m of [this.emailTemplates, this.smsTemplates, this.sequences, this.subscriptions, this.activityTypes, this.savedSearches]) m.clear();
		this.createEmailTemplate({ id: 'tmpl_SandboxWelcome000000000001', name: 'Welcome', subject: 'Welcome, {{ contact.first_name }}', body: 'Hello {{ contact.first_name }} from {{ lead.display_name }}' });
		this.createSmsTemplate({ id: 'smstmpl_SandboxReminder0000000001', name: 'Reminder', text: 'Hi {{ contact.first_name }}, see you soon' });
		this.createSequence({ id: 'seq_SandboxOnboarding000000001', name: 'Onboarding' });
		const type = this.createActivityType({ id: 'actitype_SandboxDemoRequest00001', name: 'Demo Request', description: 'A demo was requested' });
		this.addField({ id: 'cf_SandboxDemoTopic00000000000001', custom_activity_type_id: type.id, name: 'Topic', type: 'text', required: true });
		this.addField({ id: 'cf_SandboxDemoSeats00000000000001', custom_activity_type_id: type.id, name: 'Seats', type: 'number' });
		this.addField({ id: 'cf_SandboxDemoChannel000000000001', custom_activity_type_id: type.id, name: 'Channel', type: 'choices', choices: ['web', 'phone'] });
		this.createSavedSearch({
			id: 'save_SandboxQualified0000000001',
			name: 'Qualified leads',
			type: 'lead',
			s_query: {
				query: {
					type: 'and',
					queries: [
						{ type: 'object_type', object_type: 'lead' },
						{ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'term', values: ['stat_SandboxQualified00000001'] } },
					],
				},
				sort: [],
				results_limit: null,
			},
		});
	}

	routes(P: string): Route[] {
		const list = (items: Iterable<Obj>, c: Ctx, keep: (o: Obj) => boolean = () => true): Reply => {
			const all = [...items].filter(keep);
			const skip = Number(c.query.get('_skip') ?? 0) || 0;
			const limit = Math.min(Number(c.query.get('_limit') ?? 100) || 100, 200);
			return { status: 200, body: { data: all.slice(skip, skip + limit).map((o) => ({ ...o })), has_more: skip + limit < all.length } };
		};
		const one = (map: Map<string, Obj>, id: string): Reply => {
			const found = map.get(id);
			if (!found) throw notFound();
			return { status: 200, body: { ...found } };
		};
		const guard = (fn: () => Reply): Reply => {
			try {
				return fn();
			} catch (e) {
				if (e instanceof StoreError) throw closeError(e.status, e.message, e.fieldErrors);
				throw e;
			}
		};
		return [
			// ---- email and SMS: statuses, templates, the fake sender ----
			route('POST', `${P}/activity/email/`, (c) => guard(() => ({ status: 200, body: this.createMessage('email', objectBody(c)) }))),
			route('PUT', `${P}/activity/email/:id/`, (c) => guard(() => ({ status: 200, body: this.updateMessage('email', c.params[0], objectBody(c)) }))),
			route('POST', `${P}/activity/sms/`, (c) => guard(() => ({ status: 200, body: this.createMessage('sms', objectBody(c)) }))),
			route('PUT', `${P}/activity/sms/:id/`, (c) => guard(() => ({ status: 200, body: this.updateMessage('sms', c.params[0], objectBody(c)) }))),
			route('POST', `${P}/activity/call/`, (c) => guard(() => ({ status: 200, body: this.store.create('call', this.checkCall(objectBody(c))) }))),
			route('GET', `${P}/outcome/`, (c) => list(OUTCOMES, c)),
			// Close's reference has no POST for meetings: they come from the connected calendars.
			route('POST', `${P}/activity/meeting/`, () => {
				throw closeError(405, 'Method "POST" not allowed.');
			}),
			route('GET', `${P}/email_template/`, (c) => list(this.emailTemplates.values(), c, (t) => c.query.get('is_archived') !== 'false' || t.is_archived === false)),
			route('POST', `${P}/email_template/`, (c) => ({ status: 200, body: this.createEmailTemplate(objectBody(c)) })),
			route('GET', `${P}/email_template/:id/`, (c) => one(this.emailTemplates, c.params[0])),
			route('GET', `${P}/sms_template/`, (c) => list(this.smsTemplates.values(), c)),
			route('POST', `${P}/sms_template/`, (c) => ({ status: 200, body: this.createSmsTemplate(objectBody(c)) })),
			route('GET', `${P}/sms_template/:id/`, (c) => one(this.smsTemplates, c.params[0])),
			// ---- senders ----
			route('GET', `${P}/connected_account/`, () => ({
				status: 200,
				body: {
					data: [{ _type: 'google', id: SANDBOX_EMAIL_ACCOUNT, identities: [{ email: 'sandbox.user@example.com', name: 'Sandbox User' }], organization_id: ORGANIZATION_ID, user_id: USER_ID }],
					has_more: false,
				},
			})),
			route('GET', `${P}/phone_number/`, () => ({
				status: 200,
				body: { data: [{ id: 'phon_SandboxNumber0000000000001', number: SANDBOX_PHONE, label: 'Sandbox line', is_group_number: false, user_id: USER_ID, organization_id: ORGANIZATION_ID }], has_more: false },
			})),
			// ---- sequences and subscriptions ----
			route('GET', `${P}/sequence/`, (c) => list(this.sequences.values(), c)),
			route('POST', `${P}/sequence/`, (c) => ({ status: 200, body: this.createSequence(objectBody(c)) })),
			route('GET', `${P}/sequence/:id/`, (c) => one(this.sequences, c.params[0])),
			route('GET', `${P}/sequence_subscription/`, (c) => {
				const by = ['sequence_id', 'contact_id', 'lead_id'].filter((k) => c.query.get(k));
				if (by.length === 0) throw closeError(400, 'At least one of sequence_id, contact_id and lead_id is required.', { sequence_id: 'This field is required.' });
				return list(this.subscriptions.values(), c, (s) => by.every((k) => s[k] === c.query.get(k)));
			}),
			route('POST', `${P}/sequence_subscription/`, (c) => guard(() => ({ status: 201, body: this.subscribe(objectBody(c)) }))),
			route('GET', `${P}/sequence_subscription/:id/`, (c) => one(this.subscriptions, c.params[0])),
			route('PUT', `${P}/sequence_subscription/:id/`, (c) => ({ status: 200, body: this.updateSubscription(c.params[0], objectBody(c)) })),
			route('DELETE', `${P}/sequence_subscription/:id/`, (c) => {
				if (!this.subscriptions.delete(c.params[0])) throw notFound();
				return { status: 200, body: {} };
			}),
			// ---- custom activity types and their fields ----
			route('GET', `${P}/custom_activity/`, (c) => list(this.activityTypes.values() as Iterable<unknown> as Iterable<Obj>, c)),
			route('POST', `${P}/custom_activity/`, (c) => ({ status: 201, body: this.createActivityType(objectBody(c)) })),
			route('GET', `${P}/custom_activity/:id/`, (c) => one(this.activityTypes as unknown as Map<string, Obj>, c.params[0])),
			route('GET', `${P}/custom_field/activity/`, (c) => list([...this.activityTypes.values()].flatMap((t) => t.fields.map((f) => ({ ...f, custom_activity_type_id: t.id }))), c)),
			route('POST', `${P}/custom_field/activity/`, (c) => ({ status: 200, body: this.addField(objectBody(c)) })),
			// ---- custom activities ----
			route('GET', `${P}/activity/custom/`, (c) => this.listCustom(c)),
			route('POST', `${P}/activity/custom/`, (c) =>
				guard(() => ({ status: 200, body: this.store.create('custom_activity', this.checkCustom(objectBody(c)), { meta: { request_method: 'POST', request_path: c.path } }) })),
			),
			route('GET', `${P}/activity/custom/:id/`, (c) => {
				const rec = this.store.get('custom_activity', c.params[0]);
				if (!rec) throw notFound();
				return { status: 200, body: rec };
			}),
			route('PUT', `${P}/activity/custom/:id/`, (c) =>
				guard(() => {
					const previous = this.store.get('custom_activity', c.params[0]);
					if (!previous) throw notFound();
					const body = this.checkCustom(objectBody(c), previous);
					return { status: 200, body: this.store.update('custom_activity', c.params[0], body, { meta: { request_method: 'PUT', request_path: c.path } }) };
				}),
			),
			route('DELETE', `${P}/activity/custom/:id/`, (c) =>
				guard(() => {
					this.store.delete('custom_activity', c.params[0], { meta: { request_method: 'DELETE', request_path: c.path } });
					return { status: 200, body: {} };
				}),
			),
			// ---- Smart Views ----
			route('GET', `${P}/saved_search/`, (c) => list(this.savedSearches.values(), c)),
			route('POST', `${P}/saved_search/`, (c) => ({ status: 200, body: this.createSavedSearch(objectBody(c)) })),
			route('GET', `${P}/saved_search/:id/`, (c) => one(this.savedSearches, c.params[0])),
		];
	}

	// ---- templates, sequences, Smart Views ----

	createEmailTemplate(b: Obj): Obj {
		if (typeof b.name !== 'string' || !b.name) throw closeError(400, 'Invalid template', { name: 'This field is required.' });
		const t = { id: typeof b.id === 'string' ? b.id : closeId('tmpl'), name: b.name, subject: String(b.subject ?? ''), body: String(b.body ?? ''), is_shared: true, is_archived: false, attachments: [], ...this.stamp() };
		this.emailTemplates.set(t.id, t);
		return { ...t };
	}

	createSmsTemplate(b: Obj): Obj {
		if (typeof b.name !== 'string' || !b.name) throw closeError(400, 'Invalid template', { name: 'This field is required.' });
		const t = { id: typeof b.id === 'string' ? b.id : closeId('smstmpl'), name: b.name, text: String(b.text ?? ''), is_shared: true, is_archived: false, ...this.stamp() };
		this.smsTemplates.set(t.id, t);
		return { ...t };
	}

	createSequence(b: Obj): Obj {
		if (typeof b.name !== 'string' || !b.name) throw closeError(400, 'Invalid sequence', { name: 'This field is required.' });
		const now = this.now();
		const s = {
			id: typeof b.id === 'string' ? b.id : closeId('seq'),
			name: b.name,
			status: 'active',
			schedule: null,
			timezone: 'UTC',
			steps: [],
			organization_id: ORGANIZATION_ID,
			created_by_id: USER_ID,
			updated_by_id: USER_ID,
			date_created: now,
			date_updated: now,
		};
		this.sequences.set(s.id, s);
		return { ...s };
	}

	createSavedSearch(b: Obj): Obj {
		if (typeof b.name !== 'string' || !b.name) throw closeError(400, 'Invalid Smart View', { name: 'This field is required.' });
		const s = { id: typeof b.id === 'string' ? b.id : closeId('save'), name: b.name, type: b.type ?? 'lead', s_query: b.s_query ?? null, query: b.query ?? null, is_shared: true, user_id: USER_ID, ...this.stamp() };
		this.savedSearches.set(s.id, s);
		return { ...s };
	}

	// ---- sequence subscriptions ----

	private subscribe(b: Obj): Obj {
		const fe: Record<string, string> = {};
		for (const k of ['sequence_id', 'contact_id', 'contact_email', 'sender_account_id', 'sender_name', 'sender_email']) {
			if (typeof b[k] !== 'string' || !b[k]) fe[k] = 'This field is required.';
		}
		if (Object.keys(fe).length) throw closeError(400, 'Invalid subscription', fe);
		if (!this.sequences.has(b.sequence_id as string)) throw closeError(400, 'Invalid sequence_id', { sequence_id: 'Sequence not found.' });
		const contact = this.store.get('contact', b.contact_id as string);
		if (!contact) throw closeError(400, 'Invalid contact_id', { contact_id: 'Contact not found.' });
		const emails = (Array.isArray(contact.emails) ? contact.emails : []).map((e) => String((e as Obj).email ?? '').toLowerCase());
		if (!emails.includes(String(b.contact_email).toLowerCase())) throw closeError(400, 'Invalid contact_email', { contact_email: 'The email address does not belong to the contact.' });
		if (b.sender_account_id !== SANDBOX_EMAIL_ACCOUNT) throw closeError(400, 'Invalid sender_account_id', { sender_account_id: 'Email account not found.' });
		for (const s of this.subscriptions.values()) {
			if (s.contact_id === b.contact_id && s.sequence_id === b.sequence_id && (s.status === 'active' || s.status === 'paused')) {
				throw closeError(400, 'Contact is already subscribed to this sequence.', { contact_id: 'Contact is already subscribed to this sequence.' });
			}
		}
		const now = this.now();
		const sub = {
			id: closeId('sub'),
			sequence_id: b.sequence_id,
			contact_id: b.contact_id,
			contact_email: b.contact_email,
			lead_id: contact.lead_id,
			sender_account_id: b.sender_account_id,
			sender_name: b.sender_name,
			sender_email: b.sender_email,
			calls_assigned_to: Array.isArray(b.calls_assigned_to) ? b.calls_assigned_to : [],
			start_date: null,
			status: 'active',
			status_reason: null,
			organization_id: ORGANIZATION_ID,
			created_by_id: USER_ID,
			updated_by_id: USER_ID,
			date_created: now,
			date_updated: now,
		};
		this.subscriptions.set(sub.id, sub);
		return { ...sub };
	}

	private updateSubscription(id: string, b: Obj): Obj {
		const sub = this.subscriptions.get(id);
		if (!sub) throw notFound();
		if (b.status !== undefined && !SUBSCRIPTION_STATUSES.includes(String(b.status))) {
			throw closeError(400, 'Invalid status', { status: `"${String(b.status)}" is not a valid choice.` });
		}
		if (b.status !== undefined && b.status !== sub.status) {
			sub.status = b.status;
			sub.status_reason = b.status === 'paused' ? 'manual' : null;
		}
		sub.date_updated = this.now();
		return { ...sub };
	}

	// ---- custom activity types ----

	createActivityType(b: Obj): ActivityType {
		if (typeof b.name !== 'string' || !b.name) throw closeError(400, 'Invalid custom activity type', { name: 'This field is required.' });
		const now = this.now();
		const t: ActivityType = {
			id: typeof b.id === 'string' ? b.id : closeId('actitype'),
			name: b.name,
			description: typeof b.description === 'string' ? b.description : null,
			api_create_only: b.api_create_only === true,
			editable_with_roles: [],
			is_archived: false,
			fields: [],
			organization_id: ORGANIZATION_ID,
			created_by: USER_ID,
			updated_by: USER_ID,
			date_created: now,
			date_updated: now,
		};
		this.activityTypes.set(t.id, t);
		return { ...t, fields: [] };
	}

	/** POST /custom_field/activity/: a field of a custom activity type. */
	addField(b: Obj): ActivityField & { custom_activity_type_id: string } {
		const fe: Record<string, string> = {};
		const type = this.activityTypes.get(String(b.custom_activity_type_id ?? ''));
		if (!type) fe.custom_activity_type_id = b.custom_activity_type_id ? 'Custom activity type not found.' : 'This field is required.';
		if (typeof b.name !== 'string' || !b.name) fe.name = 'This field is required.';
		if (!FIELD_TYPES.includes(String(b.type))) fe.type = `"${String(b.type)}" is not a valid choice.`;
		if (Object.keys(fe).length) throw closeError(400, 'Invalid custom field', fe);
		const field: ActivityField = {
			id: typeof b.id === 'string' ? b.id : closeId('cf'),
			name: b.name as string,
			type: b.type as string,
			required: b.required === true,
			accepts_multiple_values: b.accepts_multiple_values === true,
			choices: Array.isArray(b.choices) ? b.choices.map(String) : null,
			description: typeof b.description === 'string' ? b.description : null,
			editable_with_roles: [],
			converting_to_type: null,
		};
		type!.fields.push(field);
		return { ...field, custom_activity_type_id: type!.id };
	}

	// ---- custom activities ----

	/** Close's checks on a custom activity write: a known type, known fields, required ones when published. */
	private checkCustom(b: Obj, previous?: CloseRecord): Obj {
		const out: Obj = { ...b };
		const typeId = previous ? previous.custom_activity_type_id : b.custom_activity_type_id;
		if (previous && b.custom_activity_type_id !== undefined && b.custom_activity_type_id !== typeId) {
			throw closeError(400, 'custom_activity_type_id cannot be changed', { custom_activity_type_id: 'This field cannot be changed.' });
		}
		const type = this.activityTypes.get(String(typeId ?? ''));
		if (!type) throw closeError(400, 'Invalid custom_activity_type_id', { custom_activity_type_id: typeId ? 'Custom activity type not found.' : 'This field is required.' });
		const status = b.status ?? previous?.status ?? 'published';
		if (status !== 'draft' && status !== 'published') throw closeError(400, 'Invalid status', { status: `"${String(status)}" is not a valid choice.` });
		out.status = status;
		const fe: Record<string, string> = {};
		for (const [k, v] of Object.entries(b)) {
			if (!k.startsWith('custom.')) continue;
			const field = type.fields.find((f) => `custom.${f.id}` === k);
			if (!field) fe[k] = 'Unknown custom field.';
			else if (v !== null && field.type === 'number' && typeof v !== 'number') fe[k] = 'Enter a number.';
			else if (v !== null && field.type === 'choices' && field.choices && !(Array.isArray(v) ? v : [v]).every((x) => field.choices!.includes(String(x)))) {
				fe[k] = `Choose one of: ${field.choices.join(', ')}.`;
			}
		}
		if (status === 'published') {
			for (const f of type.fields) {
				const key = `custom.${f.id}`;
				const value = key in b ? b[key] : previous?.[key];
				if (f.required && (value === undefined || value === null || value === '')) fe[key] = 'This field is required.';
			}
		}
		if (Object.keys(fe).length) throw closeError(400, 'Invalid custom activity', fe);
		if (status === 'published' && previous?.status !== 'published') out.last_published_at = this.now();
		return out;
	}

	private listCustom(c: Ctx): Reply {
		const leadIds = c.query.getAll('lead_id').flatMap((v) => v.split(',')).filter(Boolean);
		const typeIds = [...c.query.getAll('custom_activity_type_id'), ...c.query.getAll('custom_activity_type_id__in')].flatMap((v) => v.split(',')).filter(Boolean);
		if (typeIds.length && !leadIds.length) {
			throw closeError(400, 'lead_id is required when filtering by custom_activity_type_id', { lead_id: 'This field is required.' });
		}
		const all = this.store.tables.custom_activity.sorted
			.map((e) => e.rec)
			.filter((r) => (!leadIds.length || leadIds.includes(String(r.lead_id))) && (!typeIds.length || typeIds.includes(String(r.custom_activity_type_id))))
			.reverse();
		const skip = Number(c.query.get('_skip') ?? 0) || 0;
		const limit = Math.min(Number(c.query.get('_limit') ?? 100) || 100, 100);
		return { status: 200, body: { data: all.slice(skip, skip + limit), has_more: skip + limit < all.length } };
	}

	// ---- calls ----

	private checkCall(b: Obj): Obj {
		const fe: Record<string, string> = {};
		for (const k of Object.keys(b)) if (!CALL_FIELDS.includes(k)) fe[k] = 'Additional properties are not allowed.';
		if (b.direction !== undefined && b.direction !== null && b.direction !== 'inbound' && b.direction !== 'outbound') fe.direction = `"${String(b.direction)}" is not a valid choice.`;
		if (b.status !== undefined && b.status !== null && !CALL_STATUSES.includes(String(b.status))) fe.status = `"${String(b.status)}" is not a valid choice.`;
		if (b.duration !== undefined && b.duration !== null && (!Number.isInteger(b.duration) || (b.duration as number) < 0 || (b.duration as number) > 604800)) fe.duration = 'Enter a whole number of seconds up to 604800.';
		if (b.outcome_id !== undefined && b.outcome_id !== null && !OUTCOMES.some((o) => o.id === b.outcome_id && (o.applies_to as string[]).includes('calls'))) fe.outcome_id = 'Outcome not found.';
		if (Object.keys(fe).length) throw closeError(400, 'Invalid call', fe);
		return b;
	}

	// ---- email and SMS ----

	/** Template placeholders ({{ contact.first_name }}, {{ lead.display_name }}, ...) filled from the records. */
	private render(text: string, leadId: string, contactId: unknown): string {
		const lead = this.store.get('lead', leadId) ?? {};
		const contact = typeof contactId === 'string' ? (this.store.get('contact', contactId) ?? {}) : {};
		const name = String((contact as Obj).name ?? '');
		const scope: Record<string, Obj> = { lead, contact: { ...contact, first_name: name.split(' ')[0] ?? '', last_name: name.split(' ').slice(1).join(' ') } };
		return text.replace(/\{\{\s*(lead|contact)\.([a-z_]+)\s*\}\}/g, (_, object: string, field: string) => String(scope[object]?.[field] ?? ''));
	}

	private createMessage(kind: 'email' | 'sms', input: Obj): CloseRecord {
		const b: Obj = { ...input };
		const fe: Record<string, string> = {};
		const status = b.status ?? (kind === 'email' ? 'draft' : 'draft');
		if (!EMAIL_STATUSES.includes(String(status))) fe.status = `"${String(status)}" is not a valid choice.`;
		b.status = status;
		this.checkMessage(kind, b, fe);
		if (Object.keys(fe).length) throw closeError(400, `Invalid ${kind}`, fe);
		const leadId = String(b.lead_id ?? '');
		if (b.template_id !== undefined && b.template_id !== null) {
			const templates = kind === 'email' ? this.emailTemplates : this.smsTemplates;
			const t = templates.get(String(b.template_id));
			if (!t) throw closeError(400, 'Invalid template_id', { template_id: 'Template not found.' });
			// Close renders a template server-side when no body is posted with it.
			if (kind === 'email' && b.body_text === undefined && b.body_html === undefined) {
				b.body_text = this.render(String(t.body), leadId, b.contact_id);
				b.body_html = b.body_text;
				if (b.subject === undefined) b.subject = this.render(String(t.subject), leadId, b.contact_id);
			}
			if (kind === 'sms' && b.text === undefined) b.text = this.render(String(t.text), leadId, b.contact_id);
		}
		if (kind === 'email') b.direction = b.status === 'inbox' ? 'incoming' : 'outgoing';
		else b.direction = b.status === 'inbox' ? 'inbound' : 'outbound';
		const created = this.store.create(kind, b);
		return b.status === 'outbox' ? this.send(kind, created) : created;
	}

	private checkMessage(kind: 'email' | 'sms', b: Obj, fe: Record<string, string>): void {
		const status = String(b.status);
		if (status === 'scheduled') {
			if (typeof b.date_scheduled !== 'string' || !b.date_scheduled) fe.date_scheduled = 'This field is required for scheduled messages.';
			else if (parseIsoMicros(b.date_scheduled) === undefined) fe.date_scheduled = 'Enter a valid date/time.';
		}
		const sending = status === 'scheduled' || status === 'outbox';
		if (kind === 'email') {
			if ((sending || status === 'inbox') && (typeof b.sender !== 'string' || !b.sender)) fe.sender = 'This field is required.';
			if (sending && (!Array.isArray(b.to) || b.to.length === 0)) fe.to = 'This field is required.';
		} else if (sending) {
			if (b.local_phone !== SANDBOX_PHONE) fe.local_phone = b.local_phone ? 'Not a phone number of this organization.' : 'This field is required.';
			if (typeof b.remote_phone !== 'string' || !b.remote_phone) fe.remote_phone = 'This field is required.';
		}
	}

	/** The fake sender: what Close would send now, recorded once; the activity becomes `sent`. */
	private send(kind: 'email' | 'sms', rec: CloseRecord): CloseRecord {
		const sentAt = this.now();
		this.sent.push({
			kind,
			activityId: rec.id,
			leadId: String(rec.lead_id),
			to: kind === 'email' ? (rec.to as string[]) : [String(rec.remote_phone)],
			sender: kind === 'email' ? String(rec.sender) : String(rec.local_phone),
			subject: kind === 'email' ? String(rec.subject ?? '') : undefined,
			body: kind === 'email' ? String(rec.body_text ?? '') : String(rec.text ?? ''),
			sentAt,
		});
		return this.store.update(kind, rec.id, { status: 'sent', date_sent: sentAt });
	}

	/** Only drafts change; a draft may go to scheduled or outbox, and scheduled / outbox back to draft. */
	private updateMessage(kind: 'email' | 'sms', id: string, b: Obj): CloseRecord {
		const previous = this.store.get(kind, id);
		if (!previous) throw notFound();
		const from = String(previous.status);
		const to = b.status === undefined ? from : String(b.status);
		const cancel = (from === 'scheduled' || from === 'outbox') && to === 'draft';
		if (from !== 'draft' && !cancel) throw closeError(400, 'Only drafts can be modified.', { status: 'Only drafts can be modified.' });
		if (from === 'draft' && !['draft', 'scheduled', 'outbox'].includes(to)) throw closeError(400, 'Invalid status', { status: `"${to}" is not a valid choice.` });
		const next: Obj = { ...previous, ...b, status: to };
		const fe: Record<string, string> = {};
		this.checkMessage(kind, next, fe);
		if (Object.keys(fe).length) throw closeError(400, `Invalid ${kind}`, fe);
		const updated = this.store.update(kind, id, { ...b, status: to });
		return to === 'outbox' ? this.send(kind, updated) : updated;
	}
}
