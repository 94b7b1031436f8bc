// Close's webhook `extra_filter`: a JSON condition on the event, evaluated before delivery, so an
// event it rejects is never sent. Operators as Close's "Webhook filters" page lists them.
// Written apart from the package's own arrival filter (lib/), so tests that run one against the
// other compare two implementations.

export type ExtraFilter = Record<string, unknown>;

/** Why `filter` is not a valid Close filter (path.to.node: reason), or undefined when it is. */
export function filterError(filter: unknown, path = 'extra_filter'): string | undefined {
	if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return `${path}: must be an object`;
	const f = filter as ExtraFilter;
	switch (f.type) {
		case 'equals':
		case 'not_equals':
		case 'contains':
			return 'value' in f ? undefined : `${path}: "${f.type}" needs a value`;
		case 'is_null':
		case 'non_null':
			return undefined;
		case 'and':
		case 'or':
			if (!Array.isArray(f.filters) || f.filters.length === 0) return `${path}: "${f.type}" needs a non-empty filters list`;
			for (let i = 0; i < f.filters.length; i++) {
				const e = filterError(f.filters[i], `${path}.filters.${i}`);
				if (e) return e;
			}
			return undefined;
		case 'not':
		case 'any_array_value':
			return filterError(f.filter, `${path}.filter`);
		case 'field_accessor':
			if (typeof f.field !== 'string' || !f.field) return `${path}: field_accessor needs a field`;
			return filterError(f.filter, `${path}.filter`);
		default:
			return `${path}: unknown filter type ${JSON.stringify(f.type)}`;
	}
}

function same(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** A field of an object: the literal key first (Close's `custom.cf_…` keys contain dots), then a dotted path. */
function access(value: unknown, field: string): unknown {
	if (!value || typeof value !== 'object') return undefined;
	const obj = value as Record<string, unknown>;
	if (field in obj) return obj[field];
	if (!field.includes('.')) return undefined;
	let cur: unknown = obj;
	for (const part of field.split('.')) {
		if (!cur || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

/** Whether `value` (at the top: the whole event) meets `filter`. Assumes a valid filter. */
export function matchesFilter(filter: ExtraFilter, value: unknown): boolean {
	switch (filter.type) {
		case 'equals':
			return same(value, filter.value);
		case 'not_equals':
			return !same(value, filter.value);
		case 'is_null':
			return value === null || value === undefined;
		case 'non_null':
			return value !== null && value !== undefined;
		case 'contains':
			if (Array.isArray(value)) return value.some((v) => same(v, filter.value));
			return typeof value === 'string' && typeof filter.value === 'string' && value.includes(filter.value);
		case 'and':
			return (filter.filters as ExtraFilter[]).every((f) => matchesFilter(f, value));
		case 'or':
			return (filter.filters as ExtraFilter[]).some((f) => matchesFilter(f, value));
		case 'not':
			return !matchesFilter(filter.filter as ExtraFilter, value);
		case 'any_array_value':
			return Array.isArray(value) && value.some((v) => matchesFilter(filter.filter as ExtraFilter, v));
		case 'field_accessor':
			return matchesFilter(filter.filter as ExtraFilter, access(value, filter.field as string));
		default:
			return false;
	}
}
