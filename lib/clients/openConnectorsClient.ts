// Client core for the SAP Open Connectors platform API (instances, events URL, CRM hub lists).
// No n8n import: it takes a RequestFn, which adds the `User ..., Organization ...[, Element ...]`
// authorization (the credential's authenticate() in n8n). Non-2xx answers throw ApiError.

import type { HttpRequest, HttpResponse, QueryValue, RequestFn } from './http';
import { header } from './http';
import { ApiError, ClientError, apiErrorFrom, isSuccess } from './errors';

export const CLOSEIO_ELEMENT_KEY = 'closeio';

export interface OcInstance {
	id: number;
	name?: string;
	token?: string;
	element?: { id?: number; key?: string; name?: string; hub?: string; [key: string]: unknown };
	configuration?: Record<string, unknown>;
	tags?: string[];
	valid?: boolean;
	disabled?: boolean;
	eventsEnabled?: boolean;
	[key: string]: unknown;
}

export interface CreateInstanceBody {
	name: string;
	configuration: Record<string, unknown>;
	tags?: string[];
	/** Defaults to closeio. */
	elementKey?: string;
	[key: string]: unknown;
}

export interface InstancePatch {
	name?: string;
	tags?: string[];
	configuration?: Record<string, unknown>;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface ListInstancesOptions {
	tags?: string[];
	/** Only instances of this element (default `closeio`); `null` for all. */
	elementKey?: string | null;
	/** `false` asks for the lighter list. Default: not sent. */
	hydrate?: boolean;
	/** Stop after this many matching instances. */
	limit?: number;
	/** Page size when the server pages the list. */
	pageSize?: number;
}

export interface HubListOptions {
	where?: string;
	orderBy?: string;
	pageSize?: number;
	nextPage?: string;
	fields?: string;
	/** Asks for `elements-total-count` (the number of records matching `where`). */
	returnCount?: boolean;
	/** The instance token: the request function folds it into the Authorization header. */
	elementToken: string;
	/** Further query parameters. */
	qs?: Record<string, QueryValue>;
}

export interface HubPage<T = Record<string, unknown>> {
	records: T[];
	/** Opaque `elements-next-page-token`; present even when the next page is empty. */
	nextPage?: string;
	returnedCount?: number;
	/** `elements-total-count`, when asked for with `returnCount` and sent. */
	totalCount?: number;
	requestId?: string;
}

export interface ClientOptions {
	/** Values scrubbed from every error message (the credential's secrets). */
	secrets?: readonly string[];
}

/** Safety net for lists whose server ignores our paging: never walk more pages than this. */
const MAX_PAGES = 10000;

function trimBase(url: string): string {
	return url.replace(/\/+$/, '');
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) of an ASCII text; no Buffer, so the core needs no node types. */
export function base64Ascii(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i += 3) {
		const a = text.charCodeAt(i);
		const b = i + 1 < text.length ? text.charCodeAt(i + 1) : NaN;
		const c = i + 2 < text.length ? text.charCodeAt(i + 2) : NaN;
		const triple = (a << 16) | ((Number.isNaN(b) ? 0 : b) << 8) | (Number.isNaN(c) ? 0 : c);
		out += BASE64[(triple >> 18) & 63] + BASE64[(triple >> 12) & 63];
		out += Number.isNaN(b) ? '=' : BASE64[(triple >> 6) & 63];
		out += Number.isNaN(c) ? '=' : BASE64[triple & 63];
	}
	return out;
}

export function instanceIdString(id: number | string): string {
	const text = String(id).trim();
	if (!/^\d+$/.test(text)) throw new ClientError(`"${text}" is not a valid instance ID (digits only)`);
	return text;
}

export class OpenConnectorsClient {
	readonly baseUrl: string;

	constructor(
		private readonly request: RequestFn,
		baseUrl: string,
		private readonly options: ClientOptions = {},
	) {
		this.baseUrl = trimBase(baseUrl);
	}

	private async send(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<HttpResponse> {
		const { path, ...rest } = req;
		return await this.request({ ...rest, url: `${this.baseUrl}${path}` });
	}

	private fail(response: HttpResponse): ApiError {
		return apiErrorFrom(response, 'openConnectors', this.options.secrets ?? []);
	}

	private async call<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T> {
		const response = await this.send(req);
		if (!isSuccess(response)) throw this.fail(response);
		return response.body as T;
	}

	/** Every instance (of `closeio` unless told otherwise), following pages if the server pages. */
	async listInstances(options: ListInstancesOptions = {}): Promise<OcInstance[]> {
		const out: OcInstance[] = [];
		for await (const instance of this.iterateInstances(options)) {
			out.push(instance);
			if (options.limit !== undefined && out.length >= options.limit) break;
		}
		return out;
	}

	async *iterateInstances(options: ListInstancesOptions = {}): AsyncGenerator<OcInstance> {
		const elementKey = options.elementKey === undefined ? CLOSEIO_ELEMENT_KEY : options.elementKey;
		const qs: Record<string, QueryValue> = {};
		if (options.tags && options.tags.length) qs['tags[]'] = options.tags;
		if (options.hydrate !== undefined) qs.hydrate = options.hydrate;
		if (options.pageSize !== undefined) qs.pageSize = options.pageSize;
		let nextPage: string | undefined;
		const seen = new Set<string>();
		for (let page = 0; page < MAX_PAGES; page++) {
			const response = await this.send({
				method: 'GET',
				path: '/instances',
				qs: nextPage ? { ...qs, nextPage } : qs,
			});
			if (!isSuccess(response)) throw this.fail(response);
			const records = Array.isArray(response.body) ? (response.body as OcInstance[]) : [];
			for (const instance of records) {
				const key = instance?.element?.key;
				if (elementKey !== null && key !== undefined && key !== elementKey) continue;
				yield instance;
			}
			nextPage = header(response, 'elements-next-page-token');
			// The platform documents no paging for /instances; follow the hub's convention when a
			// server sends it, and stop on an empty page or a token seen before.
			if (!nextPage || records.length === 0 || seen.has(nextPage)) return;
			seen.add(nextPage);
		}
	}

	async getInstance(id: number | string): Promise<OcInstance> {
		return await this.call<OcInstance>({ method: 'GET', path: `/instances/${instanceIdString(id)}` });
	}

	async createInstance(body: CreateInstanceBody): Promise<OcInstance> {
		const { elementKey, ...rest } = body;
		return await this.call<OcInstance>({
			method: 'POST',
			path: '/instances',
			body: { ...rest, element: { key: elementKey ?? CLOSEIO_ELEMENT_KEY } },
		});
	}

	/** PATCH: a partial update; `tags` replaces the whole list. */
	async updateInstance(id: number | string, patch: InstancePatch): Promise<OcInstance> {
		return await this.call<OcInstance>({
			method: 'PATCH',
			path: `/instances/${instanceIdString(id)}`,
			body: patch,
		});
	}

	/** true when deleted, false when it did not exist and `tolerateNotFound` is set. */
	async deleteInstance(id: number | string, options: { tolerateNotFound?: boolean } = {}): Promise<boolean> {
		const response = await this.send({ method: 'DELETE', path: `/instances/${instanceIdString(id)}` });
		if (response.statusCode === 404 && options.tolerateNotFound) return false;
		if (!isSuccess(response)) throw this.fail(response);
		return true;
	}

	/** The instance token, needed for hub calls (`Element <token>`). */
	async getInstanceToken(id: number | string): Promise<string> {
		const instance = await this.getInstance(id);
		const token = instance.token;
		if (typeof token !== 'string' || token === '' || /^\*+$/.test(token)) {
			throw new ClientError(`Open Connectors returned no token for instance ${instanceIdString(id)}`);
		}
		return token;
	}

	/** Where Close must POST webhooks for this instance: base64 of the decimal id. */
	eventsUrl(id: number | string): string {
		return `${this.baseUrl}/events/${CLOSEIO_ELEMENT_KEY}/${base64Ascii(instanceIdString(id))}`;
	}

	async listHubPage<T = Record<string, unknown>>(resource: string, options: HubListOptions): Promise<HubPage<T>> {
		const qs: Record<string, QueryValue> = { ...(options.qs ?? {}) };
		if (options.where !== undefined) qs.where = options.where;
		if (options.orderBy !== undefined) qs.orderBy = options.orderBy;
		if (options.pageSize !== undefined) qs.pageSize = options.pageSize;
		if (options.nextPage !== undefined) qs.nextPage = options.nextPage;
		if (options.fields !== undefined) qs.fields = options.fields;
		if (options.returnCount) qs.returnCount = 'true';
		const response = await this.send({
			method: 'GET',
			path: `/hubs/crm/${resource.replace(/^\/+/, '')}`,
			qs,
			elementToken: options.elementToken,
		});
		if (!isSuccess(response)) throw this.fail(response);
		const body = response.body;
		const records = Array.isArray(body) ? (body as T[]) : [];
		const count = header(response, 'elements-returned-count');
		const nextPage = header(response, 'elements-next-page-token');
		const total = header(response, 'elements-total-count');
		return {
			records,
			nextPage: nextPage === undefined || nextPage === '' ? undefined : nextPage,
			returnedCount: count === undefined || Number.isNaN(Number(count)) ? undefined : Number(count),
			totalCount: total === undefined || total === '' || Number.isNaN(Number(total)) ? undefined : Number(total),
			requestId: header(response, 'elements-request-id'),
		};
	}

	/** Every record, page after page, until an empty page (the token is sent even then). */
	async *listHubAll<T = Record<string, unknown>>(
		resource: string,
		options: Omit<HubListOptions, 'nextPage'>,
	): AsyncGenerator<T> {
		let nextPage: string | undefined;
		for (let page = 0; page < MAX_PAGES; page++) {
			const result: HubPage<T> = await this.listHubPage<T>(resource, { ...options, nextPage });
			for (const record of result.records) yield record;
			if (result.records.length === 0 || !result.nextPage || result.nextPage === nextPage) return;
			nextPage = result.nextPage;
		}
	}
}
