// How often the trigger's memory of delivered events is handed to n8n for saving. n8n 1.x writes a
// workflow's static data to its database before it answers the delivery that changed it; on
// SQLite that write queues behind every running execution's writes, and doing it on every
// delivery halved the deliveries n8n answers per second (bench, "Webhooks through a real n8n").
// Saving at most once per interval keeps that cost flat under load, while a delivery after a quiet
// spell is still saved at once.

export class SavePacer {
	private lastAt = Number.NEGATIVE_INFINITY;

	constructor(readonly intervalMs: number) {}

	/** True when a save is due at `nowMs` (and counts it as done); false inside the interval. */
	due(nowMs: number): boolean {
		// A clock stepped backwards must not stop saves for the length of the step.
		if (nowMs >= this.lastAt && nowMs - this.lastAt < this.intervalMs) return false;
		this.lastAt = nowMs;
		return true;
	}
}
