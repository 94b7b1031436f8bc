// The one Close organization the sandbox holds: records, the event log, and every mutation.
// Records are immutable once stored (an update stores a new object), so events and log
// entries can keep references without copying.

import { Clock } from './clock';
import { closeId } from './ids';
import { formatCloseDate, formatEventDate, toMicros } from './time';
import { storePhones } from './phones';

export type RecordType = 'lead' | 'contact' | 'opportunity' | 'task';
/** Activities users log (Close routes /activity/<type>/, events `activity.<type>`). */
export type ActivityType = 'note' | 'call' | 'email' | 'sms' | 'meeting' | 'custom_activity';
/** Activities Close logs itself when a status changes or a task is completed (read-only here). */
export type SystemActivityType = 'lead_status_change' | 'opportunity_status_change' | 'task_completed';
export type CloseObjectType = RecordType | ActivityType | SystemActivityType;
export const RECORD_TYPES: readonly RecordType[] = ['lead', 'contact', 'opportunity', 'task'];
export const ACTIVITY_TYPES: readonly ActivityType[] = ['note', 'call', 'email', 'sms', 'meeting', 'custom_activity'];
export const SYSTEM_ACTIVITY_TYPES: readonly SystemActivityType[] = ['lead_status_change', 'opportunity_status_change', 'task_completed'];
export const CLOSE_TYPES: readonly CloseObjectType[] = [...RECORD_TYPES, ...ACTIVITY_TYPES, ...SYSTEM_ACTIVITY_TYPES];

/**
 * The event log's object_type: records keep their name, tasks are `task.<_type>` (Close's "List of
 * Event Types": `task.lead`, ...; the sandbox's tasks are all lead tasks), activities `activity.<type>`.
 */
export function eventObjectType(type: CloseObjectType): string {
	if (type === 'task') return 'task.lead';
	return (RECORD_TYPES as readonly string[]).includes(type) ? type : `activity.${type}`;
}

export interface LeadStatus {
	id: string;
	label: string;
	organization_id: string;
}

export interface OpportunityStatus extends LeadStatus {
	type: 'active' | 'won' | 'lost';
	pipeline_id: string;
}

export type StatusKind = 'lead' | 'opportunity';
export const PIPELINE_ID = 'pipe_SandboxPipeline00000001';
export type CloseRecord = Record<string, unknown> & { id: string; date_created: string; date_updated: string };

export const ORGANIZATION_ID = 'orga_SandboxOrganization000001';
export const USER_ID = 'user_SandboxUser0000000000001';

export interface Entry {
	id: string;
	/** date_updated in epoch micros; the sort key with id. */
	upd: number;
	rec: CloseRecord;
	/** The presented record as JSON, built on first read (records never change in place). */
	json: string | undefined;
}

export interface CloseEvent {
	id: string;
	object_type: string;
	object_id: string;
	action: string;
	lead_id: string | null;
	date_created: string;
	date_updated: string;
	organization_id: string;
	user_id: string;
	request_id: string;
	data: Record<string, unknown> | null;
	previous_data: Record<string, unknown> | null;
	changed_fields: string[];
	meta: Record<string, unknown>;
}

export interface StoredEvent {
	seq: number;
	micros: number;
	event: CloseEvent;
}

export interface MutationOptions {
	/** Timestamp of the write (ISO or epoch micros); default the sandbox clock. */
	at?: string | number;
	/** Skip the event log and deliveries (bulk seeding). */
	silent?: boolean;
	meta?: Record<string, unknown>;
	requestId?: string;
}

export class StoreError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly fieldErrors: Record<string, string> = {},
	) {
		super(message);
	}
}

function cmpEntry(a: { upd: number; id: string }, b: { upd: number; id: string }): number {
	return a.upd - b.upd || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class Table {
	readonly byId = new Map<string, Entry>();
	/** Sorted by (date_updated micros, id). */
	sorted: Entry[] = [];
	/** Bumped on every change; hub offset caches key on it. */
	version = 0;

	/** First index whose (upd, id) >= key. */
	lowerIndex(upd: number, id = ''): number {
		let lo = 0;
		let hi = this.sorted.length;
		const key = { upd, id };
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (cmpEntry(this.sorted[mid], key) < 0) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	insert(entry: Entry): void {
		this.byId.set(entry.id, entry);
		const last = this.sorted[this.sorted.length - 1];
		if (!last || cmpEntry(last, entry) <= 0) this.sorted.push(entry);
		else this.sorted.splice(this.lowerIndex(entry.upd, entry.id), 0, entry);
		this.version++;
	}

	remove(id: string): Entry | undefined {
		const entry = this.byId.get(id);
		if (!entry) return undefined;
		this.byId.delete(id);
		const i = this.lowerIndex(entry.upd, entry.id);
		if (this.sorted[i] === entry) this.sorted.splice(i, 1);
		else this.sorted = this.sorted.filter((e) => e !== entry);
		this.version++;
		return entry;
	}

	bulkInsert(entries: Entry[]): void {
		for (const e of entries) this.byId.set(e.id, e);
		const last = this.sorted[this.sorted.length - 1];
		let ordered = true;
		for (let i = 0; i < entries.length; i++) {
			const prev = i === 0 ? last : entries[i - 1];
			if (prev && cmpEntry(prev, entries[i]) > 0) {
				ordered = false;
				break;
			}
		}
		for (const e of entries) this.sorted.push(e);
		if (!ordered) this.sorted.sort(cmpEntry);
		this.version++;
	}
}

/** Embedded in a lead as Close shows it. */
const CHILD_TYPES: readonly CloseObjectType[] = ['contact', 'opportunity', 'task'];
/** Everything that belongs to a lead: deleted with it, moved by a merge. */
const OWNED_TYPES: readonly CloseObjectType[] = [...CHILD_TYPES, ...ACTIVITY_TYPES, ...SYSTEM_ACTIVITY_TYPES];
const ID_PREFIX: Record<RecordType, string> = { lead: 'lead', contact: 'cont', opportunity: 'oppo', task: 'task' };
const ACTIVITY_CLASS: Record<ActivityType | SystemActivityType, string> = {
	note: 'Note',
	call: 'Call',
	email: 'Email',
	sms: 'SMS',
	meeting: 'Meeting',
	custom_activity: 'CustomActivity',
	lead_status_change: 'LeadStatusChange',
	opportunity_status_change: 'OpportunityStatusChange',
	task_completed: 'TaskCompleted',
};
const USER_NAME = 'Sandbox User';

/** Each activity type's own fields, as Close's activity pages show them (fresh arrays per call). */
function activityFields(type: ActivityType | SystemActivityType): Record<string, unknown> {
	switch (type) {
		case 'note':
			return { note: '', note_html: '' };
		case 'call':
			return { direction: 'outbound', status: 'completed', disposition: 'answered', duration: 0, phone: '', local_phone: '', remote_phone: '', note: '', recording_url: null, voicemail_url: null };
		case 'email':
			return { direction: 'outgoing', status: 'draft', subject: '', body_text: '', body_html: '', sender: '', to: [], cc: [], bcc: [], thread_id: null, template_id: null };
		case 'sms':
			return { direction: 'outbound', status: 'draft', text: '', local_phone: '', remote_phone: '' };
		case 'meeting':
			return { title: '', status: 'upcoming', starts_at: null, ends_at: null, duration: 0, location: null, attendees: [] };
		case 'custom_activity':
			// Its custom.cf_… values are flat keys, as Close shows them (sandbox/closeActivities.ts).
			return { custom_activity_type_id: null, status: 'published', pinned: false, source: 'api' };
		case 'lead_status_change':
			return { old_status_id: null, old_status_label: null, new_status_id: null, new_status_label: null };
		case 'opportunity_status_change':
			return {
				opportunity_id: null,
				old_status_id: null,
				old_status_label: null,
				old_status_type: null,
				new_status_id: null,
				new_status_label: null,
				new_status_type: null,
				opportunity_value: null,
				opportunity_value_currency: null,
				opportunity_value_period: null,
			};
		case 'task_completed':
			return { task_id: null, task_text: null };
	}
}

function defaultLeadStatuses(): LeadStatus[] {
	return [
		['stat_SandboxPotential00000001', 'Potential'],
		['stat_SandboxBadFit0000000001', 'Bad Fit'],
		['stat_SandboxQualified00000001', 'Qualified'],
		['stat_SandboxCustomer00000001', 'Customer'],
	].map(([id, label]) => ({ id, label, organization_id: ORGANIZATION_ID }));
}

function defaultOpportunityStatuses(): OpportunityStatus[] {
	return (
		[
			['stat_SandboxActive0000000001', 'Active', 'active'],
			['stat_SandboxWon000000000001', 'Won', 'won'],
			['stat_SandboxLost00000000001', 'Lost', 'lost'],
		] as const
	).map(([id, label, type]) => ({ id, label, type, pipeline_id: PIPELINE_ID, organization_id: ORGANIZATION_ID }));
}
const READ_ONLY = new Set(['id', 'organization_id', 'date_created', 'date_updated', 'created_by']);

export type EventListener = (stored: StoredEvent) => void;

export class CloseStore {
	readonly tables: Record<CloseObjectType, Table> = {
		lead: new Table(),
		contact: new Table(),
		opportunity: new Table(),
		task: new Table(),
		note: new Table(),
		call: new Table(),
		email: new Table(),
		sms: new Table(),
		meeting: new Table(),
		custom_activity: new Table(),
		lead_status_change: new Table(),
		opportunity_status_change: new Table(),
		task_completed: new Table(),
	};
	leadStatuses: LeadStatus[] = defaultLeadStatuses();
	opportunityStatuses: OpportunityStatus[] = defaultOpportunityStatuses();
	/** lead id -> child type -> child ids, so a lead can show its contacts like Close does. */
	private children = new Map<string, Record<string, Set<string>>>();
	events: StoredEvent[] = [];
	/** False once an event was logged with an earlier date than its predecessor (admin `at`). */
	eventsMonotonic = true;
	private seq = 0;
	private listeners: EventListener[] = [];
	private counter = 0;
	/** Event consolidation when its knob is on (sandbox/eventLog.ts): the event as logged, maybe folded into an earlier one it removes. */
	fold?: (events: StoredEvent[], event: CloseEvent, micros: number) => CloseEvent;

	constructor(private readonly clock: Clock) {}

	onEvent(listener: EventListener): void {
		this.listeners.push(listener);
	}

	reset(): void {
		for (const t of CLOSE_TYPES) this.tables[t] = new Table();
		this.children.clear();
		this.leadStatuses = defaultLeadStatuses();
		this.opportunityStatuses = defaultOpportunityStatuses();
		this.events = [];
		this.eventsMonotonic = true;
		this.seq = 0;
		this.counter = 0;
	}

	get(type: CloseObjectType, id: string): CloseRecord | undefined {
		return this.tables[type].byId.get(id)?.rec;
	}

	/** The record as Close's API shows it (leads embed their contacts, opportunities and tasks). */
	present(type: CloseObjectType, rec: CloseRecord): CloseRecord {
		if (type !== 'lead') return rec;
		const out: CloseRecord = { ...rec };
		out.contacts = this.childList(rec.id, 'contact');
		out.opportunities = this.childList(rec.id, 'opportunity');
		out.tasks = this.childList(rec.id, 'task');
		return out;
	}

	private childList(leadId: string, type: CloseObjectType): CloseRecord[] {
		const ids = this.children.get(leadId)?.[type];
		const list: CloseRecord[] = [];
		if (ids) for (const id of ids) {
			const child = this.tables[type].byId.get(id);
			if (child) list.push(child.rec);
		}
		return list;
	}

	private link(type: CloseObjectType, rec: CloseRecord): void {
		if (type === 'lead' || typeof rec.lead_id !== 'string') return;
		let kids = this.children.get(rec.lead_id);
		if (!kids) this.children.set(rec.lead_id, (kids = {}));
		(kids[type] ??= new Set()).add(rec.id);
		this.dropJson(rec.lead_id);
	}

	private dropJson(leadId: string): void {
		const lead = this.tables.lead.byId.get(leadId);
		if (lead) lead.json = undefined;
	}

	/** Same text as JSON.stringify(present(...)), without copying the record. */
	jsonOf(type: CloseObjectType, entry: Entry): string {
		if (entry.json !== undefined) return entry.json;
		let json = JSON.stringify(entry.rec);
		if (type === 'lead') {
			const kids = this.children.get(entry.id);
			const list = (t: CloseObjectType): string => (kids?.[t]?.size ? JSON.stringify(this.childList(entry.id, t)) : '[]');
			json = `${json.slice(0, -1)},"contacts":${list('contact')},"opportunities":${list('opportunity')},"tasks":${list('task')}}`;
		}
		return (entry.json = json);
	}

	private unlink(type: CloseObjectType, rec: CloseRecord): void {
		if (type === 'lead' || typeof rec.lead_id !== 'string') return;
		this.children.get(rec.lead_id)?.[type]?.delete(rec.id);
		this.dropJson(rec.lead_id);
	}

	private stamp(options?: MutationOptions): number {
		return options?.at !== undefined ? toMicros(options.at) : this.clock.now();
	}

	// Object literals with a fixed key order keep V8 in fast-property mode: a million seeded
	// leads then fit in a few hundred MB instead of 1.6 GB.
	private fresh(type: CloseObjectType, n: number, id: string, created: string, updated: string): CloseRecord {
		switch (type) {
			case 'lead': {
				const name = `Sandbox Lead ${n}`;
				return {
					id,
					display_name: name,
					name,
					status_id: 'stat_SandboxPotential00000001',
					status_label: 'Potential',
					description: '',
					url: null,
					addresses: [],
					custom: {},
					organization_id: ORGANIZATION_ID,
					created_by: USER_ID,
					updated_by: USER_ID,
					date_created: created,
					date_updated: updated,
				};
			}
			case 'contact': {
				const name = `Contact ${n}`;
				return {
					id,
					lead_id: null,
					name,
					display_name: name,
					title: '',
					emails: [],
					phones: [],
					urls: [],
					organization_id: ORGANIZATION_ID,
					created_by: USER_ID,
					updated_by: USER_ID,
					date_created: created,
					date_updated: updated,
				};
			}
			case 'opportunity':
				return {
					id,
					lead_id: null,
					status_id: 'stat_SandboxActive0000000001',
					status_label: 'Active',
					status_type: 'active',
					value: 0,
					value_currency: 'USD',
					value_period: 'one_time',
					confidence: 0,
					note: '',
					contact_id: null,
					user_id: USER_ID,
					date_won: null,
					organization_id: ORGANIZATION_ID,
					created_by: USER_ID,
					updated_by: USER_ID,
					date_created: created,
					date_updated: updated,
				};
			case 'task':
				return {
					id,
					_type: 'lead',
					lead_id: null,
					text: `Task ${n}`,
					is_complete: false,
					date: null,
					assigned_to: USER_ID,
					organization_id: ORGANIZATION_ID,
					created_by: USER_ID,
					updated_by: USER_ID,
					date_created: created,
					date_updated: updated,
				};
			default:
				return { ...this.activityBase(type, id, created, updated), ...activityFields(type) };
		}
	}

	private activityBase(type: ActivityType | SystemActivityType, id: string, created: string, updated: string): CloseRecord {
		return {
			_type: ACTIVITY_CLASS[type],
			id,
			lead_id: null,
			contact_id: null,
			user_id: USER_ID,
			user_name: USER_NAME,
			users: [],
			activity_at: created,
			organization_id: ORGANIZATION_ID,
			created_by: USER_ID,
			created_by_name: USER_NAME,
			updated_by: USER_ID,
			updated_by_name: USER_NAME,
			date_created: created,
			date_updated: updated,
		};
	}

	private build(type: CloseObjectType, fields: Record<string, unknown>, created: string, updated: string): CloseRecord {
		const prefix = type in ID_PREFIX ? ID_PREFIX[type as RecordType] : 'acti';
		const rec = this.fresh(type, ++this.counter, closeId(prefix), created, updated);
		for (const k in fields) if (k !== 'id' && k !== 'date_created' && k !== 'date_updated') rec[k] = fields[k];
		return rec;
	}

	private log(
		type: CloseObjectType,
		action: string,
		rec: CloseRecord,
		micros: number,
		parts: Partial<CloseEvent>,
		options?: MutationOptions,
	): void {
		if (options?.silent) return;
		const date = formatEventDate(micros);
		const event: CloseEvent = {
			id: closeId('ev'),
			object_type: eventObjectType(type),
			object_id: rec.id,
			action,
			lead_id: type === 'lead' ? rec.id : typeof rec.lead_id === 'string' ? rec.lead_id : null,
			date_created: date,
			date_updated: date,
			organization_id: ORGANIZATION_ID,
			user_id: USER_ID,
			request_id: options?.requestId ?? closeId('req'),
			data: null,
			previous_data: null,
			changed_fields: [],
			meta: { ...(options?.meta ?? {}) },
			...parts,
		};
		const logged = this.fold ? this.fold(this.events, event, micros) : event;
		const last = this.events[this.events.length - 1];
		if (last && last.micros > micros) this.eventsMonotonic = false;
		const stored = { seq: ++this.seq, micros, event: logged };
		this.events.push(stored);
		for (const l of this.listeners) l(stored);
	}

	private requireLead(leadId: unknown): void {
		if (typeof leadId !== 'string' || !this.tables.lead.byId.has(leadId)) {
			throw new StoreError(400, 'Invalid lead_id', { lead_id: leadId ? 'Lead not found.' : 'This field is required.' });
		}
	}

	statuses(kind: StatusKind): Array<LeadStatus | OpportunityStatus> {
		return kind === 'lead' ? this.leadStatuses : this.opportunityStatuses;
	}

	createStatus(kind: StatusKind, fields: Record<string, unknown>): LeadStatus | OpportunityStatus {
		const fe: Record<string, string> = {};
		if (typeof fields.label !== 'string' || !fields.label.trim()) fe.label = 'This field is required.';
		else if (this.statuses(kind).some((x) => x.label.toLowerCase() === (fields.label as string).trim().toLowerCase())) {
			fe.label = 'A status with this label already exists.';
		}
		if (kind === 'opportunity' && !['active', 'won', 'lost'].includes(String(fields.type))) fe.type = '"active", "won" or "lost" is required.';
		if (Object.keys(fe).length) throw new StoreError(400, 'Invalid status', fe);
		const base = { id: closeId('stat'), label: (fields.label as string).trim(), organization_id: ORGANIZATION_ID };
		if (kind === 'lead') {
			this.leadStatuses.push(base);
			return base;
		}
		const opp: OpportunityStatus = { ...base, type: fields.type as OpportunityStatus['type'], pipeline_id: PIPELINE_ID };
		this.opportunityStatuses.push(opp);
		return opp;
	}

	/**
	 * Resolves `status_id` (or a status label given as `status`, as Close accepts on writes) into the id, label and, for opportunities, type. An unknown status is a 400.
	 */
	private applyStatus(type: CloseObjectType, fields: Record<string, unknown>): void {
		if (type !== 'lead' && type !== 'opportunity') return;
		const list = this.statuses(type);
		let found: LeadStatus | OpportunityStatus | undefined;
		if (fields.status_id !== undefined) {
			found = list.find((x) => x.id === fields.status_id);
			if (!found) throw new StoreError(400, `Invalid status_id: ${String(fields.status_id)}`, { status_id: 'Status does not exist.' });
		} else {
			// `status_label` alone is stored as given (seeded data may carry any label).
			const label = fields.status;
			if (label === undefined) return;
			found = list.find((x) => typeof label === 'string' && x.label.toLowerCase() === label.toLowerCase());
			if (!found) throw new StoreError(400, `Invalid status: ${String(label)}`, { status: 'Status does not exist.' });
		}
		delete fields.status;
		fields.status_id = found.id;
		fields.status_label = found.label;
		if (type === 'opportunity') fields.status_type = (found as OpportunityStatus).type;
	}

	/** The activity Close logs on its own after a status change or a task completion. */
	private logSystemActivity(
		type: SystemActivityType,
		leadId: string,
		fields: Record<string, unknown>,
		micros: number,
		options: MutationOptions,
	): void {
		const date = formatCloseDate(micros);
		const rec = this.build(type, { ...fields, lead_id: leadId }, date, date);
		this.tables[type].insert({ id: rec.id, upd: micros, rec, json: undefined });
		this.link(type, rec);
		this.log(type, 'created', rec, micros, { data: rec, previous_data: {} }, options);
	}

	private afterUpdate(type: CloseObjectType, old: CloseRecord, next: CloseRecord, changed: string[], micros: number, options: MutationOptions): void {
		const leadId = type === 'lead' ? next.id : (next.lead_id as string);
		if (changed.includes('status_id') && type === 'lead') {
			this.logSystemActivity(
				'lead_status_change',
				leadId,
				{ old_status_id: old.status_id, old_status_label: old.status_label, new_status_id: next.status_id, new_status_label: next.status_label },
				micros,
				options,
			);
		} else if (changed.includes('status_id') && type === 'opportunity') {
			this.logSystemActivity(
				'opportunity_status_change',
				leadId,
				{
					opportunity_id: next.id,
					old_status_id: old.status_id,
					old_status_label: old.status_label,
					old_status_type: old.status_type,
					new_status_id: next.status_id,
					new_status_label: next.status_label,
					new_status_type: next.status_type,
					opportunity_value: next.value,
					opportunity_value_currency: next.value_currency,
					opportunity_value_period: next.value_period,
				},
				micros,
				options,
			);
		} else if (type === 'task' && changed.includes('is_complete') && next.is_complete === true) {
			this.logSystemActivity('task_completed', leadId, { task_id: next.id, task_text: next.text }, micros, options);
		}
	}

	create(type: CloseObjectType, fields: Record<string, unknown> = {}, options?: MutationOptions): CloseRecord {
		const requestId = options?.requestId ?? closeId('req');
		const opts = { ...options, requestId };
		const micros = this.stamp(options);
		const clean = { ...fields };
		for (const k of ['id', 'date_created', 'date_updated']) delete clean[k];
		if (type !== 'lead') {
			if (clean.lead_id === undefined && type === 'contact') {
				// Close creates a lead around a contact posted without one.
				const lead = this.create('lead', { name: clean.name, display_name: clean.name }, opts);
				clean.lead_id = lead.id;
			} else this.requireLead(clean.lead_id);
		}
		this.applyStatus(type, clean);
		if (type === 'contact') storePhones(clean);
		if (typeof clean.name === 'string' && clean.display_name === undefined && (type === 'lead' || type === 'contact')) {
			clean.display_name = clean.name;
		}
		const date = formatCloseDate(micros);
		const rec = this.build(type, clean, date, date);
		this.tables[type].insert({ id: rec.id, upd: micros, rec, json: undefined });
		this.link(type, rec);
		this.log(type, 'created', rec, micros, { data: this.present(type, rec), previous_data: {} }, opts);
		return this.present(type, rec);
	}

	update(type: CloseObjectType, id: string, fields: Record<string, unknown>, options?: MutationOptions): CloseRecord {
		const old = this.get(type, id);
		if (!old) throw new StoreError(404, `Object ${id} not found`);
		const opts = { ...options, requestId: options?.requestId ?? closeId('req') };
		const micros = this.stamp(options);
		const changed: string[] = [];
		const previous: Record<string, unknown> = {};
		const next = { ...old } as CloseRecord;
		const input = { ...fields };
		this.applyStatus(type, input);
		if (type === 'contact') storePhones(input);
		for (const [k, v] of Object.entries(input)) {
			if (READ_ONLY.has(k) || (type === 'lead' && (k === 'contacts' || k === 'opportunities' || k === 'tasks'))) continue;
			if (JSON.stringify(old[k]) !== JSON.stringify(v)) {
				changed.push(k);
				previous[k] = old[k] === undefined ? null : old[k];
			}
			next[k] = v;
		}
		if (type !== 'lead' && changed.includes('lead_id')) this.requireLead(next.lead_id);
		next.date_updated = formatCloseDate(micros);
		next.updated_by = USER_ID;
		this.unlink(type, old);
		this.tables[type].remove(id);
		this.tables[type].insert({ id, upd: micros, rec: next, json: undefined });
		this.link(type, next);
		this.log(
			type,
			'updated',
			next,
			micros,
			{ data: this.present(type, next), previous_data: previous, changed_fields: changed.sort() },
			opts,
		);
		this.afterUpdate(type, old, next, changed, micros, opts);
		return this.present(type, next);
	}

	delete(type: CloseObjectType, id: string, options?: MutationOptions): void {
		const old = this.get(type, id);
		if (!old) throw new StoreError(404, `Object ${id} not found`);
		const opts = { ...options, requestId: options?.requestId ?? closeId('req') };
		const micros = this.stamp(options);
		if (type === 'lead') {
			// Close deletes a lead's contacts, opportunities and tasks with it.
			const kids = this.children.get(id);
			for (const t of OWNED_TYPES) for (const cid of [...(kids?.[t] ?? [])]) this.delete(t, cid, { ...opts, at: micros });
		}
		const presented = this.present(type, old);
		this.unlink(type, old);
		this.tables[type].remove(id);
		if (type === 'lead') this.children.delete(id);
		this.log(type, 'deleted', old, micros, { data: null, previous_data: presented }, opts);
	}

	merge(sourceId: string, destinationId: string, options?: MutationOptions): CloseRecord {
		if (sourceId === destinationId) throw new StoreError(400, 'source and destination must differ');
		const source = this.get('lead', sourceId);
		const dest = this.get('lead', destinationId);
		if (!source || !dest) {
			const fe: Record<string, string> = {};
			if (!source) fe.source = 'Lead not found.';
			if (!dest) fe.destination = 'Lead not found.';
			throw new StoreError(400, 'Lead not found', fe);
		}
		const opts = { ...options, requestId: options?.requestId ?? closeId('req') };
		const micros = this.stamp(options);
		const kids = this.children.get(sourceId);
		for (const t of OWNED_TYPES) {
			for (const cid of [...(kids?.[t] ?? [])]) this.update(t, cid, { lead_id: destinationId }, { ...opts, at: micros });
		}
		this.delete('lead', sourceId, { ...opts, at: micros });
		const next = { ...dest, date_updated: formatCloseDate(micros), updated_by: USER_ID } as CloseRecord;
		this.tables.lead.remove(destinationId);
		this.tables.lead.insert({ id: destinationId, upd: micros, rec: next, json: undefined });
		const meta = { merge_source_lead_id: sourceId, merge_destination_lead_id: destinationId };
		this.log(
			'lead',
			'merged',
			next,
			micros,
			{ data: this.present('lead', next), previous_data: null, meta: { ...(opts.meta ?? {}), ...meta } },
			opts,
		);
		return this.present('lead', next);
	}

	/**
	 * Bulk creation with chosen timestamps. `dateUpdated`/`dateCreated` may be one value for all,
	 * an array (cycled), or a function of the index.
	 */
	seed(spec: SeedSpec): CloseRecord[] {
		const { object: type, count } = spec;
		if (!CLOSE_TYPES.includes(type)) throw new StoreError(400, `unknown object ${String(type)}`);
		const pick = (v: SeedDate | undefined, i: number): number | undefined => {
			if (v === undefined) return undefined;
			const x = typeof v === 'function' ? v(i) : Array.isArray(v) ? v[i % v.length] : v;
			return toMicros(x);
		};
		const out: CloseRecord[] = [];
		const fieldsOf = (i: number): Record<string, unknown> =>
			typeof spec.fields === 'function' ? spec.fields(i) : { ...(spec.fields ?? {}) };
		if (!spec.silent && !spec.fast) {
			for (let i = 0; i < count; i++) {
				const at = pick(spec.dateUpdated, i);
				const created = pick(spec.dateCreated, i);
				const fields = fieldsOf(i);
				if (type !== 'lead' && fields.lead_id === undefined) fields.lead_id = this.create('lead', {}, { silent: true }).id;
				let rec = this.create(type, fields, { at: created ?? at });
				if (created !== undefined && at !== undefined && created !== at) rec = this.update(type, rec.id, {}, { at });
				out.push(rec);
			}
			return out;
		}
		// Silent path: no events, one sort at the end; what a million-record bench needs.
		const entries: Entry[] = [];
		const now = this.clock.now();
		for (let i = 0; i < count; i++) {
			const upd = pick(spec.dateUpdated, i) ?? now;
			const created = pick(spec.dateCreated, i) ?? upd;
			const fields = fieldsOf(i);
			if (type !== 'lead' && fields.lead_id === undefined) fields.lead_id = closeId('lead');
			const rec = this.build(type, fields, formatCloseDate(created), formatCloseDate(upd));
			entries.push({ id: rec.id, upd, rec, json: undefined });
			this.link(type, rec);
			out.push(rec);
		}
		this.tables[type].bulkInsert(entries);
		return out;
	}
}

export type SeedDate = string | number | Array<string | number> | ((i: number) => string | number);

export interface SeedSpec {
	object: CloseObjectType;
	count: number;
	dateUpdated?: SeedDate;
	dateCreated?: SeedDate;
	fields?: Record<string, unknown> | ((i: number) => Record<string, unknown>);
	/** No events, no deliveries (records that existed before anyone listened). */
	silent?: boolean;
	/** Alias of silent. */
	fast?: boolean;
}
