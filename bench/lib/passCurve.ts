/**
 * Where a system's windows turn from passing to failing, read from all of them at once. Near
 * the edge one window passes and the next fails at the same count, so a search's last verdict
 * (the majority of three windows) moves by tens of consumers between runs; a logistic curve
 * fitted to every window is steadier, and resampling the windows says how steady.
 * Pure and unit-tested (passCurve.test.ts).
 */
import { percentile } from './stats.js';

export interface Trial { x: number; pass: boolean }

// A light pull of the slope towards 0: without it, windows that pass below some count and fail
// above it (perfectly separated) send the maximum-likelihood slope to infinity.
const RIDGE = 0.05;

/**
 * The count at which half the windows pass: the midpoint of P(pass) = 1 / (1 + e^(b·(x − mid)))
 * fitted by maximum likelihood (Newton's method). NaN without both a pass and a failure.
 */
export function passMidpoint(trials: readonly Trial[]): number {
	if (!trials.some((t) => t.pass) || trials.every((t) => t.pass)) return Number.NaN;
	const xs = trials.map((t) => t.x);
	const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
	const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) || 1;
	const z = xs.map((x) => (x - mean) / sd);
	const y = trials.map((t) => (t.pass ? 1 : 0));
	// log-odds of passing = a + b·z
	let a = 0;
	let b = 0;
	for (let iter = 0; iter < 100; iter++) {
		let ga = 0, gb = -RIDGE * b, haa = 1e-9, hab = 0, hbb = RIDGE;
		for (let i = 0; i < z.length; i++) {
			const p = 1 / (1 + Math.exp(-(a + b * z[i]!)));
			const w = p * (1 - p);
			ga += y[i]! - p;
			gb += (y[i]! - p) * z[i]!;
			haa += w;
			hab += w * z[i]!;
			hbb += w * z[i]! * z[i]!;
		}
		const det = haa * hbb - hab * hab;
		const da = (hbb * ga - hab * gb) / det;
		const db = (haa * gb - hab * ga) / det;
		a += da;
		b += db;
		if (Math.abs(da) + Math.abs(db) < 1e-10) break;
	}
	// Passing must get rarer as the count grows; a curve the other way has no edge.
	return b < 0 ? mean - (a / b) * sd : Number.NaN;
}

/** Deterministic PRNG (mulberry32), so a re-rendered report is byte-identical. */
function random(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface Resampled { median: number; lo: number; hi: number }

/**
 * `f` of resampled trial sets: each of the `sets` is drawn with replacement, `reps` times; the
 * median and the 10th–90th percentiles of the finite answers.
 */
export function bootstrap(sets: ReadonlyArray<readonly Trial[]>, f: (drawn: Trial[][]) => number, reps = 1000, seed = 1): Resampled {
	const rnd = random(seed);
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const drawn = sets.map((set) => set.map(() => set[Math.floor(rnd() * set.length)]!));
		const v = f(drawn);
		if (Number.isFinite(v)) out.push(v);
	}
	return { median: percentile(out, 50), lo: percentile(out, 10), hi: percentile(out, 90) };
}
