// The Close side, under /api/v1: objects, merge, event log, webhook subscriptions, deliveries.

import { createHmac } from 'node:crypto';
import { CloseActivities } from './closeActivities';
import { Clock } from './clock';
import { closeId, hex } from './ids';
import { Outbox } from './outbound';
import { Ctx, HttpError, Reply, Route, objectBody, route } from './router';
import { ExtraFilter, filterError, matchesFilter } from './extraFilter';
import { EventLog, foldEvents } from './eventLog';
import { eventTypeError } from './eventTypes';
import { CLOSE_TYPES, CloseEvent, CloseObjectType, CloseStore, StatusKind, StoreError, StoredEvent } from './store';
import { formatCloseDate } from './time';
import { CUSTOM_FIELD_OBJECTS, CustomFieldObject, RecordRules, Search, USERS, ValidationError } from './records';

export const CLOSE_PREFIX = '/api/v1';
export const MAX_SUBSCRIPTIONS = 40;

export interface WebhookSubscription {
	id: string;
	url: string;
	events: Array<{ object_type: string; action: string; extra_filter?: unknown }>;
	status: 'active' | 'paused';
	signature_key: string;
	verify_ssl: boolean;
	date_created: string;
	date_updated: string;
	health_status: string;
	created_by: string;
	updated_by: string;
	organization_id: string;
}

export interface RateLimitOptions {
	limit: number;
	windowMs: number;
	/** When true, requests beyond `limit` in a window get 429 like the live API. */
	enforce: boolean;
}

function closeError(status: number, message: string, fieldErrors?: Record<string, string>): HttpError {
	if (status === 400) return new HttpError(400, message, { errors: [message], 'field-errors': fieldErrors ?? {} });
	return new HttpError(status, message, { error: message });
}

const OBJECT_PATHS: Record<string, CloseObjectType> = {
	lead: 'lead',
	contact: 'contact',
	opportunity: 'opportunity',
	task: 'task',
	'activity/note': 'note',
	'activity/call': 'call',
	'activity/email': 'email',
	'activity/sms': 'sms',
	'activity/meeting': 'meeting',
};

/** Activities Close writes itself: listed and read here, not written through the API. */
const READ_ONLY_PATHS: Record<string, CloseObjectType> = {
	'activity/status_change/lead': 'lead_status_change',
	'activity/status_change/opportunity': 'opportunity_status_change',
	'activity/task_completed': 'task_completed',
};

/**
 * How deliveries are signed. Close does not document that a retry is signed again: by default a
 * retry carries its FIRST timestamp and hash, up to 72 h old (the strictest reading for receivers).
 * `resignRetries` signs each attempt afresh; `timestampOffsetSeconds` shifts every timestamp (a
 * negative value plays a first attempt made that long ago, e.g. an outage already under way).
 */
export interface CloseDeliverySigning {
	resignRetries: boolean;
	timestampOffsetSeconds: number;
}

export class CloseApi {
	readonly subscriptions = new Map<string, WebhookSubscription>();
	readonly signing: CloseDeliverySigning = { resignRetries: false, timestampOffsetSeconds: 0 };
	readonly legacy = new Set<string>();
	/** `GET /event/` as Close documents it (filter combinations, cursors, consolidation knob). */
	readonly eventLog: EventLog;
	private windowStart = 0;
	private windowCount = 0;
	/** Custom fields and write checks; set by startSandbox (shared with the hub's write routes). */
	records?: RecordRules;
	search?: Search;
	/** Emails / SMS statuses, templates, sequences, custom activities, Smart Views, senders. */
	readonly activities: CloseActivities;

	constructor(
		private readonly store: CloseStore,
		private readonly clock: Clock,
		private readonly outbox: Outbox,
		private readonly getApiKey: () => string,
		private readonly retryScale: () => number,
		readonly rateLimit: RateLimitOptions,
	) {
		store.onEvent((e) => this.dispatch(e));
		this.eventLog = new EventLog(() => ({ list: store.events, monotonic: store.eventsMonotonic }));
		store.fold = (events, event, micros) => {
			const at = this.eventLog.foldTarget(events, event, micros);
			if (at === undefined) return event;
			const [earlier] = events.splice(at, 1);
			return foldEvents(earlier.event, event);
		};
		this.activities = new CloseActivities(store, clock);
	}

	reset(): void {
		this.activities.reset();
		this.subscriptions.clear();
		this.legacy.clear();
		this.windowCount = 0;
		this.signing.resignRetries = false;
		this.signing.timestampOffsetSeconds = 0;
	}

	/** Basic auth: API key as the user name, any password. */
	authorized(ctx: Ctx): boolean {
		const h = ctx.req.headers.authorization;
		if (!h || !/^basic\s+/i.test(h)) return false;
		const decoded = Buffer.from(h.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
		const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
		return user === this.getApiKey();
	}

	/** RateLimit header for this request; throws a 429 when enforcing and over the limit. */
	rateLimitHeader(countIt: boolean): { header: string; exceeded: boolean; resetSec: number } {
		const now = Date.now();
		if (now - this.windowStart >= this.rateLimit.windowMs) {
			this.windowStart = now;
			this.windowCount = 0;
		}
		if (countIt) this.windowCount++;
		const remaining = Math.max(0, this.rateLimit.limit - this.windowCount);
		const resetSec = Math.max(0, Math.ceil((this.windowStart + this.rateLimit.windowMs - now) / 1000));
		return {
			header: `limit=${this.rateLimit.limit}, remaining=${remaining}, reset=${resetSec}`,
			exceeded: this.rateLimit.enforce && this.windowCount > this.rateLimit.limit,
			resetSec,
		};
	}

	routes(): Route[] {
		const P = CLOSE_PREFIX;
		const r: Route[] = [
			...this.activities.routes(P),
			route('POST', `${P}/lead/merge/`, (c) => this.merge(c)),
			route('GET', `${P}/event/`, (c) => this.listEvents(c)),
			route('GET', `${P}/event/:id/`, (c) => this.getEvent(c)),
			route('GET', `${P}/webhook/`, () => this.listWebhooks()),
			route('POST', `${P}/webhook/`, (c) => this.createWebhook(c)),
			route('GET', `${P}/webhook/:id/`, (c) => ({ status: 200, body: this.publicSub(this.sub(c.params[0])) })),
			route('PUT', `${P}/webhook/:id/`, (c) => this.updateWebhook(c)),
			route('DELETE', `${P}/webhook/:id/`, (c) => {
				this.sub(c.params[0]);
				this.subscriptions.delete(c.params[0]);
				this.legacy.delete(c.params[0]);
				return { status: 200, body: {} };
			}),
			route('POST', `${P}/data/search/`, (c) => this.mutate(() => ({ status: 200, body: this.requireSearch().run(objectBody(c)) }))),
			route('GET', `${P}/user/`, () => ({ status: 200, body: { data: USERS.map((u) => ({ ...u })), has_more: false } })),
			route('GET', `${P}/user/:id/`, (c) => {
				const user = USERS.find((u) => u.id === c.params[0]);
				if (!user) throw closeError(404, 'Empty query: not found');
				return { status: 200, body: { ...user } };
			}),
			route('GET', `${P}/custom_field/:object/`, (c) => ({
				status: 200,
				body: { data: [...this.requireRecords().customFields[this.customFieldObject(c.params[0])].values()].map((f) => this.fields(c, { ...f })), has_more: false },
			})),
			route('POST', `${P}/custom_field/:object/`, (c) =>
				this.mutate(() => ({ status: 200, body: this.requireRecords().createCustomField(this.customFieldObject(c.params[0]), objectBody(c)) })),
			),
			route('GET', `${P}/custom_field/:object/:id/`, (c) => {
				const field = this.requireRecords().customFields[this.customFieldObject(c.params[0])].get(c.params[1]);
				if (!field) throw closeError(404, 'Empty query: not found');
				return { status: 200, body: { ...field } };
			}),
			route('GET', `${P}/me/`, () => ({
				status: 200,
				body: { id: 'user_SandboxUser0000000000001', organizations: [{ id: 'orga_SandboxOrganization000001', name: 'Sandbox' }] },
			})),
		];
		for (const kind of ['lead', 'opportunity'] as StatusKind[]) {
			r.push(
				route('GET', `${P}/status/${kind}/`, () => ({ status: 200, body: { data: this.store.statuses(kind).map((x) => ({ ...x })), has_more: false } })),
				route('POST', `${P}/status/${kind}/`, (c) => this.mutate(() => ({ status: 200, body: { ...this.store.createStatus(kind, objectBody(c)) } }))),
				route('GET', `${P}/status/${kind}/:id/`, (c) => {
					const found = this.store.statuses(kind).find((x) => x.id === c.params[0]);
					if (!found) throw closeError(404, 'Empty query: not found');
					return { status: 200, body: { ...found } };
				}),
			);
		}
		for (const [segment, type] of Object.entries(READ_ONLY_PATHS)) {
			r.push(
				route('GET', `${P}/${segment}/`, (c) => this.list(type, c)),
				route('GET', `${P}/${segment}/:id/`, (c) => this.getOne(type, c)),
			);
		}
		for (const [segment, type] of Object.entries(OBJECT_PATHS)) {
			r.push(
				route('GET', `${P}/${segment}/`, (c) => this.list(type, c)),
				route('POST', `${P}/${segment}/`, (c) =>
					this.mutate(() => ({ status: 200, body: this.store.create(type, this.checked(type, objectBody(c)), this.reqOpts(c)) })),
				),
				route('GET', `${P}/${segment}/:id/`, (c) => this.getOne(type, c)),
				route('PUT', `${P}/${segment}/:id/`, (c) =>
					this.mutate(() => ({
						status: 200,
						body: this.store.update(type, c.params[0], this.checked(type, objectBody(c), c.params[0]), this.reqOpts(c)),
					})),
				),
				route('DELETE', `${P}/${segment}/:id/`, (c) =>
					this.mutate(() => {
						this.store.delete(type, c.params[0], this.reqOpts(c));
						return { status: 200, body: {} };
					}),
				),
			);
		}
		return r;
	}

	private getOne(type: CloseObjectType, c: Ctx): Reply {
		const rec = this.store.get(type, c.params[0]);
		if (!rec) throw closeError(404, 'Empty query: not found');
		return { status: 200, body: this.fields(c, this.store.present(type, rec)) };
	}

	private reqOpts(c: Ctx): { meta: Record<string, unknown>; requestId: string } {
		return { meta: { request_method: c.method, request_path: c.path }, requestId: closeId('req') };
	}

	private requireRecords(): RecordRules {
		if (!this.records) throw closeError(500, 'custom fields are not set up');
		return this.records;
	}

	private requireSearch(): Search {
		if (!this.search) throw closeError(500, 'search is not set up');
		return this.search;
	}

	private customFieldObject(name: string): CustomFieldObject {
		if (!(CUSTOM_FIELD_OBJECTS as readonly string[]).includes(name)) throw closeError(404, `Unknown custom field type ${name}`);
		return name as CustomFieldObject;
	}

	/** Close's write checks (custom fields); a 404 for an unknown record comes from the store. */
	private checked(type: CloseObjectType, body: Record<string, unknown>, id?: string): Record<string, unknown> {
		if (!this.records) return body;
		const previous = id === undefined ? undefined : this.store.get(type, id);
		if (id !== undefined && !previous) return body;
		return this.records.checkWrite(type, body, previous);
	}

	private mutate(fn: () => Reply): Reply {
		try {
			return fn();
		} catch (e) {
			if (e instanceof ValidationError) throw closeError(400, e.message, e.fieldErrors);
			if (e instanceof StoreError) throw closeError(e.status, e.message, e.fieldErrors);
			throw e;
		}
	}

	private fields(c: Ctx, rec: Record<string, unknown>): Record<string, unknown> {
		const f = c.query.get('_fields');
		if (!f) return rec;
		const out: Record<string, unknown> = {};
		for (const k of f.split(',').map((s) => s.trim()).filter(Boolean)) if (k in rec) out[k] = rec[k];
		return out;
	}

	private intParam(c: Ctx, name: string, def: number, max?: number): number {
		const raw = c.query.get(name);
		if (raw === null || raw === '') return def;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 0) throw closeError(400, `${name} must be a non-negative integer`, { [name]: 'Enter a whole number.' });
		if (max !== undefined && n > max) throw closeError(400, `${name} must be at most ${max}`, { [name]: `Ensure this value is less than or equal to ${max}.` });
		return n;
	}

	private list(type: CloseObjectType, c: Ctx): Reply {
		const skip = this.intParam(c, '_skip', 0);
		const limit = this.intParam(c, '_limit', 100, 200);
		const table = this.store.tables[type];
		const leadId = c.query.get('lead_id');
		const source = leadId && type !== 'lead' ? table.sorted.filter((e) => e.rec.lead_id === leadId) : table.sorted;
		const data = source.slice(skip, skip + limit).map((e) => this.fields(c, this.store.present(type, e.rec)));
		const body: Record<string, unknown> = { has_more: skip + limit < source.length, data };
		if (type === 'lead') body.total_results = source.length;
		return { status: 200, body };
	}

	private merge(c: Ctx): Reply {
		const b = objectBody(c);
		const fe: Record<string, string> = {};
		if (typeof b.source !== 'string') fe.source = 'This field is required.';
		if (typeof b.destination !== 'string') fe.destination = 'This field is required.';
		if (Object.keys(fe).length) throw closeError(400, 'Invalid merge request', fe);
		return this.mutate(() => {
			this.store.merge(b.source as string, b.destination as string, this.reqOpts(c));
			return { status: 200, body: {} };
		});
	}

	// ---- event log ----

	private listEvents(c: Ctx): Reply {
		return { status: 200, body: this.eventLog.list(c.query) };
	}

	private getEvent(c: Ctx): Reply {
		const found = this.store.events.find((s) => s.event.id === c.params[0]);
		if (!found) throw closeError(404, 'Empty query: not found');
		return { status: 200, body: found.event };
	}

	// ---- webhook subscriptions ----

	private sub(id: string): WebhookSubscription {
		const s = this.subscriptions.get(id);
		if (!s) throw closeError(404, 'Empty query: not found');
		return s;
	}

	publicSub(s: WebhookSubscription): WebhookSubscription {
		return { ...s, events: s.events.map((e) => ({ ...e })) };
	}

	private listWebhooks(): Reply {
		// Close documents no response for the list (close-webhooks-api-openapi.yml); the signature
		// key is documented on GET /webhook/{id}/ (and create/update) only: the strictest reading
		// keeps it out of the list, so no client may rely on it there.
		const listed = [...this.subscriptions.values()].map((s) => {
			const { signature_key: _key, ...rest } = this.publicSub(s);
			return rest;
		});
		return { status: 200, body: { data: listed, has_more: false } };
	}

	private validate(b: Record<string, unknown>, partial: boolean): Record<string, string> {
		const fe: Record<string, string> = {};
		if (!partial || b.url !== undefined) {
			if (typeof b.url !== 'string' || !b.url) fe.url = 'This field is required.';
			else {
				try {
					const u = new URL(b.url);
					if (u.protocol !== 'http:' && u.protocol !== 'https:') fe.url = 'Enter a valid URL.';
				} catch {
					fe.url = 'Enter a valid URL.';
				}
			}
		}
		if (!partial || b.events !== undefined) {
			if (!Array.isArray(b.events) || b.events.length === 0) fe.events = 'This field is required.';
			else {
				b.events.forEach((e, i) => {
					if (!e || typeof e !== 'object') fe[`events.${i}`] = 'Invalid event.';
					else {
						const ev = e as Record<string, unknown>;
						if (typeof ev.object_type !== 'string' || !ev.object_type) fe[`events.${i}.object_type`] = 'This field is required.';
						if (typeof ev.action !== 'string' || !ev.action) fe[`events.${i}.action`] = 'This field is required.';
						if (typeof ev.object_type === 'string' && ev.object_type && typeof ev.action === 'string' && ev.action) {
							const bad = eventTypeError(ev.object_type, ev.action);
							if (bad) fe[`events.${i}.${bad.field}`] = bad.message;
						}
						if (ev.extra_filter !== undefined && ev.extra_filter !== null) {
							const err = filterError(ev.extra_filter);
							if (err) fe[`events.${i}.extra_filter`] = err;
						}
					}
				});
			}
		}
		if (b.verify_ssl !== undefined && typeof b.verify_ssl !== 'boolean') fe.verify_ssl = 'Must be a valid boolean.';
		if (partial && b.status !== undefined && b.status !== 'active' && b.status !== 'paused') fe.status = `"${String(b.status)}" is not a valid choice.`;
		return fe;
	}

	private normalizeEvents(events: unknown[]): WebhookSubscription['events'] {
		return events.map((e) => {
			const ev = e as Record<string, unknown>;
			const out: { object_type: string; action: string; extra_filter?: unknown } = {
				object_type: String(ev.object_type),
				action: String(ev.action),
			};
			if (ev.extra_filter !== undefined && ev.extra_filter !== null) out.extra_filter = ev.extra_filter;
			return out;
		});
	}

	createSubscription(b: Record<string, unknown>): WebhookSubscription {
		const fe = this.validate(b, false);
		if (Object.keys(fe).length) throw closeError(400, 'Invalid webhook subscription', fe);
		if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
			throw closeError(400, `Organization has reached the maximum of ${MAX_SUBSCRIPTIONS} webhook subscriptions.`);
		}
		const now = formatCloseDate(this.clock.now());
		const s: WebhookSubscription = {
			id: closeId('whsub'),
			url: b.url as string,
			events: this.normalizeEvents(b.events as unknown[]),
			status: 'active',
			signature_key: hex(32),
			verify_ssl: b.verify_ssl === undefined ? true : (b.verify_ssl as boolean),
			date_created: now,
			date_updated: now,
			health_status: 'healthy',
			created_by: 'user_SandboxUser0000000000001',
			updated_by: 'user_SandboxUser0000000000001',
			organization_id: 'orga_SandboxOrganization000001',
		};
		this.subscriptions.set(s.id, s);
		return s;
	}

	private createWebhook(c: Ctx): Reply {
		return { status: 201, body: this.publicSub(this.createSubscription(objectBody(c))) };
	}

	private updateWebhook(c: Ctx): Reply {
		const s = this.sub(c.params[0]);
		const b = objectBody(c);
		const fe = this.validate(b, true);
		if (Object.keys(fe).length) throw closeError(400, 'Invalid webhook subscription', fe);
		if (b.url !== undefined) s.url = b.url as string;
		if (b.events !== undefined) s.events = this.normalizeEvents(b.events as unknown[]);
		if (b.status !== undefined) s.status = b.status as WebhookSubscription['status'];
		if (b.verify_ssl !== undefined) s.verify_ssl = b.verify_ssl as boolean;
		s.date_updated = formatCloseDate(this.clock.now());
		return { status: 200, body: this.publicSub(s) };
	}

	// ---- deliveries ----

	private dispatch(stored: StoredEvent): void {
		const ev = stored.event;
		for (const s of this.subscriptions.values()) {
			if (s.status !== 'active') continue;
			// Close evaluates extra_filter on the whole event: a rejected event is never sent.
			const wanted = s.events.some(
				(e) =>
					e.object_type === ev.object_type &&
					e.action === ev.action &&
					(e.extra_filter === undefined || matchesFilter(e.extra_filter as ExtraFilter, ev)),
			);
			if (!wanted) continue;
			this.deliverTo(s, ev);
		}
	}

	private legacyPayload(ev: CloseEvent): Record<string, unknown> {
		const verb: Record<string, string> = { created: 'create', updated: 'update', deleted: 'delete', merged: 'merge' };
		// The legacy format named the model, not the event type: a task is `task` there.
		const model = ev.object_type.startsWith('task.') ? 'task' : ev.object_type;
		const out: Record<string, unknown> = { model, event: verb[ev.action] ?? ev.action };
		if (ev.action === 'deleted') out.data = ev.object_id;
		else out.data = ev.data;
		if (ev.action === 'merged') {
			out.source_id = ev.meta.merge_source_lead_id;
			out.destination_id = ev.meta.merge_destination_lead_id;
		}
		return out;
	}

	private deliverTo(s: WebhookSubscription, ev: CloseEvent): void {
		const legacy = this.legacy.has(s.id);
		const payload = legacy ? this.legacyPayload(ev) : { subscription_id: s.id, event: ev };
		const body = Buffer.from(JSON.stringify(payload));
		const key = s.signature_key;
		const scale = this.retryScale();
		// Today's API: 10 s doubling, capped at 20 min, for 72 h. Legacy: 3 attempts 5 min apart.
		let elapsed = 0;
		let first: { body: Buffer; headers: Record<string, string> } | undefined;
		const delayAfter = (attempt: number): number | undefined => {
			if (legacy) return attempt < 3 ? 300_000 * scale : undefined;
			const d = Math.min(10_000 * 2 ** (attempt - 1), 1_200_000);
			if (elapsed + d > 72 * 3600_000) return undefined;
			elapsed += d;
			return d * scale;
		};
		this.outbox.deliver({
			kind: 'close',
			deliveryKey: `${s.id}:${ev.id}`,
			url: s.url,
			subscriptionId: s.id,
			rejectUnauthorized: s.verify_ssl,
			stillWanted: () => this.subscriptions.get(s.id)?.status === 'active',
			delayAfter,
			build: () => {
				if (first && !this.signing.resignRetries) return first;
				// Wall-clock seconds, not the sandbox clock: receivers compare it with their own time.
				const ts = String(Math.floor(Date.now() / 1000) + this.signing.timestampOffsetSeconds);
				const sig = createHmac('sha256', Buffer.from(key, 'hex')).update(ts).update(body).digest('hex');
				first = {
					body,
					headers: { 'Content-Type': 'application/json', 'close-sig-timestamp': ts, 'close-sig-hash': sig, 'User-Agent': 'Close-Webhooks-Sandbox' },
				};
				return first;
			},
		});
	}
}

export function isCloseType(x: unknown): x is CloseObjectType {
	return typeof x === 'string' && (CLOSE_TYPES as readonly string[]).includes(x);
}
