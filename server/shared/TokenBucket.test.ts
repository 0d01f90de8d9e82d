import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.js';

describe('TokenBucket', () => {
	it('allows a burst of `capacity`, then refuses until tokens refill', () => {
		const b = new TokenBucket(3, 1, 0);
		expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
		expect(b.take(999)).toBe(false);
		expect(b.take(1000)).toBe(true);
		expect(b.take(1000)).toBe(false);
	});
	it('never stores more than its capacity', () => {
		const b = new TokenBucket(2, 10, 0);
		b.take(0);
		b.take(0);
		expect(b.take(60_000)).toBe(true);
		expect(b.take(60_000)).toBe(true);
		expect(b.take(60_000)).toBe(false);
	});
});
