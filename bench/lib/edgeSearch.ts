import { bisectStep } from './stats.js';

/**
 * One system's search for the largest count that passes: coarse steps upward until one fails,
 * then bisection between the last pass and the first failure. Each probe is judged by the
 * majority of its windows (see `majority`), because near the overload edge a mediasoup worker
 * passes one window and fails the next at the same count.
 */
export class EdgeSearch {
	/** Largest count that passed (0: none yet). */
	lo = 0;
	/** Smallest count that failed (Infinity: none yet). */
	hi = Number.POSITIVE_INFINITY;
	readonly #steps: readonly number[];
	readonly #unit: number;
	readonly #minGap: number;
	readonly #passed: number[] = [];

	constructor(steps: readonly number[], unit: number, minGap: number) {
		this.#steps = [...steps].sort((a, b) => a - b);
		this.#unit = unit;
		this.#minGap = minGap;
	}

	/** The next count to probe, or undefined when the edge is found (or every step passed). */
	next(): number | undefined {
		if (this.hi === Number.POSITIVE_INFINITY) return this.#steps.find((s) => s > this.lo);
		return bisectStep(this.lo, this.hi, this.#unit, this.#minGap);
	}

	/** `count` is what was measured (a join may have failed), not necessarily what was asked. */
	record(count: number, passed: boolean): void {
		if (passed) this.#passed.push(count);
		else this.hi = Math.min(this.hi, count);
		// A pass at or above a failure (its joins fell short of the target): the failure stands.
		this.lo = Math.max(0, ...this.#passed.filter((n) => n < this.hi));
	}
}

/** A probe passes when more than half of its windows pass. */
export const majority = (passed: readonly boolean[]) => passed.filter(Boolean).length * 2 > passed.length;
