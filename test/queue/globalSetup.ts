/**
 * The queue project's jest globalSetup: before any queue-mode case, PostgreSQL and Redis are there,
 * installed now when missing and allowed (scripts/install-queue-deps.sh), or the run stops with one
 * line saying what to install and how (harness/queueDeps.ts). Runs once, not once per case.
 */
import { ensureQueueDeps, systemProbe } from '../e2e/harness/queueDeps';

export default async function globalSetup(): Promise<void> {
	try {
		await ensureQueueDeps(systemProbe());
	} catch (error) {
		// jest prints a globalSetup error's stack: keep it to the one line that says what to do
		const err = error instanceof Error ? error : new Error(String(error));
		err.stack = `${err.name}: ${err.message}`;
		throw err;
	}
}
