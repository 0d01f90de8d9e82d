import { describe, expect, it } from 'vitest';
import { rate } from './quality.js';

describe('connection quality', () => {
	it('rates by packet loss over the interval', () => {
		expect(rate(0, 100, true)).toBe('good');
		expect(rate(1, 99, true)).toBe('good');
		expect(rate(5, 95, true)).toBe('fair');
		expect(rate(20, 80, true)).toBe('poor');
	});
	it('a video that should flow but got nothing is poor; silence on a paused track is fine', () => {
		expect(rate(0, 0, true)).toBe('poor');
		expect(rate(0, 0, false)).toBe('good');
	});
});
