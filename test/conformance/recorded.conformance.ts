// The conformance test (jest project `conformance`, run last by `npm test`): every request the
// sandbox recorded during the suite (sandbox/requestLog.ts, folder $SANDBOX_REQUEST_LOG_DIR) is held
// against the tables of Close's and Open Connectors' documented operations. A request outside them
// fails the test, listed with the nearest row; so does an empty recording (a broken recorder must
// not pass).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REQUEST_LOG_DIR_ENV, type RecordedRequest } from '../../sandbox/requestLog';
import { checkRequest, describe as describeViolation } from './check';
import { CLOSE_ASSUMPTIONS, CLOSE_OPERATIONS } from './closeOperations';
import { OC_ASSUMPTIONS, OC_OPERATIONS } from './openConnectorsOperations';

const dir = process.env[REQUEST_LOG_DIR_ENV] ?? resolve(__dirname, '../../.conformance');

function readRecorded(): RecordedRequest[] {
	if (!existsSync(dir)) return [];
	const out: RecordedRequest[] = [];
	for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
		for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
			if (line.trim()) out.push(JSON.parse(line) as RecordedRequest);
		}
	}
	return out;
}

test('every request the product made during the suite is a documented operation', () => {
	const all = readRecorded();
	const product = all.filter((r) => !r.probe);
	if (product.length === 0) {
		throw new Error(`No product request was recorded under ${dir} (${all.length} probes): set ${REQUEST_LOG_DIR_ENV} before the suites run (npm test does).`);
	}
	const rows = [...CLOSE_OPERATIONS, ...OC_OPERATIONS];
	const assumptions = [...CLOSE_ASSUMPTIONS, ...OC_ASSUMPTIONS];
	const lines = new Map<string, number>();
	for (const r of product) {
		const v = checkRequest(rows, assumptions, r);
		if (v) {
			const line = describeViolation(v);
			lines.set(line, (lines.get(line) ?? 0) + 1);
		}
	}
	const report = [...lines].map(([line, n]) => (n > 1 ? `${line} (x${n})` : line));
	if (report.length) throw new Error(`${report.length} distinct request(s) outside the documented operations, of ${product.length} recorded:\n` + report.join('\n'));
});
