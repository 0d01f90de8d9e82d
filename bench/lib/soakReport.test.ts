import { describe, expect, it } from 'vitest';
import { type SoakResult, type SoakSample, bucketMinima, fitSeries, linearFit, soakMarkdown, soakSummary } from './soakReport.js';

const MIB = 2 ** 20;
const MIN = 60_000;

/** Samples every 5 s for `minutes`: a heap that saws by 4 MiB every minute on top of `heapPerHour`, flat RSS. */
function run(minutes: number, heapPerHour: number, workerPerHour = 0): SoakSample[] {
	const out: SoakSample[] = [];
	for (let t = 0; t <= minutes * MIN; t += 5_000) {
		const saw = ((t % MIN) / MIN) * 4 * MIB;
		out.push({ t, heapUsed: 30 * MIB + saw + (heapPerHour * t) / 3_600_000, serverRss: 110 * MIB, workerRss: 20 * MIB + (workerPerHour * t) / 3_600_000, participants: 8, rooms: 2 });
	}
	return out;
}

describe('soak analysis', () => {
	it('linearFit recovers a line and its R², with a standard error that grows with noise', () => {
		const exact = linearFit([0, 1, 2, 3, 4].map((x) => ({ x, y: 3 + 2 * x })));
		expect(exact.slope).toBeCloseTo(2);
		expect(exact.intercept).toBeCloseTo(3);
		expect(exact.r2).toBeCloseTo(1);
		expect(exact.slopeErr).toBeCloseTo(0);
		const noisy = linearFit([0, 1, 2, 3, 4, 5].map((x) => ({ x, y: 2 * x + (x % 2 ? 1 : -1) })));
		expect(noisy.slope).toBeCloseTo(2, 0);
		expect(noisy.slopeErr).toBeGreaterThan(0.1);
		expect(linearFit([{ x: 1, y: 1 }, { x: 2, y: 2 }]).slope).toBeNaN();
		expect(linearFit([1, 1, 1].map((x) => ({ x, y: x }))).slope).toBeNaN();
	});

	it('reports a slope per hour and leaves the warm-up out', () => {
		// A start-up jump of 50 MiB in the first 5 minutes, flat afterwards.
		const samples = run(30, 0).map((s) => (s.t < 5 * MIN ? { ...s, serverRss: s.serverRss - 50 * MIB } : s));
		expect(fitSeries(samples, 5 * MIN, (s) => s.serverRss).slopePerHour).toBeCloseTo(0);
		expect(fitSeries(samples, 0, (s) => s.serverRss).slopePerHour).toBeGreaterThan(50 * MIB);
		const f = fitSeries(samples, 5 * MIN, (s) => s.serverRss);
		expect(f.n).toBe(samples.filter((s) => s.t >= 5 * MIN).length);
		expect(f.first).toBeCloseTo(110 * MIB);
	});

	it('the heap floor (per-minute minima) sees a leak through the sawtooth of collections', () => {
		const leaking = soakSummary(run(30, 12 * MIB), 5 * MIN);
		expect(leaking.heapFloor.slopePerHour / MIB).toBeCloseTo(12, 0);
		expect(leaking.heapFloor.r2).toBeGreaterThan(0.99);
		const flat = soakSummary(run(30, 0, 6 * MIB), 5 * MIN);
		expect(Math.abs(flat.heapFloor.slopePerHour)).toBeLessThan(0.01 * MIB);
		expect(flat.workerRss.slopePerHour / MIB).toBeCloseTo(6);
		expect(bucketMinima(run(3, 0), MIN, (s) => s.heapUsed).map((s) => s.t)).toEqual([0, MIN, 2 * MIN, 3 * MIN]);
	});

	it('the table names each series with its slope in MiB per hour', () => {
		const samples = run(10, -3 * MIB);
		const idle = { heapUsed: 30 * MIB, serverRss: 100 * MIB, workerRss: 11 * MIB, participants: 0, rooms: 0 };
		const r: SoakResult = {
			startedAt: 'a', finishedAt: 'b', command: 'npm run bench:soak -- --minutes 10', minutes: 10, settings: { rooms: 2 }, machine: { cores: 2 },
			counts: { join: 5 }, failures: {}, idle: { before: idle, after: undefined }, samples, summary: soakSummary(samples, MIN),
		};
		const md = soakMarkdown(r);
		expect(md).toContain('| server V8 heap, per-minute floor | −3.00 ± 0.00 |');
		expect(md).toContain('| mediasoup workers RSS | +0.00 ± 0.00 | 20.0 → 20.0 |');
		expect(md).toContain('| mediasoup workers RSS | 11.0 | – |');
		expect(md).toContain('Failed requests: none.');
		expect(md).not.toContain('anonymous');
		const withAnon = samples.map((x) => ({ ...x, serverAnon: 60 * MIB, workerAnon: 8 * MIB + (2 * MIB * x.t) / 3_600_000 }));
		const anon = soakMarkdown({ ...r, samples: withAnon, idle: { before: { ...idle, workerAnon: 8 * MIB }, after: undefined }, summary: soakSummary(withAnon, MIN) });
		expect(anon).toContain('| mediasoup workers RSS, anonymous | +2.00 ± 0.00 |');
		expect(anon).toContain('| mediasoup workers RSS, anonymous | 8.0 | – |');
	});
});
