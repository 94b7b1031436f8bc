// The editor's lists for activities, sequences, custom activities and Smart Views, loaded from
// Close with the credential's key.

import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { emailSenders, encodeSender } from '../../../lib/records/closeActivities';
import type { CloseRecord } from '../../../lib/records/recordsClient';
import { toNodeApiError } from '../../shared/errors';
import { closeClientFor } from '../transport';

async function fromClose<T>(ctx: ILoadOptionsFunctions, read: (records: CloseRecord[]) => T, path: string, options: { paged?: boolean } = {}): Promise<T> {
	const { client, secrets } = await closeClientFor(ctx);
	try {
		return read(await client.listClose(path, options));
	} catch (error) {
		throw toNodeApiError(ctx.getNode(), error, { secrets });
	}
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);
const named = (record: CloseRecord): INodePropertyOptions => ({ name: String(record.name ?? record.id), value: String(record.id) });

/** Email or SMS templates, as the activity type asks (archived ones left out). */
export async function getTemplates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const sms = this.getCurrentNodeParameter('activityType') === 'sms';
	return await fromClose(
		this,
		(records) =>
			records
				.filter((t) => t.is_archived !== true)
				.map((t) => ({ ...named(t), description: sms ? String(t.text ?? '') : String(t.subject ?? '') }))
				.sort(byName),
		sms ? '/sms_template/' : '/email_template/',
	);
}

/** Email: the identities of Close's connected accounts; SMS: the organization's phone numbers. */
export async function getSenders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	if (this.getCurrentNodeParameter('activityType') === 'sms') {
		return await fromClose(
			this,
			(numbers) => numbers.map((n) => ({ name: `${String(n.number)}${n.label ? ` (${String(n.label)})` : ''}`, value: String(n.number) })),
			'/phone_number/',
		);
	}
	return await getEmailSenders.call(this);
}

export async function getEmailSenders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromClose(
		this,
		(accounts) => emailSenders(accounts).map((s) => ({ name: s.name ? `${s.name} <${s.email}>` : s.email, value: encodeSender(s) })),
		// Close's reference gives this list no _skip / _limit: asked once, as documented
		'/connected_account/',
		{ paged: false },
	);
}

/** Call outcomes of the organization (those that apply to calls). */
export async function getCallOutcomes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromClose(
		this,
		(records) =>
			records
				.filter((o) => !Array.isArray(o.applies_to) || o.applies_to.includes('calls'))
				.map((o) => ({ ...named(o), description: typeof o.description === 'string' ? o.description : undefined }))
				.sort(byName),
		'/outcome/',
	);
}

export async function getSequences(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromClose(this, (records) => records.map((s) => ({ ...named(s), description: s.status ? `Status: ${String(s.status)}` : undefined })).sort(byName), '/sequence/');
}

export async function getCustomActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromClose(
		this,
		(records) => records.filter((t) => t.is_archived !== true).map((t) => ({ ...named(t), description: typeof t.description === 'string' ? t.description : undefined })).sort(byName),
		'/custom_activity/',
	);
}

export async function getSmartViews(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromClose(this, (records) => records.filter((v) => v.type === undefined || v.type === 'lead').map(named).sort(byName), '/saved_search/');
}

/** Contacts whose name starts with what the user typed, newest first, 50 a page. */
export async function searchCloseContacts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { client, secrets } = await closeClientFor(this);
	const queries: Array<Record<string, unknown>> = [{ type: 'object_type', object_type: 'contact' }];
	const text = (filter ?? '').trim();
	if (text) {
		queries.push({ type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'name' }, condition: { type: 'text', mode: 'beginning_of_words', value: text } });
	}
	const body: Record<string, unknown> = { query: { type: 'and', queries }, _fields: { contact: ['id', 'name', 'display_name', 'lead_id'] }, _limit: 50 };
	if (paginationToken) body.cursor = paginationToken;
	try {
		const page = await client.search(body);
		const results: INodeListSearchItems[] = page.data.map((c) => ({
			name: String(c.display_name || c.name || c.id),
			value: String(c.id),
			url: typeof c.lead_id === 'string' ? `https://app.close.com/lead/${c.lead_id}/` : undefined,
		}));
		return { results, paginationToken: page.cursor ?? undefined };
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets });
	}
}
