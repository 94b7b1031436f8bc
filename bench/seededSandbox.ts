// A sandbox in its own process, seeded with N changed records per object, so the polling bench
// measures only the poller's memory. Prints one JSON line with the URLs and secrets, then serves
// until killed. Argument: JSON {count, objects?, ceql?, churn?}; `churn` records are updated while
// the poll runs, one before each hub list request (they move across the poll's page boundaries).

import type { CloseObjectType } from '../sandbox';
import { startSandbox } from '../sandbox';

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as { count?: number; objects?: CloseObjectType[]; ceql?: 'full' | 'seed'; churn?: number };
	const count = options.count ?? 100000;
	const sandbox = await startSandbox({ port: 0, ceql: options.ceql ?? 'full', extraOrderBy: 'reject' });
	const base = Date.UTC(2024, 0, 1) * 1000;
	// Every 5th record shares its microsecond with the previous one; every 3rd its millisecond.
	for (const object of options.objects ?? ['lead']) {
		sandbox.admin.seed({ object, count, silent: true, dateUpdated: (i) => base + Math.floor(i / 5) * 1000 + (i % 3) });
	}
	if (options.churn) {
		const ids = sandbox.admin.records('lead').map((r) => String(r.id));
		let left = options.churn;
		let k = 0;
		sandbox.admin.onRequest((info) => {
			if (left <= 0 || !info.path.includes('/hubs/crm/') || info.query.pageSize === '1') return;
			left--;
			// Spread over the whole set: records both behind and ahead of the poll's position.
			k = (k + 7919) % ids.length;
			sandbox.admin.update('lead', ids[k], { description: `churn ${left}` });
		});
	}
	const instance = sandbox.admin.createInstance({ name: 'bench' });
	process.stdout.write(
		`${JSON.stringify({ ocBaseUrl: sandbox.ocBaseUrl, closeBaseUrl: sandbox.closeBaseUrl, secrets: sandbox.secrets, token: instance.token, url: sandbox.url, instanceId: instance.id })}\n`,
	);
}

void main();
