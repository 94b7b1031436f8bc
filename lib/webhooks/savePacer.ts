// How often the trigger's memory of delivered events is handed to n8n for saving. n8n writes a
// workflow's static data to its database in the callback that answers a delivery (webhook() answers
// first, so the write no longer delays that answer); on SQLite the write queues behind every running
// execution's writes. Doing it on every delivery adds one such write per delivery, and while n8n
// answered only after it, it halved the deliveries n8n 1.x answered per second (bench, "Webhooks
// through a real n8n"). Saving at most once per interval keeps that cost flat under load, while a
// delivery after a quiet spell is still saved at once. A save whose result the store does not show
// yet is still waiting in that queue: starting more would only stack more writes behind it, so the
// next one waits for it to land (or for the landing timeout: a save that never shows up counts as lost).

export class SavePacer {
	private lastAt = Number.NEGATIVE_INFINITY;

	constructor(
		readonly intervalMs: number,
		readonly landingTimeoutMs: number = 30_000,
	) {}

	/**
	 * True when a save is due at `nowMs` (and counts it as started). `previousLanded`: whether the
	 * store already shows the previous save.
	 */
	due(nowMs: number, previousLanded = true): boolean {
		// A clock stepped backwards must not stop saves for the length of the step.
		const since = nowMs >= this.lastAt ? nowMs - this.lastAt : Number.POSITIVE_INFINITY;
		if (since < this.intervalMs) return false;
		if (!previousLanded && since < this.landingTimeoutMs) return false;
		this.lastAt = nowMs;
		return true;
	}
}
