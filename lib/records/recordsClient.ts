// Client core for Close records: the CRM hub of one Open Connectors instance for the records'
// CRUD (`/hubs/crm/accounts|contacts|opportunities|tasks`, `accounts/{id}/notes`), and Close's
// own API where the hub has no route (merge, search, statuses, users, custom fields, reading
// notes). No n8n import: it takes a RequestFn (the credential adds every secret). Non-2xx
// answers throw ApiError.

import type { HttpRequest, HttpResponse, QueryValue, RequestFn } from '../clients/http';
import { header, quiet } from '../clients/http';
import type { ApiError } from '../clients/errors';
import { ClientError, apiErrorFrom, isSuccess } from '../clients/errors';
import { markScreened } from '../clients/secretScreen';
import type { QueryFormFinding } from './queryForm';

export type RecordResource = 'lead' | 'contact' | 'opportunity' | 'task' | 'note';
export type HubResource = Exclude<RecordResource, 'note'>;

/** The hub calls Close leads `accounts`. */
export const HUB_RESOURCE: Record<HubResource, string> = {
	lead: 'accounts',
	contact: 'contacts',
	opportunity: 'opportunities',
	task: 'tasks',
};

export type CloseRecord = Record<string, unknown> & { id?: string };

export interface ListOptions {
	/** CEQL for the hub's `where`. */
	where?: string;
	/** Stop after this many records; undefined = every record. */
	limit?: number;
	/** Records per hub page. Default 200. */
	pageSize?: number;
}

export interface RecordsClientOptions {
	ocBaseUrl: string;
	closeBaseUrl: string;
	/** The instance token; the request function folds it into the Authorization header. */
	elementToken: string;
	secrets?: readonly string[];
	/** What the platform's where takes, as getAll found out (shared by the execution's clients). */
	queryForm?: QueryFormFinding;
}

export interface SearchPage {
	data: CloseRecord[];
	cursor: string | null;
}

/** The closeio instance's `pagination.max` (seed): a page never holds more, so asking more is pointless. */
export const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGES = 100000;

function validId(id: string, what: string): string {
	const text = String(id ?? '').trim();
	if (text === '') throw new ClientError(`${what}: an ID is required`);
	if (/[/?#\s]/.test(text)) throw new ClientError(`${what}: "${text}" is not a valid Close ID`);
	return encodeURIComponent(text);
}

export class RecordsClient {
	private readonly ocBase: string;
	private readonly closeBase: string;

	constructor(
		private readonly request: RequestFn,
		private readonly options: RecordsClientOptions,
	) {
		this.ocBase = options.ocBaseUrl.replace(/\/+$/, '');
		this.closeBase = options.closeBaseUrl.replace(/\/+$/, '');
	}

	get queryForm(): QueryFormFinding | undefined {
		return this.options.queryForm;
	}

	private fail(response: HttpResponse, service: 'openConnectors' | 'close'): ApiError {
		return apiErrorFrom(response, service, this.options.secrets ?? []);
	}

	private async hub<T>(req: Omit<HttpRequest, 'url' | 'elementToken'> & { path: string }): Promise<HttpResponse<T>> {
		const { path, ...rest } = req;
		const response = await this.request({
			...rest,
			url: `${this.ocBase}/hubs/crm/${path}`,
			elementToken: this.options.elementToken,
		});
		if (!isSuccess(response)) throw this.fail(response, 'openConnectors');
		return response as HttpResponse<T>;
	}

	private async close<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T> {
		const { path, ...rest } = req;
		const response = await this.request({ ...rest, url: `${this.closeBase}${path}` });
		if (!isSuccess(response)) throw this.fail(response, 'close');
		return response.body as T;
	}

	/** Close's own API, for the cores built on it (closeActivities.ts); non-2xx throws ApiError. */
	async callClose<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T> {
		return await this.close<T>(req);
	}

	// ---- records through the hub ----

	async create(resource: HubResource, body: Record<string, unknown>): Promise<CloseRecord> {
		return (await this.hub<CloseRecord>({ method: 'POST', path: HUB_RESOURCE[resource], body })).body;
	}

	async get(resource: HubResource, id: string): Promise<CloseRecord> {
		const path = `${HUB_RESOURCE[resource]}/${validId(id, resource)}`;
		return (await this.hub<CloseRecord>({ method: 'GET', path })).body;
	}

	/** PATCH: a partial update, as the hub documents for every resource. */
	async update(resource: HubResource, id: string, body: Record<string, unknown>): Promise<CloseRecord> {
		const path = `${HUB_RESOURCE[resource]}/${validId(id, resource)}`;
		return (await this.hub<CloseRecord>({ method: 'PATCH', path, body })).body;
	}

	async delete(resource: HubResource, id: string): Promise<void> {
		await this.hub({ method: 'DELETE', path: `${HUB_RESOURCE[resource]}/${validId(id, resource)}` });
	}

	/**
	 * Hub records, page after page. The first page asks for the total (`returnCount`), so a walk
	 * that has every record stops without the extra empty page; without the header it stops on an
	 * empty page or a missing / repeated token (the token comes even when the next page is empty).
	 * Handed over a page at a time: one await per page, not per record (10k records are common).
	 */
	async *pages(resource: HubResource, options: ListOptions = {}): AsyncGenerator<CloseRecord[]> {
		const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
		// Without a Limit the next page is asked for before this one is handed out: its token came
		// with this page, and the platform's time and the caller's then overlap.
		const readAhead = options.limit === undefined;
		const ask = (nextPage: string | undefined, wanted: number) => {
			const qs: Record<string, QueryValue> = { pageSize: wanted };
			if (options.where) qs.where = options.where;
			if (nextPage) qs.nextPage = nextPage;
			else qs.returnCount = true;
			// The caller may stop before it wants the page asked for ahead.
			return quiet(this.hub<unknown>({ method: 'GET', path: HUB_RESOURCE[resource], qs }));
		};
		let seen = 0;
		let total: number | undefined;
		let nextPage: string | undefined;
		let wanted = options.limit === undefined ? pageSize : Math.min(pageSize, options.limit);
		if (wanted <= 0) return;
		let pending: Promise<HttpResponse<unknown>> | undefined = ask(undefined, wanted);
		for (let page = 0; page < MAX_PAGES && pending; page++) {
			const response = await pending;
			pending = undefined;
			const records = Array.isArray(response.body) ? (response.body as CloseRecord[]) : [];
			if (page === 0) {
				const count = Number(header(response, 'elements-total-count'));
				if (header(response, 'elements-total-count') !== undefined && Number.isFinite(count)) total = count;
			}
			const token = header(response, 'elements-next-page-token');
			const more =
				records.length > 0 && !!token && token !== nextPage && !(total !== undefined && seen + records.length >= total);
			nextPage = token;
			if (more && readAhead && page + 1 < MAX_PAGES) pending = ask(nextPage, pageSize);
			const room = options.limit === undefined ? records.length : options.limit - seen;
			const handed = room < records.length ? records.slice(0, room) : records;
			if (response.screened !== undefined) markScreened(handed, response.screened);
			seen += handed.length;
			yield handed;
			if (options.limit !== undefined && seen >= options.limit) return;
			if (!more || page + 1 >= MAX_PAGES) return;
			wanted = options.limit === undefined ? pageSize : Math.min(pageSize, options.limit - seen);
			if (wanted <= 0) return;
			pending ??= ask(nextPage, wanted);
		}
	}

	/** One hub page as asked (where, orderBy, paging): the portable getAll pages by itself. */
	async listPage(
		resource: HubResource,
		query: { where?: string; orderBy?: string; pageSize: number; nextPage?: string; returnCount?: boolean },
	): Promise<{ records: CloseRecord[]; nextPage?: string; total?: number }> {
		const qs: Record<string, QueryValue> = { pageSize: query.pageSize };
		if (query.where) qs.where = query.where;
		if (query.orderBy) qs.orderBy = query.orderBy;
		if (query.nextPage) qs.nextPage = query.nextPage;
		if (query.returnCount) qs.returnCount = true;
		const response = await this.hub<unknown>({ method: 'GET', path: HUB_RESOURCE[resource], qs });
		const records = Array.isArray(response.body) ? (response.body as CloseRecord[]) : [];
		if (response.screened !== undefined) markScreened(records, response.screened);
		const count = header(response, 'elements-total-count');
		const total = count !== undefined && Number.isFinite(Number(count)) ? Number(count) : undefined;
		return { records, nextPage: header(response, 'elements-next-page-token'), total };
	}

	async list(resource: HubResource, options: ListOptions = {}): Promise<CloseRecord[]> {
		const out: CloseRecord[] = [];
		for await (const page of this.pages(resource, options)) for (const record of page) out.push(record);
		return out;
	}

	// ---- notes: created, changed and deleted through the hub, read from Close ----

	async createNote(leadId: string, body: Record<string, unknown>): Promise<CloseRecord> {
		const path = `accounts/${validId(leadId, 'lead')}/notes`;
		return (await this.hub<CloseRecord>({ method: 'POST', path, body })).body;
	}

	async updateNote(leadId: string, noteId: string, body: Record<string, unknown>): Promise<CloseRecord> {
		const path = `accounts/${validId(leadId, 'lead')}/notes/${validId(noteId, 'note')}`;
		return (await this.hub<CloseRecord>({ method: 'PATCH', path, body })).body;
	}

	async deleteNote(leadId: string, noteId: string): Promise<void> {
		await this.hub({ method: 'DELETE', path: `accounts/${validId(leadId, 'lead')}/notes/${validId(noteId, 'note')}` });
	}

	async getNote(noteId: string): Promise<CloseRecord> {
		return await this.close<CloseRecord>({ method: 'GET', path: `/activity/note/${validId(noteId, 'note')}/` });
	}

	/** Notes, newest first, of one lead or of the organization (Close pages by _skip/_limit). */
	async listNotes(options: { leadId?: string; limit?: number; pageSize?: number } = {}): Promise<CloseRecord[]> {
		const pageSize = Math.min(options.pageSize ?? 100, 100);
		const out: CloseRecord[] = [];
		for (let page = 0; page < MAX_PAGES; page++) {
			const wanted = options.limit === undefined ? pageSize : Math.min(pageSize, options.limit - out.length);
			if (wanted <= 0) break;
			const qs: Record<string, QueryValue> = { _skip: out.length, _limit: wanted };
			if (options.leadId) qs.lead_id = options.leadId;
			const body = await this.close<{ data?: CloseRecord[]; has_more?: boolean }>({ method: 'GET', path: '/activity/note/', qs });
			const data = Array.isArray(body?.data) ? body.data : [];
			out.push(...data);
			if (data.length === 0 || !body.has_more) break;
		}
		return out;
	}

	// ---- Close's own API ----

	/** POST /lead/merge/: the source lead is merged into (and deleted in favour of) the destination. */
	async mergeLeads(source: string, destination: string): Promise<void> {
		validId(source, 'source lead');
		validId(destination, 'destination lead');
		await this.close({ method: 'POST', path: '/lead/merge/', body: { source, destination } });
	}

	async getLeadDirect(id: string): Promise<CloseRecord> {
		return await this.close<CloseRecord>({ method: 'GET', path: `/lead/${validId(id, 'lead')}/` });
	}

	/** One page of Close's advanced search (POST /data/search/). */
	async search(body: Record<string, unknown>): Promise<SearchPage> {
		const result = await this.close<Partial<SearchPage>>({ method: 'POST', path: '/data/search/', body });
		return { data: Array.isArray(result?.data) ? result.data : [], cursor: result?.cursor ?? null };
	}

	/** Every page of a search, up to `max` hits. */
	async searchAll(body: Record<string, unknown>, max: number): Promise<CloseRecord[]> {
		const out: CloseRecord[] = [];
		let cursor: string | null = null;
		for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
			const result: SearchPage = await this.search(cursor ? { ...body, cursor } : body);
			out.push(...result.data);
			if (!result.cursor || result.cursor === cursor) break;
			cursor = result.cursor;
		}
		return out.slice(0, max);
	}

	/** A `{data, has_more}` list of Close, every page (`_skip` / `_limit`); `paged: false` for a list the reference gives no paging (one answer). */
	async listClose(path: string, options: { paged?: boolean } = {}): Promise<CloseRecord[]> {
		if (options.paged === false) {
			const body = await this.close<{ data?: CloseRecord[] }>({ method: 'GET', path });
			return Array.isArray(body?.data) ? body.data : [];
		}
		const out: CloseRecord[] = [];
		for (let page = 0; page < MAX_PAGES; page++) {
			const body = await this.close<{ data?: CloseRecord[]; has_more?: boolean }>({
				method: 'GET',
				path,
				qs: { _skip: out.length, _limit: 100 },
			});
			const data = Array.isArray(body?.data) ? body.data : [];
			out.push(...data);
			if (data.length === 0 || !body.has_more) break;
		}
		return out;
	}
}

/** Close's own API only (no instance): what the editor's lists need. */
export function closeOnly(request: RequestFn, closeBaseUrl: string, secrets: readonly string[] = []): RecordsClient {
	return new RecordsClient(request, { ocBaseUrl: '', closeBaseUrl, elementToken: '', secrets });
}
