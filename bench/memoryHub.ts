// An in-memory CRM hub of minimal records ({id, date_created, date_updated}) for the cursor-size
// goal (a million records, no HTTP), answering each query the way the sandbox's profile would:
// `full` keyset pages, or `seed` (a second orderBy field refused, ties shuffled per request).

import type { HubListing, HubQuery, PollSources } from '../lib/polling';
import { evaluate, lowerBound, parseWhere, seedRejection, upperBound } from '../sandbox/ceql';
import { seededRandom } from '../sandbox/ids';

type Row = { id: string; date_created: string; date_updated: string; upd: number };

export function memoryHub(rows: Row[], ceql: 'full' | 'seed'): PollSources['listHub'] {
	// rows are sorted by (upd, id)
	const lowerIndex = (us: number) => {
		let lo = 0;
		let hi = rows.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (rows[mid].upd < us) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	const random = seededRandom(5);
	const strip = (r: Row) => ({ id: r.id, date_created: r.date_created, date_updated: r.date_updated });
	return async (_resource: string, query: HubQuery): Promise<HubListing> => {
		const order = query.orderBy.split(',').map((s) => s.trim());
		if (ceql === 'seed' && order.length > 1) throw Object.assign(new Error('one orderBy field only'), { statusCode: 400 });
		const expr = query.where ? parseWhere(query.where) : undefined;
		if (ceql === 'seed' && expr && seedRejection(query.where!, expr)) throw Object.assign(new Error('unsupported where'), { statusCode: 400 });
		const start = expr ? lowerIndex(lowerBound(expr)) : 0;
		const ub = expr ? upperBound(expr) : Infinity;
		const end = ub === Infinity ? rows.length : lowerIndex(ub + 1);
		const test = (r: Row) => !expr || evaluate(expr, r, r.upd);
		if (order[0].endsWith('desc')) {
			for (let i = end - 1; i >= start; i--) if (test(rows[i])) return { records: [strip(rows[i])] };
			return { records: [] };
		}
		const offset = query.nextPage ? Number(query.nextPage) : 0;
		const size = Math.min(query.pageSize, ceql === 'seed' ? 100 : 500);
		const picked: Row[] = [];
		for (let i = start; i < end; i++) {
			const r = rows[i];
			if (picked.length >= offset + size && r.upd !== picked[picked.length - 1].upd) break;
			if (test(r)) picked.push(r);
		}
		if (ceql === 'seed') {
			for (let from = 0; from < picked.length; ) {
				let to = from + 1;
				while (to < picked.length && picked[to].upd === picked[from].upd) to++;
				for (let i = to - 1; i > from; i--) {
					const j = from + Math.floor(random() * (i - from + 1));
					[picked[i], picked[j]] = [picked[j], picked[i]];
				}
				from = to;
			}
		}
		let total: number | undefined;
		if (query.returnCount) {
			total = 0;
			for (let i = start; i < end; i++) if (test(rows[i])) total++;
		}
		return { records: picked.slice(offset, offset + size).map(strip), nextPage: String(offset + size), total };
	};
}
