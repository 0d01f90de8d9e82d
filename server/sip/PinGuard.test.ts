import { describe, expect, it } from 'vitest';
import { PinGuard } from './PinGuard.js';

describe('PinGuard', () => {
	it('stops one source after its burst of wrong PINs, and lets it try again later', () => {
		const g = new PinGuard({ perSourceBurst: 3, perSourcePerMinute: 6, globalBurst: 100, globalPerMinute: 100 }, 0);
		for (let i = 0; i < 3; i++) {
			expect(g.allowed('a', 0)).toBe(true);
			g.failed('a', 0);
		}
		expect(g.allowed('a', 0)).toBe(false);
		expect(g.allowed('b', 0)).toBe(true);
		expect(g.allowed('a', 10_000)).toBe(true); // 6 per minute: one token back after 10 s
	});

	it('stops everyone once the whole bridge guessed too much', () => {
		const g = new PinGuard({ perSourceBurst: 100, perSourcePerMinute: 100, globalBurst: 2, globalPerMinute: 1 }, 0);
		g.failed('a', 0);
		g.failed('b', 0);
		expect(g.allowed('c', 0)).toBe(false);
	});
});
