// Simplify: a lead as Close returns it embeds every contact, opportunity and task (and grows
// with them); the simplified lead keeps what workflows read most, in Close's own field names.

import type { CloseRecord } from './recordsClient';

const LEAD_KEYS = ['id', 'name', 'display_name', 'status_id', 'status_label', 'url', 'description', 'date_created', 'date_updated'];

function contactSummary(contact: unknown): Record<string, unknown> {
	const c = (contact ?? {}) as Record<string, unknown>;
	const emails = Array.isArray(c.emails) ? c.emails.map((e) => (e as { email?: unknown })?.email).filter(Boolean) : [];
	const phones = Array.isArray(c.phones) ? c.phones.map((p) => (p as { phone?: unknown })?.phone).filter(Boolean) : [];
	return { id: c.id, name: c.name, title: c.title, emails, phones };
}

function count(value: unknown): number {
	return Array.isArray(value) ? value.length : 0;
}

export function simplifyLead(lead: CloseRecord): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of LEAD_KEYS) if (key in lead) out[key] = lead[key];
	out.contacts = Array.isArray(lead.contacts) ? lead.contacts.map(contactSummary) : [];
	out.opportunityCount = count(lead.opportunities);
	out.taskCount = count(lead.tasks);
	// Custom values as Close returns them (`custom.cf_x` keys or a `custom` object).
	const custom: Record<string, unknown> = { ...((lead.custom as Record<string, unknown> | undefined) ?? {}) };
	for (const [key, value] of Object.entries(lead)) if (key.startsWith('custom.')) custom[key.slice(7)] = value;
	out.custom = custom;
	return out;
}
