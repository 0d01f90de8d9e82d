/** Pure statistics for bench results (unit-tested in stats.test.ts). */

/** The p-th percentile (0–100) by linear interpolation; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return Number.NaN;
	const s = [...samples].sort((a, b) => a - b);
	const pos = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Spread {
	median: number;
	min: number;
	max: number;
	n: number;
}

/** Median and range of repeated measurements (NaNs, i.e. failed runs, left out). */
export function spread(values: readonly number[]): Spread {
	const v = values.filter((x) => Number.isFinite(x));
	if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
	return { median: percentile(v, 50), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** a / b, NaN when either is missing or b is 0. */
export function ratio(a: number, b: number): number {
	return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Loss fraction from packets expected and received (never below 0). */
export function lossFraction(expected: number, received: number): number {
	return expected > 0 ? Math.max(0, 1 - received / expected) : 0;
}

/**
 * The ramp's answer: the largest passing step below every failing step, i.e. every step with
 * fewer consumers passed too. Steps may come in any order (the ramp refines by bisection after
 * its first failure).
 */
export function largestPassing<T extends { consumers: number }>(steps: readonly T[], pass: (s: T) => boolean): T | undefined {
	let best: T | undefined;
	for (const s of [...steps].sort((a, b) => a.consumers - b.consumers)) {
		if (!pass(s)) break;
		best = s;
	}
	return best;
}

/**
 * The next count to try when bisecting between a passing count `lo` and a failing count `hi`,
 * on a grid of `unit` (consumers come in whole participants); undefined once the gap is `minGap`
 * or less.
 */
export function bisectStep(lo: number, hi: number, unit: number, minGap: number): number | undefined {
	if (hi - lo <= minGap) return undefined;
	const mid = Math.round((lo + hi) / 2 / unit) * unit;
	return mid > lo && mid < hi ? mid : undefined;
}

/**
 * Least-squares slope of y against x (e.g. SFU cores against video consumers over the ramp's
 * passing steps): the marginal cost of one more consumer, which the SFU's fixed cost and the
 * noise at the overload edge do not move. NaN with fewer than two distinct x.
 */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
	const n = points.length;
	if (n < 2) return Number.NaN;
	const mx = points.reduce((s, p) => s + p.x, 0) / n;
	const my = points.reduce((s, p) => s + p.y, 0) / n;
	let sxx = 0;
	let sxy = 0;
	for (const p of points) {
		sxx += (p.x - mx) ** 2;
		sxy += (p.x - mx) * (p.y - my);
	}
	return sxx > 0 ? sxy / sxx : Number.NaN;
}
