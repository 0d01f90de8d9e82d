import { TokenBucket } from '../shared/TokenBucket.js';

/**
 * Stops PIN guessing: wrong PINs per source (trunk address) and for the whole bridge are
 * token buckets. Memory only; a source's bucket goes once it is full again.
 */
export class PinGuard {
	readonly #perSource = new Map<string, TokenBucket>();
	readonly #global: TokenBucket;
	readonly #burst: number;
	readonly #perMinute: number;

	constructor(o: { perSourceBurst: number; perSourcePerMinute: number; globalBurst: number; globalPerMinute: number }, now = Date.now()) {
		this.#burst = o.perSourceBurst;
		this.#perMinute = o.perSourcePerMinute;
		this.#global = new TokenBucket(o.globalBurst, o.globalPerMinute / 60, now);
	}

	/** Whether `source` may try a PIN now; a try costs a token only when it fails (see failed()). */
	allowed(source: string, now = Date.now()): boolean {
		return this.#probe(this.#perSource.get(source), now) && this.#probe(this.#global, now);
	}

	failed(source: string, now = Date.now()): void {
		let b = this.#perSource.get(source);
		if (!b) {
			if (this.#perSource.size > 10_000) this.#perSource.clear(); // bounded, whatever happens
			b = new TokenBucket(this.#burst, this.#perMinute / 60, now);
			this.#perSource.set(source, b);
		}
		b.take(now);
		this.#global.take(now);
	}

	// A bucket "has a token" if taking one would succeed; we peek by taking and refunding.
	#probe(b: TokenBucket | undefined, now: number): boolean {
		if (!b) return true;
		return b.peek(now);
	}
}
