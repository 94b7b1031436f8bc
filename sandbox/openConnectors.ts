// The Open Connectors side, under /elements/api-v2: instances, the CRM hub over the Close
// store, the Close webhook receive endpoint and the notifications it relays.

import { createHmac } from 'node:crypto';
import { CeqlError, Expr, compareValues, evaluate, fieldValue, lowerBound, parseWhere, seedRejection, upperBound, validate } from './ceql';
import { Clock } from './clock';
import { base64Token, seededRandom, uuid } from './ids';
import { Outbox } from './outbound';
import { Ctx, HttpError, Reply, Route, jsonBody, objectBody, route } from './router';
import { CloseObjectType, CloseRecord, CloseStore, Entry } from './store';
import { formatIsoMillis } from './time';
import { RecordRules, ValidationError } from './records';
import { StoreError } from './store';

export const OC_PREFIX = '/elements/api-v2';
export const MASK = '********';
const SECRET_KEYS = new Set(['username', 'password', 'event.notification.signature.key']);
const REQUIRED_CONFIG = ['username'];

export const HUB_RESOURCES: Record<string, CloseObjectType> = {
	accounts: 'lead',
	contacts: 'contact',
	opportunities: 'opportunity',
	tasks: 'task',
};
export const HUB_NAME_OF: Record<string, string> = { lead: 'accounts', contact: 'contacts', opportunity: 'opportunities', task: 'tasks' };

export const ELEMENT = {
	id: 146,
	name: 'Close.io Beta',
	key: 'closeio',
	description:
		'Add a Close.io CRM Instance to connect your existing Close.io account to the CRM Hub, allowing you to manage contacts, accounts, opportunities, etc. across multiple CRM Connectors. You will need your Close.io CRM account information to add an instance.',
	image: 'https://pbs.twimg.com/profile_images/497905627948015616/vNCOkr1Z.png',
	active: true,
	deleted: false,
	typeOauth: false,
	trialAccount: false,
	transformationsEnabled: true,
	authentication: { type: 'basic' },
	hub: 'crm',
	parameters: [],
};

export interface Instance {
	id: number;
	name: string;
	token: string;
	configuration: Record<string, string>;
	configIds: Record<string, number>;
	tags: string[];
	disabled: boolean;
	createdDate: string;
	updatedDate: string;
}

export interface OcAuth {
	user?: string;
	organization?: string;
	element?: string;
}

/** `User x, Organization y, Element z` in any order, tolerant of spacing. */
export function parseOcAuth(header: string | undefined): OcAuth {
	const out: OcAuth = {};
	if (!header) return out;
	for (const part of header.split(',')) {
		const m = /^\s*(User|Organization|Element)\s+(\S+)\s*$/i.exec(part);
		if (!m) continue;
		const k = m[1].toLowerCase() as keyof OcAuth;
		out[k] = m[2];
	}
	return out;
}

function ocError(status: number, message: string, providerMessage?: string): HttpError {
	return new HttpError(status, message, providerMessage ? { providerMessage } : {});
}

/**
 * What the CRM hub's query language accepts. `full`: the documented CEQL (OR, parentheses, several
 * orderBy fields, id comparisons, a stable order). `seed`: only what public sources show working on
 * closeio (see QueryProfile).
 */
export type CeqlProfile = 'full' | 'seed';

export interface QueryProfile {
	ceql: CeqlProfile;
	/** seed only: a second orderBy field is ignored (default) or answered 400. */
	extraOrderBy: 'ignore' | 'reject';
	/** seed only: seeds the per-request shuffle of records that share the ordered value. */
	tieSeed: number;
	/**
	 * `honor` sorts as asked (seed: by the first field only); `ignore` plays a platform that drops
	 * orderBy altogether (no public source shows closeio keeping it) and pages the vendor's own fixed
	 * order, here by record id, which says nothing about dates. Either query profile.
	 */
	orderBy: 'honor' | 'ignore';
}

export const DEFAULT_QUERY_PROFILE: QueryProfile = { ceql: 'full', extraOrderBy: 'ignore', tieSeed: 1, orderBy: 'honor' };

interface Notification {
	instanceId: number;
	events: Array<Record<string, unknown>>;
	raw: unknown;
}

export class OpenConnectorsApi {
	readonly instances = new Map<number, Instance>();
	private nextId = 20931;
	private nextConfigId = 5001;
	/** resource|where|version -> offset -> index in the sorted array where that offset starts. */
	private offsetCache = new Map<string, Map<number, number>>();
	private profile: QueryProfile = { ...DEFAULT_QUERY_PROFILE };
	private tieRandom = seededRandom(DEFAULT_QUERY_PROFILE.tieSeed);
	/** Custom fields and write checks; set by startSandbox (shared with Close's own routes). */
	records?: RecordRules;
	/** Set by the poller module so configuration changes reschedule it. */
	onInstanceChanged: (instance: Instance | undefined, id: number) => void = () => undefined;

	constructor(
		private readonly store: CloseStore,
		private readonly clock: Clock,
		private readonly outbox: Outbox,
		private readonly secrets: () => { userSecret: string; organizationSecret: string; closeApiKey: string },
		private readonly closeBaseUrl: () => string,
		private readonly retryScale: () => number,
	) {}

	reset(): void {
		for (const id of [...this.instances.keys()]) {
			this.instances.delete(id);
			this.onInstanceChanged(undefined, id);
		}
		this.offsetCache.clear();
	}

	queryProfile(): QueryProfile {
		return { ...this.profile };
	}

	setQueryProfile(profile: Partial<QueryProfile>): QueryProfile {
		const next = { ...this.profile };
		for (const [k, v] of Object.entries(profile)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
		if (next.ceql !== 'full' && next.ceql !== 'seed') throw new HttpError(400, `ceql must be 'full' or 'seed', not '${String(next.ceql)}'`);
		if (next.extraOrderBy !== 'ignore' && next.extraOrderBy !== 'reject') {
			throw new HttpError(400, `extraOrderBy must be 'ignore' or 'reject', not '${String(next.extraOrderBy)}'`);
		}
		if (!Number.isInteger(next.tieSeed)) throw new HttpError(400, 'tieSeed must be an integer');
		if (next.orderBy !== 'honor' && next.orderBy !== 'ignore') throw new HttpError(400, `orderBy must be 'honor' or 'ignore', not '${String(next.orderBy)}'`);
		this.profile = next;
		this.tieRandom = seededRandom(next.tieSeed);
		return this.queryProfile();
	}

	/** Null when the User/Organization secrets match; the 401 to send otherwise. */
	checkAuth(ctx: Ctx, needElement: boolean): Instance | undefined {
		const a = parseOcAuth(ctx.req.headers.authorization);
		const s = this.secrets();
		if (a.user !== s.userSecret || a.organization !== s.organizationSecret) {
			throw ocError(401, 'Invalid Organization or User secret, or invalid Element token provided.');
		}
		if (!needElement) return undefined;
		if (!a.element) throw ocError(401, 'No Element token provided. Authorization header must include an Element token for this API.');
		for (const inst of this.instances.values()) if (inst.token === a.element) return inst;
		throw ocError(401, 'Invalid Organization or User secret, or invalid Element token provided.');
	}

	routes(): Route[] {
		const P = OC_PREFIX;
		return [
			route('POST', `${P}/events/closeio/:id`, (c) => this.receive(c)),
			route('POST', `${P}/instances`, (c) => this.create(c, objectBody(c))),
			route('POST', `${P}/elements/:key/instances`, (c) => {
				const b = objectBody(c);
				return this.create(c, { ...b, element: { key: c.params[0] } });
			}),
			route('GET', `${P}/instances`, (c) => this.list(c)),
			route('GET', `${P}/instances/enabled`, (c) => {
				const inst = this.checkAuth(c, true)!;
				return { status: 200, body: this.view(inst, true) };
			}),
			route('GET', `${P}/instances/:id`, (c) => {
				this.checkAuth(c, false);
				return { status: 200, body: this.view(this.find(c.params[0]), true) };
			}),
			route('PATCH', `${P}/instances/:id`, (c) => this.update(c, false)),
			route('PUT', `${P}/instances/:id`, (c) => this.update(c, true)),
			route('DELETE', `${P}/instances/:id`, (c) => {
				this.checkAuth(c, false);
				const inst = this.find(c.params[0]);
				this.instances.delete(inst.id);
				this.onInstanceChanged(undefined, inst.id);
				return { status: 200, body: {} };
			}),
			route('GET', `${P}/instances/:id/configuration`, (c) => {
				this.checkAuth(c, false);
				const inst = this.find(c.params[0]);
				return { status: 200, body: Object.keys(inst.configuration).map((k) => this.configEntry(inst, k)) };
			}),
			route('GET', `${P}/instances/:id/configuration/:cid`, (c) => {
				this.checkAuth(c, false);
				const inst = this.find(c.params[0]);
				return { status: 200, body: this.configEntry(inst, this.configKey(inst, c.params[1])) };
			}),
			route('PATCH', `${P}/instances/:id/configuration/:cid`, (c) => {
				this.checkAuth(c, false);
				const inst = this.find(c.params[0]);
				const key = this.configKey(inst, c.params[1]);
				const b = objectBody(c);
				if (!('propertyValue' in b)) throw ocError(400, 'propertyValue is required');
				inst.configuration[key] = this.configValue(b.propertyValue);
				inst.updatedDate = formatIsoMillis(this.clock.now());
				this.onInstanceChanged(inst, inst.id);
				return { status: 200, body: this.configEntry(inst, key) };
			}),
			route('GET', `${P}/hubs/crm/accounts/:id/notes`, (c) => this.hubNotes(c)),
			route('POST', `${P}/hubs/crm/accounts/:id/notes`, (c) => this.hubNoteWrite(c, 'create')),
			route('GET', `${P}/hubs/crm/accounts/:id/notes/:noteId`, (c) => this.hubNoteWrite(c, 'get')),
			route('PATCH', `${P}/hubs/crm/accounts/:id/notes/:noteId`, (c) => this.hubNoteWrite(c, 'update')),
			route('DELETE', `${P}/hubs/crm/accounts/:id/notes/:noteId`, (c) => this.hubNoteWrite(c, 'delete')),
			route('GET', `${P}/hubs/crm/:resource`, (c) => this.hubList(c)),
			route('GET', `${P}/hubs/crm/:resource/:id`, (c) => this.hubGet(c)),
			route('POST', `${P}/hubs/crm/:resource`, (c) => this.hubCreate(c)),
			route('PATCH', `${P}/hubs/crm/:resource/:id`, (c) => this.hubUpdate(c)),
			route('PUT', `${P}/hubs/crm/:resource/:id`, (c) => this.hubUpdate(c)),
			route('DELETE', `${P}/hubs/crm/:resource/:id`, (c) => this.hubDelete(c)),
		];
	}

	// ---- instances ----

	find(idText: string | number): Instance {
		const id = Number(idText);
		const inst = Number.isInteger(id) ? this.instances.get(id) : undefined;
		if (!inst) throw ocError(404, `No instance found with id ${String(idText)}`);
		return inst;
	}

	private configKey(inst: Instance, cid: string): string {
		for (const [k, id] of Object.entries(inst.configIds)) if (String(id) === cid || k === cid) return k;
		throw ocError(404, `No configuration found with id ${cid}`);
	}

	private configEntry(inst: Instance, key: string): Record<string, unknown> {
		const v = inst.configuration[key];
		return { id: inst.configIds[key], key, propertyValue: SECRET_KEYS.has(key) && v ? MASK : v };
	}

	private configValue(v: unknown): string {
		if (v === null || v === undefined) return '';
		return typeof v === 'object' ? JSON.stringify(v) : String(v);
	}

	private applyConfig(inst: Instance, config: Record<string, unknown>): void {
		for (const [k, v] of Object.entries(config)) {
			// A null removes the entry, so a caller can restore "not configured".
			if (v === null) {
				delete inst.configuration[k];
				continue;
			}
			// Clients that read back a masked secret and send it again must not overwrite it.
			if (SECRET_KEYS.has(k) && v === MASK && inst.configuration[k] !== undefined) continue;
			inst.configuration[k] = this.configValue(v);
			inst.configIds[k] ??= this.nextConfigId++;
		}
	}

	private checkConfig(config: Record<string, unknown>): void {
		const missing = REQUIRED_CONFIG.filter((k) => config[k] === undefined || config[k] === null || config[k] === '');
		if (missing.length) {
			throw ocError(400, `Missing required configuration entries: ${missing.join(', ')}`);
		}
		const poller = config['event.poller.configuration'];
		if (typeof poller === 'string' && poller.trim() !== '') {
			try {
				JSON.parse(poller);
			} catch {
				throw ocError(400, 'event.poller.configuration is not valid JSON');
			}
		}
		if (config.username !== MASK && config.username !== this.secrets().closeApiKey) {
			// The platform validates basic credentials with the provider on provisioning.
			throw ocError(400, 'Provider returned an authentication error: the Close.io API key is invalid', '{"error": "Invalid API key"}');
		}
	}

	private elementKeyOf(b: Record<string, unknown>): string | undefined {
		const el = (b.element ?? b.connector) as Record<string, unknown> | undefined;
		if (!el || typeof el !== 'object') return undefined;
		return typeof el.key === 'string' ? el.key : el.id !== undefined ? String(el.id) : undefined;
	}

	private create(c: Ctx, b: Record<string, unknown>): Reply {
		this.checkAuth(c, false);
		const key = this.elementKeyOf(b);
		if (!key) throw ocError(400, 'An element (or connector) key is required, e.g. {"element": {"key": "closeio"}}');
		if (key !== 'closeio' && key !== String(ELEMENT.id)) throw ocError(404, `No element found with key ${key}`);
		const config = (b.configuration ?? {}) as Record<string, unknown>;
		if (typeof config !== 'object' || Array.isArray(config)) throw ocError(400, 'configuration must be an object');
		this.checkConfig(config);
		const now = formatIsoMillis(this.clock.now());
		const inst: Instance = {
			id: this.nextId++,
			name: typeof b.name === 'string' && b.name ? b.name : 'closeio instance',
			token: base64Token(33),
			configuration: {},
			configIds: {},
			tags: Array.isArray(b.tags) ? b.tags.map(String) : [],
			disabled: false,
			createdDate: now,
			updatedDate: now,
		};
		this.applyConfig(inst, {
			'base.url': this.closeBaseUrl(),
			'pagination.offset': 'true',
			'pagination.max': '100',
			...config,
		});
		this.instances.set(inst.id, inst);
		this.onInstanceChanged(inst, inst.id);
		return { status: 200, body: this.view(inst, true) };
	}

	private update(c: Ctx, replace: boolean): Reply {
		this.checkAuth(c, false);
		const inst = this.find(c.params[0]);
		const b = objectBody(c);
		if (b.configuration !== undefined && (typeof b.configuration !== 'object' || b.configuration === null || Array.isArray(b.configuration))) {
			throw ocError(400, 'configuration must be an object');
		}
		const config = (b.configuration ?? {}) as Record<string, unknown>;
		if (replace) {
			this.checkConfig(config);
			const keep = { username: inst.configuration.username, password: inst.configuration.password, 'event.notification.signature.key': inst.configuration['event.notification.signature.key'] };
			inst.configuration = {};
			this.applyConfig(inst, { 'base.url': this.closeBaseUrl(), 'pagination.offset': 'true', 'pagination.max': '100' });
			// A masked secret sent back on PUT keeps the stored one.
			for (const [k, v] of Object.entries(keep)) if (config[k] === MASK && v !== undefined) inst.configuration[k] = v;
			this.applyConfig(inst, config);
			inst.tags = Array.isArray(b.tags) ? b.tags.map(String) : [];
			if (typeof b.name === 'string') inst.name = b.name;
		} else {
			if ('username' in config) this.checkConfig({ ...inst.configuration, ...config });
			this.applyConfig(inst, config);
			if (b.tags !== undefined) {
				if (!Array.isArray(b.tags)) throw ocError(400, 'tags must be an array');
				inst.tags = b.tags.map(String);
			}
			if (typeof b.name === 'string') inst.name = b.name;
		}
		if (typeof b.disabled === 'boolean') inst.disabled = b.disabled;
		inst.updatedDate = formatIsoMillis(this.clock.now());
		this.onInstanceChanged(inst, inst.id);
		return { status: 200, body: this.view(inst, true) };
	}

	private list(c: Ctx): Reply {
		this.checkAuth(c, false);
		const tags = [...c.query.getAll('tags[]'), ...c.query.getAll('tags')].flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
		const hydrate = c.query.get('hydrate') !== 'false';
		const out = [...this.instances.values()]
			.filter((i) => tags.length === 0 || i.tags.some((t) => tags.includes(t)))
			.map((i) => this.view(i, hydrate));
		return { status: 200, body: out };
	}

	eventsEnabled(inst: Instance): boolean {
		return inst.configuration['event.notification.enabled'] === 'true';
	}

	view(inst: Instance, hydrate: boolean): Record<string, unknown> {
		const configuration: Record<string, string> = {};
		for (const [k, v] of Object.entries(inst.configuration)) configuration[k] = SECRET_KEYS.has(k) && v ? MASK : v;
		const base = {
			id: inst.id,
			name: inst.name,
			createdDate: inst.createdDate,
			updatedDate: inst.updatedDate,
			token: inst.token,
			element: hydrate ? { ...ELEMENT, authentication: { ...ELEMENT.authentication }, parameters: [] } : { id: ELEMENT.id, key: ELEMENT.key, name: ELEMENT.name },
			provisionInteractions: [],
			valid: true,
			disabled: inst.disabled,
			maxCacheSize: 0,
			cacheTimeToLive: 0,
			eventsEnabled: this.eventsEnabled(inst),
			traceLoggingEnabled: false,
			cachingEnabled: false,
			externalAuthentication: 'none',
			tags: [...inst.tags],
		};
		return hydrate ? { ...base, configuration } : base;
	}

	// ---- CRM hub ----

	private hubInstance(c: Ctx): Instance {
		const inst = this.checkAuth(c, true)!;
		if (inst.disabled) throw ocError(403, 'This instance is disabled');
		if (inst.configuration.username !== this.secrets().closeApiKey) {
			throw ocError(401, 'Provider returned an authentication error', '{"error": "Invalid API key"}');
		}
		return inst;
	}

	private resourceType(name: string): CloseObjectType {
		const t = HUB_RESOURCES[name];
		if (!t) throw ocError(404, `No resource found for /hubs/crm/${name}`);
		return t;
	}

	private hubGet(c: Ctx): Reply {
		this.hubInstance(c);
		const type = this.resourceType(c.params[0]);
		const rec = this.store.get(type, c.params[1]);
		if (!rec) throw ocError(404, `No ${c.params[0]} found with id ${c.params[1]}`, '{"error": "Empty query: not found"}');
		return { status: 200, body: this.selectFields(c, this.store.present(type, rec)) };
	}

	/**
	 * A provider refusal as the platform relays it: the platform's own message, Close's body as
	 * providerMessage, the provider's status code.
	 */
	private providerCall<T>(fn: () => T): T {
		try {
			return fn();
		} catch (e) {
			if (e instanceof ValidationError) {
				const body = JSON.stringify({ errors: [e.message], 'field-errors': e.fieldErrors });
				const fields = Object.entries(e.fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ');
				throw ocError(400, `Provider returned an error: ${fields || e.message}`, body);
			}
			if (e instanceof StoreError) {
				const body = JSON.stringify(e.status === 404 ? { error: 'Empty query: not found' } : { errors: [e.message], 'field-errors': e.fieldErrors });
				const fields = Object.entries(e.fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ');
				throw ocError(e.status, e.status === 404 ? e.message : `Provider returned an error: ${fields || e.message}`, body);
			}
			throw e;
		}
	}

	private hubCreate(c: Ctx): Reply {
		this.hubInstance(c);
		const type = this.resourceType(c.params[0]);
		const body = objectBody(c);
		return this.providerCall(() => {
			const { contacts, ...rest } = body;
			const fields = this.records ? this.records.checkWrite(type, type === 'lead' ? rest : body, undefined, { requireLeadName: true }) : body;
			const nested = type === 'lead' && Array.isArray(contacts) ? contacts : [];
			nested.forEach((contact, i) => {
				if (!contact || typeof contact !== 'object') throw new ValidationError('Invalid contact', { [`contacts.${i}`]: 'Invalid contact.' });
			});
			const created = this.store.create(type, fields);
			// Close creates a lead's nested contacts with it, as POST /lead/ does.
			if (!nested.length) return { status: 200, body: created };
			for (const contact of nested) this.store.create('contact', { ...(contact as Record<string, unknown>), lead_id: created.id });
			return { status: 200, body: this.store.present(type, this.store.get(type, created.id)!) };
		});
	}

	private hubUpdate(c: Ctx): Reply {
		this.hubInstance(c);
		const type = this.resourceType(c.params[0]);
		const id = c.params[1];
		const body = objectBody(c);
		return this.providerCall(() => {
			const previous = this.store.get(type, id);
			if (!previous) throw new StoreError(404, `No ${c.params[0]} found with id ${id}`);
			const fields = this.records ? this.records.checkWrite(type, body, previous) : body;
			return { status: 200, body: this.store.update(type, id, fields) };
		});
	}

	private hubDelete(c: Ctx): Reply {
		this.hubInstance(c);
		const type = this.resourceType(c.params[0]);
		const id = c.params[1];
		return this.providerCall(() => {
			if (!this.store.get(type, id)) throw new StoreError(404, `No ${c.params[0]} found with id ${id}`);
			this.store.delete(type, id);
			return { status: 200, body: {} };
		});
	}

	/** A lead's notes (Close's note activities), newest first. */
	private hubNotes(c: Ctx): Reply {
		this.hubInstance(c);
		const leadId = c.params[0];
		return this.providerCall(() => {
			if (!this.store.get('lead', leadId)) throw new StoreError(404, `No accounts found with id ${leadId}`);
			const notes = this.store.tables.note.sorted.filter((e) => e.rec.lead_id === leadId).map((e) => e.rec);
			return { status: 200, body: notes.reverse() };
		});
	}

	private hubNoteWrite(c: Ctx, action: 'create' | 'get' | 'update' | 'delete'): Reply {
		this.hubInstance(c);
		const [leadId, noteId] = c.params;
		return this.providerCall(() => {
			if (!this.store.get('lead', leadId)) throw new StoreError(404, `No accounts found with id ${leadId}`);
			if (action === 'create') {
				const b = objectBody(c);
				if (typeof b.note !== 'string' || b.note.trim() === '') throw new ValidationError('note: This field is required.', { note: 'This field is required.' });
				return { status: 200, body: this.store.create('note', { ...b, lead_id: leadId }) };
			}
			const note = this.store.get('note', noteId);
			if (!note || note.lead_id !== leadId) throw new StoreError(404, `No notes found with id ${noteId} on account ${leadId}`);
			if (action === 'get') return { status: 200, body: note };
			if (action === 'delete') {
				this.store.delete('note', noteId);
				return { status: 200, body: {} };
			}
			const { lead_id: _ignored, ...fields } = objectBody(c);
			return { status: 200, body: this.store.update('note', noteId, fields) };
		});
	}

	private selectFields(c: Ctx, rec: Record<string, unknown>): Record<string, unknown> {
		const f = c.query.get('fields');
		if (!f) return rec;
		const out: Record<string, unknown> = {};
		for (const k of f.split(',').map((s) => s.trim()).filter(Boolean)) if (k in rec) out[k] = rec[k];
		return out;
	}

	private parseOrder(text: string | null): Array<{ field: string; desc: boolean }> {
		if (!text || !text.trim()) return [
			{ field: 'date_updated', desc: false },
			{ field: 'id', desc: false },
		];
		return text.split(',').map((part) => {
			const m = /^\s*([A-Za-z_$][\w.$]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
			if (!m) throw ocError(400, `Invalid orderBy clause: '${part.trim()}'`);
			return { field: m[1], desc: (m[2] ?? 'asc').toLowerCase() === 'desc' };
		});
	}

	private hubList(c: Ctx): Reply {
		const inst = this.hubInstance(c);
		const seed = this.profile.ceql === 'seed';
		const resource = c.params[0];
		const type = this.resourceType(resource);
		const whereText = c.query.get('where');
		let where: Expr | undefined;
		if (whereText && whereText.trim()) {
			try {
				where = parseWhere(whereText);
				validate(where);
			} catch (e) {
				if (e instanceof CeqlError) throw ocError(400, `Invalid where clause: ${e.message}`);
				throw e;
			}
			const refused = seed ? seedRejection(whereText, where) : undefined;
			if (refused) throw ocError(400, `Invalid where clause: ${refused}`);
		}
		let order = this.parseOrder(c.query.get('orderBy'));
		if (seed && order.length > 1) {
			if (this.profile.extraOrderBy === 'reject') throw ocError(400, 'Invalid orderBy: the closeio element orders by one field only');
			order = order.slice(0, 1);
		}
		let pageSize = 200;
		const ps = c.query.get('pageSize');
		if (ps !== null && ps !== '') {
			pageSize = Number(ps);
			if (!Number.isInteger(pageSize) || pageSize < 1) throw ocError(400, `Invalid pageSize: ${ps}`);
		}
		// The closeio instance pages Close by offset, at most `pagination.max` (100, the seed's
		// configuration) records a page, in every query profile: a larger pageSize gets 100.
		pageSize = Math.min(pageSize, Number(inst.configuration['pagination.max']) || 100);
		let offset = 0;
		const token = c.query.get('nextPage');
		if (token) {
			try {
				const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
				if (typeof t.offset !== 'number' || t.offset < 0) throw new Error('bad');
				offset = t.offset;
			} catch {
				throw ocError(400, `Invalid nextPage token: ${token}`);
			}
		} else if (c.query.get('page')) {
			const page = Number(c.query.get('page'));
			if (!Number.isInteger(page) || page < 1) throw ocError(400, `Invalid page: ${c.query.get('page')}`);
			offset = (page - 1) * pageSize;
		}
		const returnCount = c.query.get('returnCount') === 'true';
		const { rows, total } = seed
			? this.seedQuery(type, where, order[0], offset, pageSize, returnCount)
			: this.query(type, resource, whereText ?? '', where, order, offset, pageSize, returnCount);
		const headers: Record<string, string> = {
			'elements-next-page-token': Buffer.from(JSON.stringify({ offset: offset + pageSize, pageSize })).toString('base64'),
			'elements-returned-count': String(rows.length),
		};
		if (returnCount) headers['elements-total-count'] = String(total);
		if (!c.query.get('fields')) return { status: 200, rawJson: '[' + rows.map((e) => this.store.jsonOf(type, e)).join(',') + ']', headers };
		return { status: 200, body: rows.map((e) => this.selectFields(c, this.store.present(type, e.rec))), headers };
	}

	/** Exposed for the bench: the page a hub list returns, without HTTP. */
	query(
		type: CloseObjectType,
		resource: string,
		whereText: string,
		where: Expr | undefined,
		order: Array<{ field: string; desc: boolean }>,
		offset: number,
		pageSize: number,
		returnCount: boolean,
	): { rows: Entry[]; total: number } {
		const table = this.store.tables[type];
		const sorted = table.sorted;
		const test = (e: Entry): boolean => !where || evaluate(where, e.rec, e.upd);
		if (this.profile.orderBy === 'ignore') return this.byIdPage(sorted.filter(test), offset, pageSize);
		const natural =
			order[0].field === 'date_updated' && !order[0].desc && (order.length === 1 || (order.length === 2 && order[1].field === 'id' && !order[1].desc));
		if (natural) {
			const start = where ? table.lowerIndex(lowerBound(where)) : 0;
			const cacheKey = `${resource}|${whereText}|${table.version}`;
			let cache = this.offsetCache.get(cacheKey);
			let i = start;
			let skipped = 0;
			const cached = cache?.get(offset);
			if (cached !== undefined) {
				i = cached;
				skipped = offset;
			} else if (!where) {
				i = offset;
				skipped = offset;
			}
			for (; i < sorted.length && skipped < offset; i++) if (test(sorted[i])) skipped++;
			const rows: Entry[] = [];
			for (; i < sorted.length && rows.length < pageSize; i++) if (test(sorted[i])) rows.push(sorted[i]);
			if (!cache) {
				if (this.offsetCache.size > 200) this.offsetCache.clear();
				cache = new Map();
				this.offsetCache.set(cacheKey, cache);
			}
			cache.set(offset + rows.length, i);
			let total = 0;
			if (returnCount) {
				if (!where) total = sorted.length;
				else for (let j = start; j < sorted.length; j++) if (test(sorted[j])) total++;
			}
			return { rows, total };
		}
		const all: Entry[] = [];
		for (const e of sorted) if (test(e)) all.push(e);
		all.sort((a, b) => {
			for (const o of order) {
				const c = compareValues(o.field, fieldValue(a.rec, o.field), fieldValue(b.rec, o.field) as string);
				const d = c === undefined ? (fieldValue(a.rec, o.field) == null ? -1 : 1) : c;
				if (d !== 0) return o.desc ? -d : d;
			}
			return 0;
		});
		return { rows: all.slice(offset, offset + pageSize), total: all.length };
	}

	/** A page of `orderBy: 'ignore'`: the matching records by id, whatever was asked. */
	private byIdPage(all: Entry[], offset: number, pageSize: number): { rows: Entry[]; total: number } {
		all.sort((a, b) => (String(a.rec.id) < String(b.rec.id) ? -1 : String(a.rec.id) > String(b.rec.id) ? 1 : 0));
		return { rows: all.slice(offset, offset + pageSize), total: all.length };
	}

	/**
	 * The `seed` profile's page: one order field, records sharing its value shuffled afresh for each
	 * request, offset counted over the set as it is now (a record that changed since the previous
	 * page moves, and shifts the others).
	 */
	seedQuery(
		type: CloseObjectType,
		where: Expr | undefined,
		order: { field: string; desc: boolean },
		offset: number,
		pageSize: number,
		returnCount: boolean,
	): { rows: Entry[]; total: number } {
		const table = this.store.tables[type];
		const sorted = table.sorted;
		const test = (e: Entry): boolean => !where || evaluate(where, e.rec, e.upd);
		if (this.profile.orderBy === 'ignore') return this.byIdPage(sorted.filter(test), offset, pageSize);
		const shuffleTies = (xs: Entry[], key: (e: Entry) => unknown): Entry[] => {
			for (let from = 0; from < xs.length; ) {
				let to = from + 1;
				while (to < xs.length && key(xs[to]) === key(xs[from])) to++;
				for (let i = to - 1; i > from; i--) {
					const j = from + Math.floor(this.tieRandom() * (i - from + 1));
					[xs[i], xs[j]] = [xs[j], xs[i]];
				}
				from = to;
			}
			return xs;
		};
		if (order.field === 'date_updated') {
			// Walk the date index between the query's bounds, up to the page and the rest of its last tie.
			const start = where ? table.lowerIndex(lowerBound(where)) : 0;
			const ub = where ? upperBound(where) : Infinity;
			const end = ub === Infinity ? sorted.length : table.lowerIndex(ub + 1);
			const want = offset + pageSize;
			const picked: Entry[] = [];
			const step = order.desc ? -1 : 1;
			let i = order.desc ? end - 1 : start;
			const inside = (k: number) => (order.desc ? k >= start : k < end);
			for (; inside(i); i += step) {
				const e = sorted[i];
				if (picked.length >= want && e.upd !== picked[picked.length - 1].upd) break;
				if (test(e)) picked.push(e);
			}
			let total = 0;
			if (returnCount) for (let k = start; k < end; k++) if (test(sorted[k])) total++;
			return { rows: shuffleTies(picked, (e) => e.upd).slice(offset, want), total };
		}
		const all = sorted.filter(test).map((e) => ({ e, v: fieldValue(e.rec, order.field) }));
		all.sort((a, b) => {
			const c = compareValues(order.field, a.v, b.v as string);
			const d = c === undefined ? (a.v == null ? (b.v == null ? 0 : -1) : 1) : c;
			return order.desc ? -d : d;
		});
		const rows = shuffleTies(
			all.map((x) => x.e),
			(e) => fieldValue(e.rec, order.field),
		);
		return { rows: rows.slice(offset, offset + pageSize), total: all.length };
	}

	presentFor(type: CloseObjectType, rec: CloseRecord): CloseRecord {
		return this.store.present(type, rec);
	}

	// ---- events: Close webhook in, notification out ----

	private receive(c: Ctx): Reply {
		let idText = '';
		try {
			idText = Buffer.from(c.params[0], 'base64').toString('utf8');
		} catch {
			// falls through to 404
		}
		const id = /^\d+$/.test(idText) ? Number(idText) : NaN;
		const inst = this.instances.get(id);
		if (!inst) throw ocError(404, `No instance found for ${c.params[0]}`);
		const payload = jsonBody(c);
		if (!payload || typeof payload !== 'object') throw ocError(400, 'Event payload must be a JSON object');
		const events = this.eventsFromClose(payload as Record<string, unknown>);
		if (
			events.length > 0 &&
			this.eventsEnabled(inst) &&
			(inst.configuration['event.vendor.type'] ?? 'webhook') === 'webhook' &&
			inst.configuration['event.notification.callback.url']
		) {
			// 20 events per notification for webhooks; a Close payload carries one.
			for (let i = 0; i < events.length; i += 20) this.notify({ instanceId: inst.id, events: events.slice(i, i + 20), raw: payload });
		}
		return { status: 200, body: {} };
	}

	private eventsFromClose(p: Record<string, unknown>): Array<Record<string, unknown>> {
		const date = formatIsoMillis(this.clock.now());
		const ev = p.event;
		if (ev && typeof ev === 'object') {
			const e = ev as Record<string, unknown>;
			const type = String(e.object_type ?? '');
			const action = String(e.action ?? '');
			return [
				{
					objectType: HUB_NAME_OF[type] ?? type,
					objectId: e.object_id,
					eventType: action.toUpperCase(),
					elementKey: 'closeio',
					date,
				},
			];
		}
		if (typeof p.model === 'string' && typeof p.event === 'string') {
			const verbs: Record<string, string> = { create: 'CREATED', update: 'UPDATED', delete: 'DELETED', merge: 'MERGED' };
			const data = p.data;
			const objectId =
				p.event === 'merge'
					? (p.destination_id ?? (data as Record<string, unknown> | undefined)?.destination_id ?? (data as Record<string, unknown> | undefined)?.id)
					: typeof data === 'string'
						? data
						: (data as Record<string, unknown> | undefined)?.id;
			return [
				{
					objectType: HUB_NAME_OF[p.model] ?? p.model,
					objectId,
					eventType: verbs[p.event] ?? p.event.toUpperCase(),
					elementKey: 'closeio',
					date,
				},
			];
		}
		return [];
	}

	/** Sends one notification to the instance's callback, signed, retried 9 times at 4^n s. */
	notify(n: Notification): string {
		const inst = this.instances.get(n.instanceId);
		const url = inst?.configuration['event.notification.callback.url'];
		const eventId = uuid();
		if (!inst || !url) return eventId;
		const body = Buffer.from(JSON.stringify({ message: { eventId, elementKey: 'closeio', instanceId: inst.id, events: n.events, raw: n.raw } }));
		const key = inst.configuration['event.notification.signature.key'];
		const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Elements-Webhook-Id': uuid() };
		if (key) headers['Elements-Webhook-Signature'] = 'sha256=' + createHmac('sha256', key).update(body).digest('base64');
		const scale = this.retryScale();
		this.outbox.deliver({
			kind: 'openConnectors',
			deliveryKey: eventId,
			url,
			instanceId: inst.id,
			build: () => ({ body, headers }),
			delayAfter: (attempt) => (attempt <= 9 ? 4 ** attempt * 1000 * scale : undefined),
		});
		return eventId;
	}
}
