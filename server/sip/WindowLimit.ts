/**
 * At most `limit` events per key in any `windowMs` (a sliding window, not a token bucket: a
 * bucket of N a minute with a burst of N lets 2N−1 through in the first minute). Memory only:
 * a key's times are kept while they are inside the window, and the key goes when none is.
 * Pure and clock-driven (`now` in ms), so tests need no timers.
 */
export class WindowLimit {
	readonly #limit: number;
	readonly #windowMs: number;
	// key → times of its events still inside the window, oldest first. The Map is ordered by
	// each key's latest event (record() re-inserts), so expired keys are always at its front.
	readonly #events = new Map<string, number[]>();

	constructor(limit: number, windowMs: number) {
		this.#limit = limit;
		this.#windowMs = windowMs;
	}

	/** Whether one more event for `key` at `now` stays within the limit. */
	allowed(key: string, now: number): boolean {
		return (this.#live(key, now)?.length ?? 0) < this.#limit;
	}

	/** Counts an event for `key` at `now` (whether or not it was allowed). */
	record(key: string, now: number): void {
		this.#sweep(now);
		const times = this.#live(key, now) ?? [];
		times.push(now);
		if (times.length > this.#limit) times.shift(); // older ones can no longer decide anything
		this.#events.delete(key);
		this.#events.set(key, times);
	}

	/** Keys with an event inside the window at `now`. */
	size(now: number): number {
		this.#sweep(now);
		return this.#events.size;
	}

	// An event at t counts for every window containing t: at `now`, those with t > now − window.
	#live(key: string, now: number): number[] | undefined {
		const times = this.#events.get(key);
		if (!times) return undefined;
		while (times.length > 0 && (times[0] ?? 0) <= now - this.#windowMs) times.shift();
		if (times.length > 0) return times;
		this.#events.delete(key);
		return undefined;
	}

	#sweep(now: number): void {
		for (const [key, times] of this.#events) {
			if ((times[times.length - 1] ?? 0) > now - this.#windowMs) break;
			this.#events.delete(key);
		}
	}
}
