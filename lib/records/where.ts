// The hub's CEQL `where` for getAll: clauses from the UI's filters, joined with AND (the one
// combinator every connector's CEQL keeps), plus the expert's raw CEQL as typed.

import { ClientError } from '../errors';
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

/** undefined when there is nothing to filter on. */
export function buildWhere(clauses: readonly FilterClause[], raw?: string): string | undefined {
	const parts = clauses
		.filter((clause) => clause.value !== '' && clause.value !== undefined && clause.value !== null)
		.map((clause) => `${clause.field} ${clause.operator ?? '='} ${literal(clause.value)}`);
	const expert = (raw ?? '').trim();
	if (expert) parts.push(parts.length ? `(${expert})` : expert);
	return parts.length ? parts.join(' AND ') : undefined;
}

/** A date the user picked, as Close writes dates (`2024-05-01T10:00:00.000000+00:00`, UTC). */
export function closeDate(value: unknown): string {
	const text = String(value ?? '').trim();
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/T/.test(text) ? text : `${text}Z`);
	if (Number.isNaN(ms)) throw new ClientError(`"${text}" is not a date`);
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
