// The node's evaluation of getAll filters (used where the platform takes only the seed's where)
// must agree with what the full-CEQL sandbox answers for the same where text, record by record.
import { matchesClause } from '../../../lib/records/clauseMatch';
import type { FilterClause } from '../../../lib/records/where';
import { buildWhere } from '../../../lib/records/where';
import { evaluate, parseWhere } from '../../../sandbox/ceql';

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

// Values a Close record holds, and look-alikes: dates in other offsets and precisions, numbers as
// text, booleans, null, lists, objects.
const VALUES: unknown[] = [
	'Acme',
	'acme',
	"O'Brien",
	'',
	'12',
	'9',
	12,
	9,
	0,
	true,
	false,
	null,
	undefined,
	['a', 'b'],
	{ nested: 1 },
	'2024-05-01T10:00:00.000000+00:00',
	'2024-05-01T12:00:00+02:00',
	'2024-05-01T10:00:00.000001+00:00',
	'2024-05-01T10:00:00Z',
	'2024-05-01',
	'2024-05-01T10:00',
	'stat_SandboxQualified00000001',
	'lead_abc',
];
const LITERALS: Array<FilterClause['value']> = [
	'Acme',
	"O'Brien",
	'12',
	12,
	9,
	0,
	true,
	false,
	'true',
	'2024-05-01T10:00:00.000000+00:00',
	'2024-05-01T10:00:00.000001+00:00',
	'2024-05-01T09:59:59.999999+00:00',
	'2024-05-01',
	'stat_SandboxQualified00000001',
	'lead_abc',
];
const OPERATORS: Array<NonNullable<FilterClause['operator']>> = ['=', '!=', '>', '>=', '<', '<='];
// Plain fields, a custom field as the hub writes it (flat) and as a nested object, a nested value.
const FIELDS = ['name', 'status_id', 'is_complete', 'custom.cf_tier', 'address.city', 'date_created'];

function recordWith(field: string, value: unknown, shape: number): Record<string, unknown> {
	const record: Record<string, unknown> = { id: 'lead_1', name: 'x' };
	if (value === undefined) return record;
	if (field.includes('.') && shape === 1) {
		const [outer, inner] = field.split('.');
		record[outer] = { [inner]: value };
	} else {
		record[field] = value;
	}
	return record;
}

describe('matchesClause agrees with the full-CEQL sandbox', () => {
	it('for every field shape, value type, literal and operator', () => {
		let compared = 0;
		const disagreements: string[] = [];
		for (const field of FIELDS) {
			for (const shape of [0, 1]) {
				for (const value of VALUES) {
					for (const literal of LITERALS) {
						for (const operator of OPERATORS) {
							const clause: FilterClause = { field, operator, value: literal };
							const record = recordWith(field, value, shape);
							const sandbox = evaluate(parseWhere(buildWhere([clause])!), record);
							const node = matchesClause(record, clause);
							compared++;
							if (sandbox !== node) disagreements.push(`${JSON.stringify(record)} ${buildWhere([clause])}: sandbox ${sandbox}, node ${node}`);
						}
					}
				}
			}
		}
		expect(disagreements).toEqual([]);
		expect(compared).toBe(FIELDS.length * 2 * VALUES.length * LITERALS.length * OPERATORS.length);
	});

	it('on random records against random clauses (seeded)', () => {
		const next = rng(20261130);
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
		const disagreements: string[] = [];
		for (let i = 0; i < 5000; i++) {
			const record: Record<string, unknown> = { id: `lead_${i}` };
			for (const field of FIELDS) if (next() < 0.7) Object.assign(record, recordWith(field, pick(VALUES), next() < 0.5 ? 0 : 1));
			const clauses: FilterClause[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
				field: pick(FIELDS),
				operator: pick(OPERATORS),
				value: pick(LITERALS),
			}));
			const sandbox = evaluate(parseWhere(buildWhere(clauses)!), record);
			const node = clauses.every((clause) => matchesClause(record, clause));
			if (sandbox !== node) disagreements.push(`${JSON.stringify(record)} ${buildWhere(clauses)}: sandbox ${sandbox}, node ${node}`);
		}
		expect(disagreements.slice(0, 5)).toEqual([]);
	});

	it('examples: exact, case-sensitive strings; dates as instants; missing values match only !=', () => {
		expect(matchesClause({ name: 'Acme' }, { field: 'name', value: 'Acme' })).toBe(true);
		expect(matchesClause({ name: 'acme' }, { field: 'name', value: 'Acme' })).toBe(false);
		expect(matchesClause({ date_created: '2024-05-01T12:00:00+02:00' }, { field: 'date_created', value: '2024-05-01T10:00:00.000000+00:00' })).toBe(true);
		expect(matchesClause({ date_created: '2024-05-01T10:00:00.000001+00:00' }, { field: 'date_created', operator: '>', value: '2024-05-01T10:00:00.000000+00:00' })).toBe(true);
		expect(matchesClause({ 'custom.cf_tier': 'Gold' }, { field: 'custom.cf_tier', value: 'Gold' })).toBe(true);
		expect(matchesClause({ custom: { cf_tier: 'Gold' } }, { field: 'custom.cf_tier', value: 'Gold' })).toBe(true);
		expect(matchesClause({ is_complete: false }, { field: 'is_complete', value: false })).toBe(true);
		expect(matchesClause({}, { field: 'status_id', value: 's' })).toBe(false);
		expect(matchesClause({}, { field: 'status_id', operator: '!=', value: 's' })).toBe(true);
	});
});
