import { describe, expect, it } from 'vitest';
import { JitterBuffer, seqDiff } from './JitterBuffer.js';

const f = (n: number) => Buffer.from([n]);

describe('JitterBuffer', () => {
	it('waits for its depth, then plays in sequence order', () => {
		const jb = new JitterBuffer(2);
		jb.push(11, 160, f(11), 0);
		expect(jb.pop()).toBeUndefined();
		jb.push(10, 0, f(10), 0);
		expect(jb.pop()).toEqual(f(10));
		expect(jb.pop()).toEqual(f(11));
	});

	it('conceals one lost frame, then plays on and counts the loss', () => {
		const jb = new JitterBuffer(1);
		jb.push(1, 0, f(1), 0);
		jb.push(3, 320, f(3), 320);
		expect(jb.pop()).toEqual(f(1));
		expect(jb.pop()).toBe('conceal');
		expect(jb.pop()).toEqual(f(3));
		expect(jb.lost).toBe(1);
	});

	it('handles the 16-bit sequence wrap and drops frames that come too late', () => {
		const jb = new JitterBuffer(1);
		jb.push(65535, 0, f(1), 0);
		jb.push(0, 160, f(2), 160);
		expect(jb.pop()).toEqual(f(1));
		expect(jb.pop()).toEqual(f(2));
		jb.push(65535, 0, f(9), 0);
		expect(jb.pop()).toBeUndefined();
		expect(seqDiff(0, 65535)).toBe(1);
	});

	it('skips ahead when the far end jumps (bounded memory)', () => {
		const jb = new JitterBuffer(1, 4);
		for (let s = 100; s < 110; s++) jb.push(s, s * 160, f(s), s * 160);
		expect(jb.pop()).toEqual(f(106));
	});
});
