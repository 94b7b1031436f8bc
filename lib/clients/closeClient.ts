// Client core for Close's own API (webhook subscriptions, event log). No n8n import: it takes a
// RequestFn that adds Basic auth with the API key (the credential's authenticate() in n8n).
// Non-2xx answers throw ApiError.

import type { HttpRequest, HttpResponse, QueryValue, RequestFn } from './http';
import { ClientError, apiErrorFrom, isSuccess } from './errors';
import type { ApiError } from './errors';
import type { ClientOptions } from './openConnectorsClient';

export const DEFAULT_CLOSE_BASE_URL = 'https://api.close.com/api/v1';

export interface CloseWebhookEvent {
	object_type: string;
	action: string;
	extra_filter?: unknown;
}

export interface CloseWebhook {
	id: string;
	url: string;
	events: CloseWebhookEvent[];
	status?: 'active' | 'paused' | string;
	signature_key?: string;
	verify_ssl?: boolean;
	[key: string]: unknown;
}

export interface CreateWebhookBody {
	url: string;
	events: CloseWebhookEvent[];
	verify_ssl?: boolean;
}

export interface WebhookPatch {
	url?: string;
	events?: CloseWebhookEvent[];
	status?: 'active' | 'paused';
	verify_ssl?: boolean;
}

export interface CloseEvent {
	id: string;
	object_type: string;
	object_id: string;
	action: string;
	lead_id?: string | null;
	date_created?: string;
	date_updated?: string;
	data?: Record<string, unknown> | null;
	previous_data?: Record<string, unknown> | null;
	changed_fields?: string[];
	meta?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface CloseStatus {
	id: string;
	label: string;
	/** Opportunity statuses: active, won or lost. */
	type?: string;
	[key: string]: unknown;
}

export interface ListEventsParams {
	date_updated__gt?: string;
	date_updated__gte?: string;
	date_updated__lt?: string;
	date_updated__lte?: string;
	object_type?: string;
	object_id?: string;
	action?: string;
	lead_id?: string;
	user_id?: string;
	request_id?: string;
	_limit?: number;
	_cursor?: string;
}

export interface EventPage {
	data: CloseEvent[];
	cursor_next: string | null;
	cursor_previous?: string | null;
}

const MAX_PAGES = 10000;
const WEBHOOK_PAGE_SIZE = 100;

function validId(id: string): string {
	const text = String(id).trim();
	if (text === '' || /[/?#]/.test(text)) throw new ClientError(`"${text}" is not a valid Close id`);
	return encodeURIComponent(text);
}

export class CloseClient {
	readonly baseUrl: string;

	constructor(
		private readonly request: RequestFn,
		baseUrl: string = DEFAULT_CLOSE_BASE_URL,
		private readonly options: ClientOptions = {},
	) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
	}

	private async send(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<HttpResponse> {
		const { path, ...rest } = req;
		return await this.request({ ...rest, url: `${this.baseUrl}${path}` });
	}

	private fail(response: HttpResponse): ApiError {
		return apiErrorFrom(response, 'close', this.options.secrets ?? []);
	}

	private async call<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T> {
		const response = await this.send(req);
		if (!isSuccess(response)) throw this.fail(response);
		return response.body as T;
	}

	async createWebhook(body: CreateWebhookBody): Promise<CloseWebhook> {
		return await this.call<CloseWebhook>({ method: 'POST', path: '/webhook/', body });
	}

	/** Every subscription of the organization (all pages). */
	async listWebhooks(): Promise<CloseWebhook[]> {
		const out: CloseWebhook[] = [];
		let skip = 0;
		let cursor: string | undefined;
		for (let page = 0; page < MAX_PAGES; page++) {
			const qs: Record<string, QueryValue> = { _limit: WEBHOOK_PAGE_SIZE };
			if (cursor) qs._cursor = cursor;
			else if (skip) qs._skip = skip;
			const body = await this.call<{ data?: CloseWebhook[]; has_more?: boolean; cursor_next?: string | null }>({
				method: 'GET',
				path: '/webhook/',
				qs,
			});
			const data = Array.isArray(body?.data) ? body.data : [];
			out.push(...data);
			if (data.length === 0) break;
			if (body.cursor_next) {
				if (body.cursor_next === cursor) break;
				cursor = body.cursor_next;
				continue;
			}
			if (!body.has_more) break;
			skip += data.length;
		}
		return out;
	}

	/** null when the subscription does not exist (404). */
	async getWebhook(id: string): Promise<CloseWebhook | null> {
		const response = await this.send({ method: 'GET', path: `/webhook/${validId(id)}/` });
		if (response.statusCode === 404) return null;
		if (!isSuccess(response)) throw this.fail(response);
		return response.body as CloseWebhook;
	}

	/** PUT is partial on Close (`status: "paused"` alone pauses it). */
	async updateWebhook(id: string, patch: WebhookPatch): Promise<CloseWebhook> {
		return await this.call<CloseWebhook>({ method: 'PUT', path: `/webhook/${validId(id)}/`, body: patch });
	}

	/** true when deleted, false when it was already gone (404). */
	async deleteWebhook(id: string): Promise<boolean> {
		const response = await this.send({ method: 'DELETE', path: `/webhook/${validId(id)}/` });
		if (response.statusCode === 404) return false;
		if (!isSuccess(response)) throw this.fail(response);
		return true;
	}

	/** The organization's lead or opportunity statuses (`GET /status/<kind>/`, one page: Close does not page them). */
	async listStatuses(kind: 'lead' | 'opportunity'): Promise<CloseStatus[]> {
		const body = await this.call<{ data?: CloseStatus[] }>({ method: 'GET', path: `/status/${kind}/` });
		return Array.isArray(body?.data) ? body.data : [];
	}

	/**
	 * One page of the event log, newest first; page on with `_cursor: cursor_next` and the same
	 * filters. Close answers only some filter combinations (e.g. object_type + action, not
	 * object_type alone) and no `_skip`: lib/polling/eventLogReader.ts reads it that way.
	 */
	async listEvents(params: ListEventsParams = {}): Promise<EventPage> {
		const qs: Record<string, QueryValue> = {};
		for (const [key, value] of Object.entries(params)) {
			if (value !== undefined && value !== null && value !== '') qs[key] = value as QueryValue;
		}
		const body = await this.call<Partial<EventPage>>({ method: 'GET', path: '/event/', qs });
		return {
			data: Array.isArray(body?.data) ? body.data : [],
			cursor_next: body?.cursor_next ?? null,
			cursor_previous: body?.cursor_previous ?? null,
		};
	}
}
