// The hub's CEQL `where` for getAll: clauses from the UI's filters, joined with AND (the one
// combinator every connector's CEQL keeps), plus the expert's raw CEQL as typed.

import { ClientError } from '../clients/errors';
import { ceqlString } from '../polling';

export interface FilterClause {
	field: string;
	/** `=` by default; `>`, `>=`, `<`, `<=` for dates. */
	operator?: '=' | '!=' | '>' | '>=' | '<' | '<=';
	value: string | number | boolean;
}

function literal(value: FilterClause['value']): string {
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return ceqlString(value);
}

/** The clauses that filter something (a field left empty in the UI filters nothing). */
export function activeClauses(clauses: readonly FilterClause[]): FilterClause[] {
	return clauses.filter((clause) => clause.value !== '' && clause.value !== undefined && clause.value !== null);
}

export function clauseText(clause: FilterClause): string {
	return `${clause.field} ${clause.operator ?? '='} ${literal(clause.value)}`;
}

/**
 * Whether a CEQL text has an OR outside its string literals. Only then does joining it with AND
 * need parentheses, which the closeio seed's query form does not take (AND of ANDs needs none).
 */
export function hasOr(raw: string): boolean {
	return /\bOR\b/i.test(raw.replace(/'(?:[^']|'')*'?/g, "''"));
}

/** `raw` ready to be joined with AND: in parentheses only when it has an OR. */
export function joinableRaw(raw: string): string {
	return hasOr(raw) ? `(${raw})` : raw;
}

/** undefined when there is nothing to filter on. */
export function buildWhere(clauses: readonly FilterClause[], raw?: string): string | undefined {
	const parts = activeClauses(clauses).map(clauseText);
	const expert = (raw ?? '').trim();
	if (expert) parts.push(parts.length ? joinableRaw(expert) : expert);
	return parts.length ? parts.join(' AND ') : undefined;
}

/** The one query form the closeio seed shows: `date_updated` compared with > >= < <=. */
export function isSeedClause(clause: FilterClause): boolean {
	return clause.field === 'date_updated' && (clause.operator === '>' || clause.operator === '>=' || clause.operator === '<' || clause.operator === '<=');
}

/** A date the user picked, as Close writes dates (`2024-05-01T10:00:00.000000+00:00`, UTC). */
export function closeDate(value: unknown): string {
	const text = String(value ?? '').trim();
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/T/.test(text) ? text : `${text}Z`);
	if (Number.isNaN(ms)) throw new ClientError(`"${text}" is not a date`);
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
