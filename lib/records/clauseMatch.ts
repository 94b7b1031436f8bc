// The getAll filters, evaluated in the node for a platform that cannot take them in its `where`
// (the closeio seed's query form has `date_updated` comparisons only). A record must match here
// exactly when the documented CEQL would match it on the platform, so the node's answer does not
// depend on which way it had to read: SQL-like comparisons, dates compared as instants at
// microsecond precision, a missing value matching nothing but `!=`.

import { tryParseInstant } from '../polling/datePattern';
import type { FilterClause } from './where';

type Literal = FilterClause['value'];

/** A field's value: its own key first (the hub writes `custom.cf_…` flat), else a dotted path. */
export function fieldValue(record: Record<string, unknown>, field: string): unknown {
	if (field in record) return record[field];
	if (!field.includes('.')) return undefined;
	let current: unknown = record;
	for (const part of field.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

// Only text that starts like a date is an instant: '12' stays a string.
const DATE_START = /^\d{4}-\d{2}-\d{2}/;

/** Epoch microseconds of a date-like text, with or without a time (date only = midnight UTC). */
function instantOf(text: string): number | undefined {
	if (!DATE_START.test(text)) return undefined;
	const trimmed = text.trim();
	const direct = tryParseInstant(trimmed);
	if (direct !== undefined) return direct;
	if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return tryParseInstant(`${trimmed}T00:00:00`);
	// `HH:mm` without seconds, with or without an offset.
	const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})(\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?))?$/.exec(trimmed);
	return m ? tryParseInstant(`${m[1]}:00${(m[2] ?? '').trim()}`) : undefined;
}

/** -1, 0, 1, or undefined when the two cannot be ordered (a missing value). */
function compare(value: unknown, literal: Literal): number | undefined {
	if (value === null || value === undefined || literal === null || literal === undefined) return undefined;
	if (typeof value === 'string' && typeof literal === 'string') {
		const b = instantOf(literal);
		if (b !== undefined) {
			const a = instantOf(value);
			if (a !== undefined) return Math.sign(a - b);
		}
		return value < literal ? -1 : value > literal ? 1 : 0;
	}
	if (typeof value === 'number' && typeof literal === 'number') return Math.sign(value - literal);
	if (typeof value === 'boolean' && typeof literal === 'boolean') return value === literal ? 0 : value ? 1 : -1;
	const a = String(value);
	const b = String(literal);
	return a < b ? -1 : a > b ? 1 : 0;
}

export function matchesClause(record: Record<string, unknown>, clause: FilterClause): boolean {
	const value = fieldValue(record, clause.field);
	const operator = clause.operator ?? '=';
	const c = compare(value, clause.value);
	if (c === undefined) return operator === '!=' && (value === null || value === undefined);
	switch (operator) {
		case '=':
			return c === 0;
		case '!=':
			return c !== 0;
		case '>':
			return c > 0;
		case '>=':
			return c >= 0;
		case '<':
			return c < 0;
		case '<=':
			return c <= 0;
	}
	return false;
}

export function matchesAll(record: Record<string, unknown>, clauses: readonly FilterClause[]): boolean {
	return clauses.every((clause) => matchesClause(record, clause));
}
