// Record actions beyond the plain object routes: custom field definitions and the validation
// Close applies to record writes (unknown custom field, missing lead name), users, and Close's
// /data/search/ query tree. Shared by the Close routes and the CRM hub's write routes.

import { closeId } from './ids';
import { CloseObjectType, CloseRecord, CloseStore, ORGANIZATION_ID, USER_ID } from './store';
import { formatCloseDate } from './time';
import { Clock } from './clock';
import { phoneSearchFinds } from './phones';

export type CustomFieldObject = 'lead' | 'contact' | 'opportunity';
export const CUSTOM_FIELD_OBJECTS: readonly CustomFieldObject[] = ['lead', 'contact', 'opportunity'];
const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'datetime', 'choices', 'user', 'hidden', 'contact'];

export interface CustomField {
	id: string;
	name: string;
	type: string;
	description: string | null;
	choices: string[] | null;
	accepts_multiple_values: boolean;
	editable_with_roles: string[];
	organization_id: string;
	created_by: string;
	updated_by: string;
	date_created: string;
	date_updated: string;
}

export interface SandboxUser {
	id: string;
	first_name: string;
	last_name: string;
	email: string;
	image: string;
	organizations: string[];
	date_created: string;
	date_updated: string;
}

export const USERS: readonly SandboxUser[] = [
	{
		id: USER_ID,
		first_name: 'Sandbox',
		last_name: 'User',
		email: 'sandbox.user@example.com',
		image: '',
		organizations: [ORGANIZATION_ID],
		date_created: '2024-01-01T00:00:00.000000+00:00',
		date_updated: '2024-01-01T00:00:00.000000+00:00',
	},
	{
		id: 'user_SandboxSecondUser00000001',
		first_name: 'Second',
		last_name: 'Rep',
		email: 'second.rep@example.com',
		image: '',
		organizations: [ORGANIZATION_ID],
		date_created: '2024-01-01T00:00:00.000000+00:00',
		date_updated: '2024-01-01T00:00:00.000000+00:00',
	},
];

/** A 400 in Close's shape: `errors` and `field-errors`. */
export class ValidationError extends Error {
	constructor(
		message: string,
		readonly fieldErrors: Record<string, string> = {},
	) {
		super(message);
	}
}

export class RecordRules {
	readonly customFields: Record<CustomFieldObject, Map<string, CustomField>> = {
		lead: new Map(),
		contact: new Map(),
		opportunity: new Map(),
	};

	constructor(private readonly clock: Clock) {}

	reset(): void {
		for (const o of CUSTOM_FIELD_OBJECTS) this.customFields[o].clear();
	}

	createCustomField(object: CustomFieldObject, body: Record<string, unknown>): CustomField {
		const fe: Record<string, string> = {};
		if (typeof body.name !== 'string' || body.name.trim() === '') fe.name = 'This field is required.';
		if (typeof body.type !== 'string' || !CUSTOM_FIELD_TYPES.includes(body.type)) fe.type = `"${String(body.type)}" is not a valid choice.`;
		if (Object.keys(fe).length) throw new ValidationError('Invalid custom field', fe);
		const now = formatCloseDate(this.clock.now());
		const field: CustomField = {
			id: closeId('cf'),
			name: String(body.name),
			type: String(body.type),
			description: typeof body.description === 'string' ? body.description : null,
			choices: Array.isArray(body.choices) ? body.choices.map(String) : null,
			accepts_multiple_values: body.accepts_multiple_values === true,
			editable_with_roles: [],
			organization_id: ORGANIZATION_ID,
			created_by: USER_ID,
			updated_by: USER_ID,
			date_created: now,
			date_updated: now,
		};
		this.customFields[object].set(field.id, field);
		return field;
	}

	/**
	 * Close's checks on a record write: custom values must name a field of that object
	 * (`custom.cf_...` keys, or the `custom` object). The CRM hub also refuses an account (lead)
	 * without a name (`requireLeadName`); Close's own API accepts a nameless lead.
	 * Returns the fields with `custom.cf_x` keys folded into the record's `custom` object.
	 */
	checkWrite(
		type: CloseObjectType,
		fields: Record<string, unknown>,
		previous: CloseRecord | undefined,
		options: { requireLeadName?: boolean } = {},
	): Record<string, unknown> {
		const fe: Record<string, string> = {};
		const out: Record<string, unknown> = {};
		const custom: Record<string, unknown> = { ...((previous?.custom as Record<string, unknown> | undefined) ?? {}) };
		let customTouched = false;
		const defs = (CUSTOM_FIELD_OBJECTS as readonly string[]).includes(type) ? this.customFields[type as CustomFieldObject] : undefined;
		const put = (key: string, id: string, value: unknown): void => {
			const def = defs?.get(id);
			if (!def) {
				fe[key] = `Unknown custom field ${id} for ${type}.`;
				return;
			}
			if (def.type === 'number' && value !== null && value !== '' && Number.isNaN(Number(value))) {
				fe[key] = 'Enter a number.';
				return;
			}
			if (def.type === 'choices' && value !== null && value !== '') {
				const values = Array.isArray(value) ? value : [value];
				const bad = values.filter((v) => !(def.choices ?? []).includes(String(v)));
				if (bad.length) {
					fe[key] = `"${bad.join('", "')}" is not a valid choice.`;
					return;
				}
			}
			customTouched = true;
			if (value === null || value === '') delete custom[id];
			else custom[id] = def.type === 'number' ? Number(value) : value;
		};
		for (const [k, v] of Object.entries(fields)) {
			const m = /^custom\.(.+)$/.exec(k);
			if (m) put(k, m[1], v);
			else if (k === 'custom' && v && typeof v === 'object' && !Array.isArray(v)) {
				for (const [id, value] of Object.entries(v as Record<string, unknown>)) put(`custom.${id}`, id, value);
			} else out[k] = v;
		}
		if (type === 'lead' && !previous && options.requireLeadName) {
			if (typeof out.name !== 'string' || out.name.trim() === '') fe.name = 'This field is required.';
		}
		if (type === 'lead' && previous && 'name' in out && (typeof out.name !== 'string' || out.name.trim() === '')) {
			fe.name = 'This field may not be blank.';
		}
		if (Object.keys(fe).length) throw new ValidationError(Object.values(fe)[0], fe);
		if (customTouched) out.custom = custom;
		return out;
	}
}

// ---- /data/search/ ----

type Query = Record<string, unknown>;

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).toLowerCase();
}

function matchesCondition(values: unknown[], condition: Query): boolean {
	const type = condition.type;
	if (type === 'text') {
		const wanted = text(condition.value).trim();
		const mode = condition.mode ?? 'full_words';
		return values.some((v) => {
			const have = text(v);
			if (mode === 'exact_value') return have === wanted;
			if (mode === 'beginning_of_words') return have.split(/[^a-z0-9@._+-]+/).some((w) => w.startsWith(wanted)) || have.startsWith(wanted);
			return have.includes(wanted);
		});
	}
	if (type === 'term') {
		const wanted = Array.isArray(condition.values) ? condition.values.map(text) : [];
		return values.some((v) => wanted.includes(text(v)));
	}
	throw new ValidationError(`Unsupported condition type ${String(type)}`, { query: `Unsupported condition type ${String(type)}` });
}

/** Field values a regular_field reads, per object type (contact_email and contact_phone are rows of a contact). */
function fieldValues(objectType: string, rec: Record<string, unknown>, field: string): unknown[] {
	if (objectType === 'contact_email') return field === 'email' ? [rec.email] : [];
	if (objectType === 'contact_phone') return field === 'phone' ? [rec.phone] : [];
	const v = rec[field];
	return Array.isArray(v) ? v : [v];
}

export class Search {
	constructor(private readonly store: CloseStore) {}

	private related(objectType: string, rec: Record<string, unknown>, relatedType: string): Array<Record<string, unknown>> {
		if (objectType === 'lead' && relatedType === 'contact') {
			return this.store.tables.contact.sorted.filter((e) => e.rec.lead_id === rec.id).map((e) => e.rec);
		}
		if (objectType === 'contact' && relatedType === 'contact_email') return (Array.isArray(rec.emails) ? rec.emails : []) as Array<Record<string, unknown>>;
		if (objectType === 'contact' && relatedType === 'contact_phone') return (Array.isArray(rec.phones) ? rec.phones : []) as Array<Record<string, unknown>>;
		if (objectType === 'contact' && relatedType === 'lead') {
			const lead = typeof rec.lead_id === 'string' ? this.store.get('lead', rec.lead_id) : undefined;
			return lead ? [lead] : [];
		}
		throw new ValidationError(`Unsupported relation ${objectType} -> ${relatedType}`, { query: 'Unsupported relation' });
	}

	private test(q: Query, objectType: string, rec: Record<string, unknown>): boolean {
		switch (q.type) {
			case 'and':
				return (Array.isArray(q.queries) ? q.queries : []).every((s) => this.test(s as Query, objectType, rec));
			case 'or':
				return (Array.isArray(q.queries) ? q.queries : []).some((s) => this.test(s as Query, objectType, rec));
			case 'not':
				return !this.test(q.query as Query, objectType, rec);
			case 'object_type':
				return q.object_type === objectType;
			case 'field_condition': {
				const field = (q.field ?? {}) as Query;
				if (field.type !== 'regular_field' && field.type !== 'custom_field') throw new ValidationError('Unsupported field type', { query: 'Unsupported field type' });
				if (field.object_type !== undefined && field.object_type !== objectType) return false;
				const values =
					field.type === 'custom_field'
						? [((rec.custom ?? {}) as Record<string, unknown>)[String(field.custom_field_id)]]
						: fieldValues(objectType, rec, String(field.field_name));
				const condition = (q.condition ?? {}) as Query;
				// Close stores phones as one E.164 word: sandbox/phones.ts says what a search finds.
				if (objectType === 'contact_phone' && condition.type === 'text') return values.some((v) => phoneSearchFinds(v, condition.value));
				return matchesCondition(values, condition);
			}
			case 'has_related': {
				if (q.this_object_type !== undefined && q.this_object_type !== objectType) return false;
				const relatedType = String(q.related_object_type);
				const sub = (q.related_query ?? { type: 'and', queries: [] }) as Query;
				return this.related(objectType, rec, relatedType).some((r) => this.test(sub, relatedType, r));
			}
			default:
				throw new ValidationError(`Unsupported query type ${String(q.type)}`, { query: `Unsupported query type ${String(q.type)}` });
		}
	}

	/** The object type a query asks for: the object_type clause at its top (lead by default). */
	private objectTypeOf(q: Query): string {
		if (q.type === 'object_type') return String(q.object_type);
		if (q.type === 'and' && Array.isArray(q.queries)) {
			for (const s of q.queries) if ((s as Query).type === 'object_type') return String((s as Query).object_type);
		}
		return 'lead';
	}

	run(body: Record<string, unknown>): { data: Array<Record<string, unknown>>; cursor: string | null } {
		const query = body.query as Query | undefined;
		if (!query || typeof query !== 'object') throw new ValidationError('query is required', { query: 'This field is required.' });
		const limit = body._limit === undefined ? 100 : Number(body._limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new ValidationError('_limit must be between 1 and 200', { _limit: 'Ensure this value is between 1 and 200.' });
		const objectType = this.objectTypeOf(query);
		if (objectType !== 'lead' && objectType !== 'contact') throw new ValidationError(`Unsupported object_type ${objectType}`, { query: 'Unsupported object_type' });
		let offset = 0;
		if (typeof body.cursor === 'string' && body.cursor) {
			const n = Number(Buffer.from(body.cursor, 'base64url').toString('utf8'));
			if (!Number.isInteger(n) || n < 0) throw new ValidationError('Invalid cursor', { cursor: 'Invalid cursor.' });
			offset = n;
		}
		const fields = ((body._fields ?? {}) as Record<string, unknown>)[objectType];
		const table = this.store.tables[objectType as CloseObjectType];
		// Newest first, like Close's default relevance-free sort on date_updated.
		const hits: Array<Record<string, unknown>> = [];
		let matched = 0;
		let more = false;
		for (let i = table.sorted.length - 1; i >= 0; i--) {
			const rec = table.sorted[i].rec;
			if (!this.test(query, objectType, rec)) continue;
			if (matched++ < offset) continue;
			if (hits.length === limit) {
				more = true;
				break;
			}
			const presented = this.store.present(objectType as CloseObjectType, rec) as Record<string, unknown>;
			const out: Record<string, unknown> = { __object_type: objectType };
			if (Array.isArray(fields)) for (const f of fields) out[String(f)] = presented[String(f)];
			else out.id = rec.id;
			hits.push(out);
		}
		return { data: hits, cursor: more ? Buffer.from(String(offset + hits.length)).toString('base64url') : null };
	}
}
