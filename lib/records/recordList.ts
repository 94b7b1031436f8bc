// The editor's lists for contact, opportunity, task and note ids: one page of Close's list
// endpoint at a time (newest first, as Close lists them), named so a person can pick the record,
// and narrowed to what the user typed. Close's list endpoints take no text filter, so the page is
// filtered here; "load more" then asks for the next page.

import { apiErrorFrom, isSuccess } from '../clients/errors';
import type { RequestFn } from '../clients/http';

export type ListedObject = 'contact' | 'opportunity' | 'task' | 'note';

export const RECORD_LIST_PAGE = 100;

export const RECORD_LIST_PATHS: Record<ListedObject, string> = {
	contact: '/contact/',
	opportunity: '/opportunity/',
	task: '/task/',
	note: '/activity/note/',
};

export interface RecordListItem {
	name: string;
	value: string;
}

export interface RecordListPage {
	results: RecordListItem[];
	/** The `_skip` of the next page, when Close has more. */
	paginationToken?: string;
}

type Rec = Record<string, unknown>;

function text(value: unknown): string {
	return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

function short(value: string, max = 60): string {
	return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function firstEmail(rec: Rec): string {
	const emails = Array.isArray(rec.emails) ? (rec.emails as Rec[]) : [];
	return text(emails[0]?.email);
}

function withLead(label: string, rec: Rec): string {
	const lead = text(rec.lead_name);
	return lead ? `${label} (${lead})` : label;
}

/** The name the list shows for a record: what identifies it in Close's app. */
export function recordListName(object: ListedObject, rec: Rec): string {
	const id = text(rec.id);
	switch (object) {
		case 'contact': {
			const name = text(rec.name) || text(rec.display_name);
			const email = firstEmail(rec);
			if (name && email) return `${name} <${email}>`;
			return name || email || id;
		}
		case 'opportunity': {
			const parts = [text(rec.status_label), text(rec.value_formatted)].filter(Boolean);
			const label = text(rec.note) ? `${parts.join(' ')} ${short(text(rec.note), 40)}`.trim() : parts.join(' ');
			return withLead(label || id, rec);
		}
		case 'task':
			return withLead(short(text(rec.text)) || id, rec);
		case 'note':
			return withLead(short(text(rec.note)) || id, rec);
	}
}

/** Whether a record matches what the user typed (case-insensitive, in its name or its id). */
export function matchesFilter(item: RecordListItem, filter: string | undefined): boolean {
	const wanted = (filter ?? '').trim().toLowerCase();
	return !wanted || item.name.toLowerCase().includes(wanted) || item.value.toLowerCase() === wanted;
}

/** One page of the list. */
export async function listRecordPage(
	send: RequestFn,
	closeBaseUrl: string,
	object: ListedObject,
	options: { filter?: string; paginationToken?: string; secrets?: readonly string[] } = {},
): Promise<RecordListPage> {
	const skip = Math.max(0, Number.parseInt(options.paginationToken ?? '0', 10) || 0);
	const response = await send({
		method: 'GET',
		url: `${closeBaseUrl}${RECORD_LIST_PATHS[object]}`,
		qs: { _skip: skip, _limit: RECORD_LIST_PAGE },
	});
	if (!isSuccess(response)) throw apiErrorFrom(response, 'close', options.secrets ?? []);
	const body = (response.body ?? {}) as { data?: Rec[]; has_more?: boolean };
	const data = Array.isArray(body.data) ? body.data : [];
	const results = data
		.map((rec) => ({ name: recordListName(object, rec), value: text(rec.id) }))
		.filter((item) => item.value !== '' && matchesFilter(item, options.filter));
	return { results, paginationToken: body.has_more && data.length > 0 ? String(skip + data.length) : undefined };
}
