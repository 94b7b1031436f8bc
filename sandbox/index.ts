// A local emulator of SAP Open Connectors (closeio element, CRM hub, events) and of the Close
// API, as one node:http server. See sandbox/README.md for what it does and does not emulate.

import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { CloseActivities } from './closeActivities';
import { CLOSE_PREFIX, CloseApi, CloseDeliverySigning, RateLimitOptions, WebhookSubscription, isCloseType } from './close';
import { Clock } from './clock';
import { Fault, FaultSpec, Faults } from './faults';
import { DeliveryRecord, Outbox } from './outbound';
import { CeqlProfile, Instance, OC_PREFIX, OpenConnectorsApi, QueryProfile } from './openConnectors';
import { Poller } from './poller';
import { Ctx, HttpError, Reply, Route, match, objectBody, route } from './router';
import {
	CLOSE_TYPES,
	CloseEvent,
	CloseObjectType,
	CloseRecord,
	CloseStore,
	LeadStatus,
	OpportunityStatus,
	SeedSpec,
	StatusKind,
	StoreError,
} from './store';
import { formatCloseDate } from './time';
import { DEFAULT_LOG_LIMIT, appendBounded } from './boundedLog';
import { PROBE_HEADER, bodyFieldNames, recordedQuery, recorderFromEnv } from './requestLog';
import { CustomField, CustomFieldObject, RecordRules, Search } from './records';

export type { CloseObjectType, CloseRecord, CloseEvent, SeedSpec, LeadStatus, OpportunityStatus, StatusKind } from './store';
export type { FaultSpec, Fault } from './faults';
export type { DeliveryRecord } from './outbound';
export type { Instance, CeqlProfile, QueryProfile } from './openConnectors';
export type { WebhookSubscription, CloseDeliverySigning } from './close';
export type { CustomField, CustomFieldObject } from './records';

export interface SandboxOptions {
	/** 0 = random (tests); default 0. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Multiplies every documented retry delay (OC 4^n s, Close back-off); default 1. */
	retryScale?: number;
	/** Multiplies the platform poller's refresh interval (1 minute = 60000 ms x pollerScale); default 1. */
	pollerScale?: number;
	secrets?: Partial<SandboxSecrets>;
	/** Close RateLimit header window; not enforced unless `enforce` (faults give 429s). */
	closeRateLimit?: Partial<RateLimitOptions>;
	/** Outbound delivery timeout (Close expects an answer within 15 s); default 15000. */
	deliveryTimeoutMs?: number;
	/** What the CRM hub's query language accepts: 'full' (default) or 'seed' (see sandbox/README.md). */
	ceql?: CeqlProfile;
	/** With ceql 'seed': a second orderBy field is ignored (default) or answered 400. */
	extraOrderBy?: QueryProfile['extraOrderBy'];
	/** With ceql 'seed': orderBy honored (default, first field) or ignored altogether. */
	orderBy?: QueryProfile['orderBy'];
	/** Close's event consolidation (sandbox/eventLog.ts): an `updated` event folds into the same object's previous one logged within this many ms; default 0 (off). */
	eventConsolidationMs?: number;
	/** Requests and deliveries each log keeps, the most recent (sandbox/boundedLog.ts); default 50,000. */
	logLimit?: number;
}

export interface SandboxSecrets {
	userSecret: string;
	organizationSecret: string;
	closeApiKey: string;
	closePassword: string;
}

export const DEFAULT_SECRETS: SandboxSecrets = {
	userSecret: 'sandbox-user-secret',
	organizationSecret: 'sandbox-organization-secret',
	closeApiKey: 'sandbox-close-api-key',
	closePassword: 'sandbox-close-password',
};

export interface RequestInfo {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	/** Lower-case names; the Authorization value is redacted. */
	headers: Record<string, string>;
	time: string;
	requestId: string;
}

export interface RequestLogEntry extends RequestInfo {
	status: number;
	durationMs: number;
	fault?: number;
}

export type RouteMatcher = { method?: string; path: string | RegExp } | ((info: RequestInfo) => boolean);

export interface MutationOpts {
	at?: string | number;
}

export interface SandboxClock {
	/** Epoch microseconds. */
	now(): number;
	nowIso(): string;
	set(isoOrMicros: string | number): number;
	advance(ms: number): number;
	freeze(): number;
	unfreeze(): number;
	readonly frozen: boolean;
}

export interface CreateInstanceInput {
	name?: string;
	tags?: string[];
	configuration?: Record<string, unknown>;
}

export interface SandboxAdmin {
	reset(): void;
	seed(spec: SeedSpec): CloseRecord[];
	create(object: CloseObjectType, fields?: Record<string, unknown>, opts?: MutationOpts): CloseRecord;
	update(object: CloseObjectType, id: string, fields: Record<string, unknown>, opts?: MutationOpts): CloseRecord;
	delete(object: CloseObjectType, id: string, opts?: MutationOpts): void;
	merge(sourceLeadId: string, destinationLeadId: string, opts?: MutationOpts): CloseRecord;
	get(object: CloseObjectType, id: string): CloseRecord | undefined;
	/** All records of one type in (date_updated, id) order. */
	records(object: CloseObjectType): CloseRecord[];
	/** The Close event log, oldest first. */
	events(): CloseEvent[];
	/** Called for every request before it is served; returns an unsubscribe function. */
	onRequest(hook: (info: RequestInfo) => void | Promise<void>): () => void;
	/** Runs fn (awaited) before the next request matching `matcher` is served, once. */
	beforeNext(matcher: RouteMatcher, fn: (info: RequestInfo) => void | Promise<void>): void;
	addFault(spec: FaultSpec): Fault;
	clearFaults(): void;
	faults(): Fault[];
	clock: SandboxClock;
	requests(): RequestLogEntry[];
	deliveries(): DeliveryRecord[];
	clearLogs(): void;
	/** Stored instances, secrets unmasked (admin view). */
	instances(): Instance[];
	/** Provisions a closeio instance in-process (the Close API key is filled in by default). */
	createInstance(input?: CreateInstanceInput): Record<string, unknown>;
	webhooks(): WebhookSubscription[];
	/** Creates a Close webhook subscription in-process (same validation as POST /webhook/). */
	createWebhook(body: {
		url: string;
		events: Array<{ object_type: string; action: string; extra_filter?: Record<string, unknown> }>;
		verify_ssl?: boolean;
	}): WebhookSubscription;
	/** Lead or opportunity statuses (the list GET /status/<kind>/ serves; live, not a copy). */
	statuses(kind: StatusKind): Array<LeadStatus | OpportunityStatus>;
	setLegacyFormat(subscriptionId: string, legacy: boolean): void;
	/** How Close signs its retries (default: a retry keeps its first timestamp and hash); kept until reset(). */
	closeDeliverySigning(change?: Partial<CloseDeliverySigning>): CloseDeliverySigning;
	/** The CRM hub's query profile (kept across reset()). */
	queryProfile(): QueryProfile;
	setQueryProfile(profile: Partial<QueryProfile>): QueryProfile;
	/** Close's event consolidation window in ms (0 = off; kept across reset()). */
	setEventConsolidation(ms: number): void;
	/** Polls one instance now (platform poller, issue 7). */
	runPoller(instanceId: number): Promise<void>;
	/** Defines a custom field (same validation as POST /custom_field/<object>/). */
	createCustomField(object: CustomFieldObject, body: { name: string; type: string; choices?: string[]; accepts_multiple_values?: boolean }): CustomField;
	/** Close's emails, SMS, templates, sequences, custom activity types, Smart Views (sandbox/closeActivities.ts); `.sent` = what the fake sender sent. */
	closeActivities: CloseActivities;
	/** Resolves when no outbound delivery is in flight or waiting for a retry. */
	idle(): Promise<void>;
	/** Waits until `predicate(deliveries())` holds; rejects after timeoutMs (default 5000). */
	waitForDeliveries(predicate: (d: DeliveryRecord[]) => boolean, timeoutMs?: number): Promise<DeliveryRecord[]>;
}

export interface Sandbox {
	url: string;
	ocBaseUrl: string;
	closeBaseUrl: string;
	secrets: SandboxSecrets;
	admin: SandboxAdmin;
	close(): Promise<void>;
}

const ADMIN_PREFIX = '/__admin';

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function queryObject(q: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const k of new Set(q.keys())) {
		const all = q.getAll(k);
		out[k] = all.length === 1 ? all[0] : all;
	}
	return out;
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers)) {
		if (v === undefined) continue;
		out[k] = k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
	}
	return out;
}

function toSeedSpec(b: Record<string, unknown>): SeedSpec {
	if (!isCloseType(b.object)) throw new HttpError(400, `seed needs object: ${CLOSE_TYPES.join('|')}`);
	const count = Number(b.count ?? 1);
	if (!Number.isInteger(count) || count < 0) throw new HttpError(400, 'count must be a non-negative integer');
	return {
		object: b.object,
		count,
		dateUpdated: b.dateUpdated as SeedSpec['dateUpdated'],
		dateCreated: b.dateCreated as SeedSpec['dateCreated'],
		fields: b.fields as Record<string, unknown> | undefined,
		silent: b.silent === true,
	};
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const secrets: SandboxSecrets = { ...DEFAULT_SECRETS, ...(options.secrets ?? {}) };
	const retryScale = options.retryScale ?? 1;
	const pollerScale = options.pollerScale ?? 1;
	const clock = new Clock();
	const store = new CloseStore(clock);
	const outbox = new Outbox(options.deliveryTimeoutMs ?? 15000);
	const faults = new Faults();
	let baseUrl = '';
	const closeApi = new CloseApi(store, clock, outbox, () => secrets.closeApiKey, () => retryScale, {
		limit: 100,
		windowMs: 1000,
		enforce: false,
		...(options.closeRateLimit ?? {}),
	});
	closeApi.eventLog.consolidationMs = Math.max(0, options.eventConsolidationMs ?? 0);
	const oc = new OpenConnectorsApi(store, clock, outbox, () => secrets, () => baseUrl + CLOSE_PREFIX, () => retryScale);
	oc.setQueryProfile({ ceql: options.ceql ?? 'full', extraOrderBy: options.extraOrderBy ?? 'ignore', orderBy: options.orderBy ?? 'honor' });
	const records = new RecordRules(clock);
	closeApi.records = records;
	closeApi.search = new Search(store);
	oc.records = records;
	const poller = new Poller(oc, clock, pollerScale);
	oc.onInstanceChanged = (inst, id) => poller.instanceChanged(inst, id);

	const requestLog: RequestLogEntry[] = [];
	const logLimit = Math.max(1, options.logLimit ?? DEFAULT_LOG_LIMIT);
	outbox.logLimit = logLimit;
	// Conformance recording (sandbox/requestLog.ts): on when $SANDBOX_REQUEST_LOG_DIR is set.
	const recorder = recorderFromEnv();
	const hooks = new Set<(info: RequestInfo) => void | Promise<void>>();
	let pendingBefore: Array<{ matcher: RouteMatcher; fn: (info: RequestInfo) => void | Promise<void> }> = [];
	const delayTimers = new Set<NodeJS.Timeout>();
	const sleep = (ms: number): Promise<void> =>
		new Promise((resolve) => {
			const t = setTimeout(() => {
				delayTimers.delete(t);
				resolve();
			}, ms);
			delayTimers.add(t);
		});

	const matches = (m: RouteMatcher, info: RequestInfo): boolean => {
		if (typeof m === 'function') return m(info);
		if (m.method && m.method.toUpperCase() !== info.method) return false;
		return typeof m.path === 'string' ? info.path.startsWith(m.path) : m.path.test(info.path);
	};

	const wrapStore = <T>(fn: () => T): T => {
		try {
			return fn();
		} catch (e) {
			if (e instanceof StoreError) throw new HttpError(e.status, e.message, { fieldErrors: e.fieldErrors });
			throw e;
		}
	};

	const createInstance = (input: CreateInstanceInput = {}): Record<string, unknown> => {
		const fake = {
			req: { headers: { authorization: `User ${secrets.userSecret}, Organization ${secrets.organizationSecret}` } },
			rawBody: Buffer.from(
				JSON.stringify({
					element: { key: 'closeio' },
					name: input.name ?? 'sandbox instance',
					tags: input.tags ?? [],
					configuration: { username: secrets.closeApiKey, password: secrets.closePassword, ...(input.configuration ?? {}) },
				}),
			),
			params: [],
		} as unknown as Ctx;
		const r = match(oc.routes(), 'POST', `${OC_PREFIX}/instances`);
		const reply = r.route!.handler(fake) as Reply;
		const view = reply.body as Record<string, unknown>;
		return view;
	};

	const admin: SandboxAdmin = {
		reset() {
			store.reset();
			closeApi.reset();
			oc.reset();
			records.reset();
			faults.clear();
			outbox.cancelAll();
			outbox.log.length = 0;
			requestLog.length = 0;
			pendingBefore = [];
			hooks.clear();
			clock.reset();
		},
		seed: (spec) => wrapStore(() => store.seed(spec)),
		create: (object, fields = {}, opts = {}) => wrapStore(() => store.create(object, fields, { at: opts.at })),
		update: (object, id, fields, opts = {}) => wrapStore(() => store.update(object, id, fields, { at: opts.at })),
		delete: (object, id, opts = {}) => wrapStore(() => store.delete(object, id, { at: opts.at })),
		merge: (source, destination, opts = {}) => wrapStore(() => store.merge(source, destination, { at: opts.at })),
		get: (object, id) => {
			const r = store.get(object, id);
			return r && store.present(object, r);
		},
		records: (object) => store.tables[object].sorted.map((e) => store.present(object, e.rec)),
		events: () => store.events.map((s) => s.event),
		onRequest(hook) {
			hooks.add(hook);
			return () => hooks.delete(hook);
		},
		beforeNext(matcher, fn) {
			pendingBefore.push({ matcher, fn });
		},
		addFault: (spec) => faults.add(spec),
		clearFaults: () => faults.clear(),
		faults: () => faults.all(),
		clock: {
			now: () => clock.now(),
			nowIso: () => formatCloseDate(clock.now()),
			set: (v) => clock.set(v),
			advance: (ms) => clock.advance(ms),
			freeze: () => clock.freeze(),
			unfreeze: () => clock.unfreeze(),
			get frozen() {
				return clock.frozen;
			},
		},
		requests: () => [...requestLog],
		deliveries: () => [...outbox.log],
		clearLogs() {
			requestLog.length = 0;
			outbox.log.length = 0;
		},
		instances: () => [...oc.instances.values()].map((i) => ({ ...i, configuration: { ...i.configuration }, tags: [...i.tags] })),
		createInstance,
		closeActivities: closeApi.activities,
		createCustomField: (object, body) => records.createCustomField(object, body as unknown as Record<string, unknown>),
		webhooks: () => [...closeApi.subscriptions.values()].map((s) => ({ ...closeApi.publicSub(s), legacy: closeApi.legacy.has(s.id) })),
		createWebhook: (body) => closeApi.createSubscription(body as unknown as Record<string, unknown>),
		statuses: (kind) => store.statuses(kind),
		closeDeliverySigning: (change) => ({ ...Object.assign(closeApi.signing, change ?? {}) }),
		setLegacyFormat(id, legacy) {
			if (!closeApi.subscriptions.has(id)) throw new HttpError(404, `no webhook subscription ${id}`);
			if (legacy) closeApi.legacy.add(id);
			else closeApi.legacy.delete(id);
		},
		queryProfile: () => oc.queryProfile(),
		setQueryProfile: (profile) => oc.setQueryProfile(profile),
		setEventConsolidation: (ms) => {
			closeApi.eventLog.consolidationMs = Math.max(0, Number(ms) || 0);
		},
		runPoller: (id) => poller.runNow(id),
		idle: () => outbox.idle(),
		async waitForDeliveries(predicate, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const d = [...outbox.log];
				if (predicate(d)) return d;
				if (Date.now() > deadline) throw new Error(`waitForDeliveries timed out after ${timeoutMs} ms (${d.length} deliveries logged)`);
				await sleep(5);
			}
		},
	};

	const adminRoutes: Route[] = adminHttpRoutes(admin, store);
	const closeRoutes = closeApi.routes();
	const ocRoutes = oc.routes();

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = process.hrtime.bigint();
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		const requestId = randomBytes(12).toString('hex');
		const info: RequestInfo = {
			method,
			path,
			query: queryObject(url.searchParams),
			headers: redactedHeaders(req),
			time: new Date().toISOString(),
			requestId,
		};
		const side = path.startsWith(OC_PREFIX) ? 'oc' : path.startsWith(CLOSE_PREFIX) ? 'close' : path.startsWith(ADMIN_PREFIX) ? 'admin' : 'none';
		const extraHeaders: Record<string, string> = {};
		if (side === 'oc') extraHeaders['elements-request-id'] = requestId;
		let faultId: number | undefined;
		/** When a `latencyMs` fault lets the answer leave (hrtime ns). */
		let answerDue: bigint | undefined;
		const finish = (status: number, body: unknown, headers: Record<string, string> = {}, rawJson?: string): void => {
			const wait = answerDue === undefined ? 0 : Number(answerDue - process.hrtime.bigint()) / 1e6;
			if (wait > 0) {
				answerDue = undefined;
				setTimeout(() => finish(status, body, headers, rawJson), wait);
				return;
			}
			if (side === 'close' && !('RateLimit' in headers)) extraHeaders.RateLimit = closeApi.rateLimitHeader(false).header;
			const text = rawJson ?? (body === undefined ? '' : JSON.stringify(body));
			if (!res.headersSent) {
				res.writeHead(status, {
					...extraHeaders,
					...headers,
					...(text ? { 'Content-Type': 'application/json' } : {}),
					'Content-Length': String(Buffer.byteLength(text)),
				});
			}
			res.end(text);
			if (side !== 'admin') {
				appendBounded(requestLog, { ...info, status, durationMs: Number(process.hrtime.bigint() - started) / 1e6, fault: faultId }, logLimit);
			}
		};
		const errorBody = (e: HttpError): unknown => {
			if (side === 'oc' || side === 'none') return { message: e.message, requestId, ...e.extra };
			if (side === 'close') return Object.keys(e.extra).length ? e.extra : { error: e.message };
			return { error: e.message, ...e.extra };
		};
		try {
			const rawBody = await readBody(req);
			if (recorder && side !== 'admin') {
				const base = side === 'oc' ? OC_PREFIX : side === 'close' ? CLOSE_PREFIX : '';
				recorder.record({
					api: side,
					method,
					path: path.slice(base.length),
					query: recordedQuery(url.searchParams),
					...bodyFieldNames(rawBody),
					...(req.headers[PROBE_HEADER] ? { probe: true as const } : {}),
				});
			}
			if (side !== 'admin') {
				for (const h of [...hooks]) await h(info);
				const due = pendingBefore.filter((p) => matches(p.matcher, info));
				if (due.length) {
					pendingBefore = pendingBefore.filter((p) => !due.includes(p));
					for (const p of due) await p.fn(info);
				}
				const fault = faults.take(method, path);
				if (fault) {
					faultId = fault.id;
					if (fault.latencyMs) answerDue = started + BigInt(Math.round(fault.latencyMs * 1e6));
					if (fault.delayMs) await sleep(fault.delayMs);
					if (fault.drop) {
						req.socket.destroy();
						appendBounded(requestLog, { ...info, status: 0, durationMs: Number(process.hrtime.bigint() - started) / 1e6, fault: fault.id }, logLimit);
						return;
					}
					if (fault.status) {
						const headers: Record<string, string> = {};
						if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
						if (side === 'close') {
							const rl = closeApi.rateLimit;
							const reset = fault.rateLimitReset ?? fault.retryAfter ?? 1;
							headers.RateLimit = `limit=${rl.limit}, remaining=${fault.status === 429 ? 0 : rl.limit}, reset=${reset}`;
						}
						const defaultMessage = fault.status === 429 ? 'Too many requests' : `Injected fault ${fault.status}`;
						const body =
							fault.body !== undefined
								? fault.body
								: side === 'close'
									? { error: defaultMessage }
									: { message: defaultMessage, requestId };
						finish(fault.status, body, headers);
						return;
					}
				}
			}
			const routes = side === 'oc' ? ocRoutes : side === 'close' ? closeRoutes : side === 'admin' ? adminRoutes : [];
			const m = match(routes, method, path);
			if (side === 'close') {
				const ctxAuth = { req } as Ctx;
				const rl = closeApi.rateLimitHeader(true);
				extraHeaders.RateLimit = rl.header;
				if (!closeApi.authorized(ctxAuth)) throw new HttpError(401, 'The API key is invalid or missing (HTTP Basic auth, API key as the user name).');
				if (rl.exceeded) {
					finish(429, { error: 'Too many requests' }, { 'Retry-After': String(Math.max(1, rl.resetSec)) });
					return;
				}
			}
			if (!m.route) {
				if (m.methodMismatch) throw new HttpError(405, `Method ${method} not allowed on ${path}`);
				throw new HttpError(404, `No route for ${method} ${path}`);
			}
			const ctx: Ctx = { req, res, method, path, query: url.searchParams, params: m.params, rawBody, headers: extraHeaders };
			const reply = await m.route.handler(ctx);
			finish(reply.status, reply.body, reply.headers, reply.rawJson);
		} catch (e) {
			if (e instanceof HttpError) finish(e.status, errorBody(e));
			else finish(500, errorBody(new HttpError(500, `Sandbox error: ${(e as Error)?.message ?? String(e)}`)));
		}
	}

	const server = http.createServer((req, res) => {
		void handle(req, res);
	});
	// Clients (undici: 4 s) must give up an idle connection before the server does, or a request
	// sent on it as the server closes it gets ECONNRESET (seen after a long in-process seed).
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const addr = server.address() as AddressInfo;
	const host = options.host ?? '127.0.0.1';
	baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;

	let closed = false;
	return {
		url: baseUrl,
		ocBaseUrl: baseUrl + OC_PREFIX,
		closeBaseUrl: baseUrl + CLOSE_PREFIX,
		secrets,
		admin,
		async close() {
			if (closed) return;
			closed = true;
			poller.stop();
			outbox.close();
			for (const t of delayTimers) clearTimeout(t);
			delayTimers.clear();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

function adminHttpRoutes(admin: SandboxAdmin, store: CloseStore): Route[] {
	const A = ADMIN_PREFIX;
	const type = (t: string): CloseObjectType => {
		if (!isCloseType(t)) throw new HttpError(400, `unknown object ${t}`);
		return t;
	};
	const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
	const at = (b: Record<string, unknown>): MutationOpts => ({ at: b.at as string | number | undefined });
	const runAction = (a: Record<string, unknown>): unknown => {
		switch (a.op) {
			case 'create':
				return admin.create(type(String(a.object)), (a.fields ?? {}) as Record<string, unknown>, at(a));
			case 'update':
				return admin.update(type(String(a.object)), String(a.id), (a.fields ?? {}) as Record<string, unknown>, at(a));
			case 'delete':
				return admin.delete(type(String(a.object)), String(a.id), at(a));
			case 'merge':
				return admin.merge(String(a.source), String(a.destination), at(a));
			default:
				throw new HttpError(400, 'action.op must be create|update|delete|merge');
		}
	};
	return [
		route('POST', `${A}/reset`, () => {
			admin.reset();
			return { status: 200, body: { ok: true } };
		}),
		route('POST', `${A}/seed`, (c) => {
			const records = admin.seed(toSeedSpec(objectBody(c)));
			return { status: 200, body: { count: records.length, records } };
		}),
		route('GET', `${A}/records/:object`, (c) => ({ status: 200, body: admin.records(type(c.params[0])) })),
		route('GET', `${A}/records/:object/:id`, (c) => {
			const r = admin.get(type(c.params[0]), c.params[1]);
			if (!r) throw new HttpError(404, 'not found');
			return { status: 200, body: r };
		}),
		route('POST', `${A}/records/:object`, (c) => {
			const b = objectBody(c);
			return { status: 200, body: admin.create(type(c.params[0]), (b.fields ?? {}) as Record<string, unknown>, at(b)) };
		}),
		route('PUT', `${A}/records/:object/:id`, (c) => {
			const b = objectBody(c);
			return { status: 200, body: admin.update(type(c.params[0]), c.params[1], (b.fields ?? {}) as Record<string, unknown>, at(b)) };
		}),
		route('DELETE', `${A}/records/:object/:id`, (c) => {
			admin.delete(type(c.params[0]), c.params[1]);
			return { status: 200, body: { ok: true } };
		}),
		route('POST', `${A}/merge`, (c) => {
			const b = objectBody(c);
			return { status: 200, body: admin.merge(String(b.source), String(b.destination), at(b)) };
		}),
		route('GET', `${A}/events`, () => ({ status: 200, body: admin.events() })),
		route('PUT', `${A}/eventLog`, (c) => {
			admin.setEventConsolidation(Number(objectBody(c).consolidationMs ?? 0));
			return { status: 200, body: {} };
		}),
		route('GET', `${A}/ceql`, () => ({ status: 200, body: admin.queryProfile() })),
		route('PUT', `${A}/ceql`, (c) => {
			const b = objectBody(c);
			return { status: 200, body: admin.setQueryProfile({ ceql: b.ceql as CeqlProfile, extraOrderBy: b.extraOrderBy as QueryProfile['extraOrderBy'], tieSeed: b.tieSeed as number, orderBy: b.orderBy as QueryProfile['orderBy'] }) };
		}),
		route('GET', `${A}/faults`, () => ({ status: 200, body: admin.faults().map((f) => ({ ...f, path: String(f.path), random: undefined })) })),
		route('POST', `${A}/faults`, (c) => {
			const b = objectBody(c);
			const path = typeof b.pathRegex === 'string' ? new RegExp(b.pathRegex) : str(b.path);
			if (!path) throw new HttpError(400, 'fault needs path (prefix) or pathRegex');
			const f = admin.addFault({ ...(b as unknown as FaultSpec), path });
			return { status: 200, body: { id: f.id } };
		}),
		route('DELETE', `${A}/faults`, () => {
			admin.clearFaults();
			return { status: 200, body: { ok: true } };
		}),
		route('GET', `${A}/clock`, () => ({ status: 200, body: { now: admin.clock.now(), iso: admin.clock.nowIso(), frozen: admin.clock.frozen } })),
		route('POST', `${A}/clock`, (c) => {
			const b = objectBody(c);
			// Freeze first, so `{set, freeze: true}` lands exactly on the instant set.
			if (b.freeze === true) admin.clock.freeze();
			if (b.set !== undefined) admin.clock.set(b.set as string | number);
			if (b.advance !== undefined) admin.clock.advance(Number(b.advance));
			if (b.freeze === false) admin.clock.unfreeze();
			return { status: 200, body: { now: admin.clock.now(), iso: admin.clock.nowIso(), frozen: admin.clock.frozen } };
		}),
		route('GET', `${A}/requests`, () => ({ status: 200, body: admin.requests() })),
		route('GET', `${A}/deliveries`, () => ({ status: 200, body: admin.deliveries() })),
		route('GET', `${A}/sent`, () => ({ status: 200, body: admin.closeActivities.sent })),
		route('DELETE', `${A}/logs`, () => {
			admin.clearLogs();
			return { status: 200, body: { ok: true } };
		}),
		route('GET', `${A}/instances`, () => ({ status: 200, body: admin.instances() })),
		route('POST', `${A}/instances`, (c) => ({ status: 200, body: admin.createInstance(objectBody(c) as CreateInstanceInput) })),
		route('GET', `${A}/webhooks`, () => ({ status: 200, body: admin.webhooks() })),
		route('POST', `${A}/webhooks/:id/legacy`, (c) => {
			admin.setLegacyFormat(c.params[0], objectBody(c).legacy !== false);
			return { status: 200, body: { ok: true } };
		}),
		route('POST', `${A}/before-next`, (c) => {
			const b = objectBody(c);
			const path = typeof b.pathRegex === 'string' ? new RegExp(b.pathRegex) : str(b.path);
			if (!path) throw new HttpError(400, 'before-next needs path (prefix) or pathRegex');
			if (!b.action || typeof b.action !== 'object') throw new HttpError(400, 'before-next needs an action {op, ...}');
			const action = b.action as Record<string, unknown>;
			admin.beforeNext({ method: str(b.method), path }, () => {
				runAction(action);
			});
			return { status: 200, body: { ok: true } };
		}),
		route('POST', `${A}/poller/:id/run`, async (c) => {
			await admin.runPoller(Number(c.params[0]));
			return { status: 200, body: { ok: true } };
		}),
		route('GET', `${A}/stats`, () => ({
			status: 200,
			body: Object.fromEntries((['lead', 'contact', 'opportunity', 'task'] as const).map((t) => [t, store.tables[t].sorted.length])),
		})),
	];
}
