// Figures over rounds: the bench prints a spread, never one lucky run.

/** `min / median / max` of a list of ratios, two decimals. */
export function spread(xs: number[]): string {
	const sorted = [...xs].sort((a, b) => a - b);
	const mid = sorted.length / 2;
	const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
	return `${sorted[0]!.toFixed(2)} / ${median.toFixed(2)} / ${sorted[sorted.length - 1]!.toFixed(2)}`;
}
