import fc from 'fast-check';
import { Sandbox, startSandbox } from '../../sandbox';
import { lowerBound, parseWhere } from '../../sandbox/ceql';
import { ocAuth } from './helpers';

let sb: Sandbox;
let token: string;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());

// Independent oracle: the microsecond count from the digits, via BigInt and Date.UTC on whole seconds.
function micros(text: string): bigint {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|\+00:00)?$/.exec(text)!;
	const secs = BigInt(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000);
	return secs * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0') || '0');
}

const instant = fc
	.record({ ms: fc.integer({ min: 0, max: 5 }), us: fc.integer({ min: 0, max: 999 }), digits: fc.integer({ min: 0, max: 6 }), z: fc.constantFrom('Z', '+00:00', '') })
	.map(({ ms, us, digits, z }) => {
		const frac = String(ms * 1000 + us).padStart(6, '0').slice(0, digits);
		return `2024-05-01T10:00:00${digits ? '.' + frac : ''}${z}`;
	});

describe('CEQL date comparison (property)', () => {
	it('matches an independent microsecond oracle for every operator', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(instant, { minLength: 1, maxLength: 12 }), instant, fc.constantFrom('=', '!=', '<', '>', '<=', '>='), async (dates, literal, op) => {
				sb.admin.reset();
				token = String(sb.admin.createInstance().token);
				sb.admin.seed({ object: 'lead', count: dates.length, dateUpdated: dates, silent: true });
				const res = await fetch(`${sb.ocBaseUrl}/hubs/crm/accounts?where=${encodeURIComponent(`date_updated ${op} '${literal}'`)}&pageSize=500`, {
					headers: ocAuth(sb, token),
				});
				const got = ((await res.json()) as any[]).map((r) => r.id).sort();
				const lit = micros(literal);
				const cmp: Record<string, (a: bigint) => boolean> = {
					'=': (a) => a === lit,
					'!=': (a) => a !== lit,
					'<': (a) => a < lit,
					'>': (a) => a > lit,
					'<=': (a) => a <= lit,
					'>=': (a) => a >= lit,
				};
				const want = sb.admin
					.records('lead')
					.filter((r) => cmp[op](micros(r.date_updated.replace('+00:00', 'Z'))))
					.map((r) => r.id)
					.sort();
				expect(got).toEqual(want);
			}),
			{ numRuns: 60 },
		);
	});
});

// Speed itself is measured by `npm run bench` (1M records); here, that the planner starts the walk
// at the date bound of the keyset predicate rather than at the first record.
describe('keyset query planning', () => {
	it('derives the date lower bound of keyset, AND and OR predicates', () => {
		const d = '2024-05-01T10:00:00.123456+00:00';
		const us = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000 + 123456;
		expect(lowerBound(parseWhere(`date_updated > '${d}' OR (date_updated = '${d}' AND id > 'lead_x')`))).toBe(us);
		expect(lowerBound(parseWhere(`date_updated >= '${d}'`))).toBe(us);
		expect(lowerBound(parseWhere(`date_updated >= '${d}' AND name = 'a'`))).toBe(us);
		expect(lowerBound(parseWhere(`date_updated >= '${d}' OR name = 'a'`))).toBe(0);
		expect(lowerBound(parseWhere(`date_updated < '${d}'`))).toBe(0);
	});

	it('serves a keyset page deep in 200k records with the right records', async () => {
		sb.admin.reset();
		token = String(sb.admin.createInstance().token);
		const base = Date.UTC(2024, 0, 1) * 1000;
		sb.admin.seed({ object: 'lead', count: 200_000, silent: true, dateUpdated: (i) => base + Math.floor(i / 3) * 1000 });
		const all = sb.admin.records('lead');
		const pivot = all[190_000];
		const d = String(pivot.date_updated);
		const where = `date_updated > '${d}' OR (date_updated = '${d}' AND id > '${String(pivot.id)}')`;
		const res = await fetch(`${sb.ocBaseUrl}/hubs/crm/accounts?where=${encodeURIComponent(where)}&orderBy=${encodeURIComponent('date_updated asc, id asc')}&pageSize=100`, {
			headers: ocAuth(sb, token),
		});
		const page = (await res.json()) as Array<{ id: string }>;
		expect(page.map((r) => r.id)).toEqual(all.slice(190_001, 190_101).map((r) => String(r.id)));
		sb.admin.reset();
	}, 60_000);
});
