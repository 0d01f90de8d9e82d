import { describe, expect, it } from 'vitest';
import { bootstrap, passMidpoint, type Trial } from './passCurve.js';

const at = (x: number, passes: number, fails: number): Trial[] => [
	...Array.from({ length: passes }, () => ({ x, pass: true })),
	...Array.from({ length: fails }, () => ({ x, pass: false })),
];

describe('pass curve', () => {
	it('puts the midpoint where half the windows pass', () => {
		const trials = [...at(200, 6, 0), ...at(225, 5, 1), ...at(250, 3, 3), ...at(275, 1, 5), ...at(300, 0, 6)];
		expect(passMidpoint(trials)).toBeCloseTo(250, 0);
	});

	it('leans towards the counts where fewer windows pass', () => {
		const trials = [...at(200, 3, 0), ...at(240, 1, 2), ...at(280, 0, 3)];
		const mid = passMidpoint(trials);
		expect(mid).toBeGreaterThan(200);
		expect(mid).toBeLessThan(240);
	});

	it('stays finite when passes and failures are perfectly separated', () => {
		const mid = passMidpoint([...at(200, 3, 0), ...at(220, 3, 0), ...at(240, 0, 3)]);
		expect(mid).toBeGreaterThan(220);
		expect(mid).toBeLessThan(240);
	});

	it('has no midpoint without both outcomes, or when passing grows with the count', () => {
		expect(passMidpoint(at(200, 3, 0))).toBeNaN();
		expect(passMidpoint(at(200, 0, 3))).toBeNaN();
		expect(passMidpoint([...at(200, 0, 3), ...at(300, 3, 0)])).toBeNaN();
	});

	it('resamples reproducibly, with a range around the median', () => {
		const a = [...at(200, 3, 0), ...at(230, 2, 1), ...at(260, 1, 2), ...at(290, 0, 3)];
		const b = [...at(200, 3, 0), ...at(240, 2, 1), ...at(280, 1, 2), ...at(320, 0, 3)];
		const ratio = (d: Trial[][]) => passMidpoint(d[0]!) / passMidpoint(d[1]!);
		const r1 = bootstrap([a, b], ratio, 300, 7);
		expect(bootstrap([a, b], ratio, 300, 7)).toEqual(r1);
		expect(r1.lo).toBeLessThan(r1.median);
		expect(r1.hi).toBeGreaterThan(r1.median);
		expect(r1.median).toBeGreaterThan(0.8);
		expect(r1.median).toBeLessThan(1);
	});
});
