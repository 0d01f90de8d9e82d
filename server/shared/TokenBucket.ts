/**
 * A token bucket: `capacity` requests at once, refilled at `perSecond`. Pure and clock-driven
 * (`now` in ms), so tests need no timers.
 */
export class TokenBucket {
	readonly #capacity: number;
	readonly #perMs: number;
	#tokens: number;
	#last: number;

	constructor(capacity: number, perSecond: number, now = Date.now()) {
		this.#capacity = capacity;
		this.#perMs = perSecond / 1000;
		this.#tokens = capacity;
		this.#last = now;
	}

	/** Whether a token is there, without taking it. */
	peek(now = Date.now()): boolean {
		return Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs) >= 1;
	}

	/** Takes one token; false when the bucket is empty (the caller refuses the request). */
	take(now = Date.now()): boolean {
		this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
		this.#last = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}
