import { describe, expect, it } from 'vitest';
import { pickWorker } from './placement.js';

const w = (index: number, load: number, routers = 0, alive = true) => ({ index, load, routers, alive });

describe('pickWorker', () => {
	it('picks the worker with the fewest producers + consumers', () => {
		expect(pickWorker([w(0, 40), w(1, 3), w(2, 17)])?.index).toBe(1);
	});
	it('on equal load picks the worker with fewer rooms, then the lowest index', () => {
		expect(pickWorker([w(0, 0, 2), w(1, 0, 1), w(2, 0, 1)])?.index).toBe(1);
		expect(pickWorker([w(0, 5), w(1, 5)])?.index).toBe(0);
	});
	it('never picks a dead worker, even an idle one', () => {
		expect(pickWorker([w(0, 0, 0, false), w(1, 90)])?.index).toBe(1);
	});
	it('returns undefined when no worker is alive', () => {
		expect(pickWorker([w(0, 0, 0, false)])).toBeUndefined();
		expect(pickWorker([])).toBeUndefined();
	});
});
