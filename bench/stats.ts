// Figures over rounds: the bench prints a spread, never one lucky run.

export function median(xs: number[]): number {
	const sorted = [...xs].sort((a, b) => a - b);
	const mid = sorted.length / 2;
	return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `min / median / max` of a list of ratios, two decimals. */
export function spread(xs: number[]): string {
	return `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}`;
}
