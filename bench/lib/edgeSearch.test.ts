import { describe, expect, it } from 'vitest';
import { EdgeSearch, majority } from './edgeSearch.js';

/** Runs a search against a system that passes every count up to `edge`. */
function run(search: EdgeSearch, edge: number): number[] {
	const probed: number[] = [];
	for (let n = search.next(); n !== undefined && probed.length < 20; n = search.next()) {
		probed.push(n);
		search.record(n, n <= edge);
	}
	return probed;
}

describe('edge search', () => {
	it('climbs the coarse steps, then bisects to within the gap', () => {
		const s = new EdgeSearch([200, 250, 300, 350], 2, 8);
		expect(run(s, 281)).toEqual([200, 250, 300, 276, 288, 282]);
		expect(s.lo).toBe(276);
		expect(s.hi).toBe(282);
	});

	it('bisects below the first step when that already fails, and stops when all pass', () => {
		const low = new EdgeSearch([200, 300], 2, 16);
		run(low, 120);
		expect(low.lo).toBeGreaterThan(100);
		expect(low.hi - low.lo).toBeLessThanOrEqual(16);
		const all = new EdgeSearch([200, 300], 2, 16);
		expect(run(all, 1000)).toEqual([200, 300]);
		expect(all.hi).toBe(Number.POSITIVE_INFINITY);
	});

	it('a pass above a failure does not move the answer above the failure', () => {
		const s = new EdgeSearch([200, 300], 2, 16);
		s.record(100, true);
		s.record(200, false);
		s.record(250, true);
		expect(s.lo).toBe(100);
		expect(s.next()).toBe(150);
	});

	it('a probe passes on most of its windows', () => {
		expect(majority([true, false, true])).toBe(true);
		expect(majority([true, false])).toBe(false);
		expect(majority([])).toBe(false);
	});
});
