// A sandbox in its own process, seeded with N changed leads, so the polling bench measures only the
// poller's memory. Prints one JSON line with the URLs and secrets, then serves until killed.

import { startSandbox } from '../sandbox';

async function main(): Promise<void> {
	const count = Number(process.argv[2] ?? 100000);
	const sandbox = await startSandbox({ port: 0 });
	const base = Date.UTC(2024, 0, 1) * 1000;
	// Every 5th record shares its microsecond with the previous one; every 3rd its millisecond.
	sandbox.admin.seed({ object: 'lead', count, silent: true, dateUpdated: (i) => base + Math.floor(i / 5) * 1000 + (i % 3) });
	const instance = sandbox.admin.createInstance({ name: 'bench' });
	process.stdout.write(
		`${JSON.stringify({ ocBaseUrl: sandbox.ocBaseUrl, closeBaseUrl: sandbox.closeBaseUrl, secrets: sandbox.secrets, token: instance.token, instanceId: instance.id })}\n`,
	);
}

void main();
