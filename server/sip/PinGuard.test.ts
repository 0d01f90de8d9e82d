import { describe, expect, it } from 'vitest';
import { PIN_WINDOW_MS, PinGuard, type PinGuesser } from './PinGuard.js';
import { WindowLimit } from './WindowLimit.js';

const budget = { perCaller: 5, perTrunk: 20, perBridge: 30 };
const a: PinGuesser = { caller: 'hash-a', trunk: '203.0.113.10' };
const b: PinGuesser = { caller: 'hash-b', trunk: '203.0.113.10' };

/** Guesses every `stepMs` for `durationMs` whenever allowed; returns the times of the wrong PINs. */
function greedy(g: PinGuard, who: (i: number) => PinGuesser, stepMs: number, durationMs: number): number[] {
	const times: number[] = [];
	for (let t = 0, i = 0; t < durationMs; t += stepMs, i++) {
		const w = who(i);
		if (g.refusal(w, t) === undefined) {
			g.failed(w, t);
			times.push(t);
		}
	}
	return times;
}

/** The most events inside any window [s, s + PIN_WINDOW_MS). The busiest window starts at an event. */
function busiestWindow(times: number[]): number {
	let most = 0;
	for (const start of times) most = Math.max(most, times.filter((t) => t >= start && t < start + PIN_WINDOW_MS).length);
	return most;
}

describe('PinGuard', () => {
	it('lets one caller enter at most perCaller wrong PINs in every 60 s window, the first minute included', () => {
		const g = new PinGuard(budget);
		const times = greedy(g, () => a, 50, 10 * PIN_WINDOW_MS);
		expect(times.filter((t) => t < PIN_WINDOW_MS)).toHaveLength(5); // a token bucket let 2×5−1 through here
		expect(busiestWindow(times)).toBe(5);
		expect(times.length).toBe(50); // and 5 a minute over ten minutes: the limit is the rate
	});

	it('a guesser spends only its own budget: another caller on the same trunk still tries its PIN', () => {
		const g = new PinGuard(budget);
		for (let i = 0; i < 5; i++) g.failed(a, 1000 + i);
		expect(g.refusal(a, 2000)).toBe('caller');
		expect(g.refusal(b, 2000)).toBeUndefined();
		expect(g.refusal(a, 1000 + PIN_WINDOW_MS)).toBeUndefined(); // the first wrong PIN left the window
	});

	it('one guesser changing numbers is stopped by the trunk budget, in every window', () => {
		const g = new PinGuard(budget);
		const times = greedy(g, (i) => ({ caller: `n${i}`, trunk: a.trunk }), 100, 5 * PIN_WINDOW_MS);
		expect(busiestWindow(times)).toBe(20);
		expect(g.refusal({ caller: 'fresh', trunk: a.trunk }, times[19] ?? 0)).toBe('trunk');
		expect(g.refusal({ caller: 'fresh', trunk: '198.51.100.7' }, times[19] ?? 0)).toBeUndefined();
	});

	it('guessers on many trunks are stopped by the bridge budget, in every window', () => {
		const g = new PinGuard(budget);
		const times = greedy(g, (i) => ({ caller: `n${i}`, trunk: `t${i % 7}` }), 100, 5 * PIN_WINDOW_MS);
		expect(busiestWindow(times)).toBe(30);
		expect(times.length).toBeLessThanOrEqual(30 * 5);
		expect(g.refusal({ caller: 'fresh', trunk: 'fresh' }, times[29] ?? 0)).toBe('bridge');
	});

	it('keeps a caller only while it has a wrong PIN inside the window', () => {
		const g = new PinGuard(budget);
		g.failed(a, 0);
		g.failed(b, 30_000);
		expect(g.callersHeld(59_999)).toBe(2);
		expect(g.callersHeld(PIN_WINDOW_MS)).toBe(1);
		expect(g.callersHeld(30_000 + PIN_WINDOW_MS)).toBe(0);
	});
});

describe('WindowLimit', () => {
	it('an event at t counts until t + window, not at t + window', () => {
		const w = new WindowLimit(1, 1000);
		w.record('k', 0);
		expect(w.allowed('k', 999)).toBe(false);
		expect(w.allowed('k', 1000)).toBe(true);
	});

	it('never holds more than `limit` times per key, however often it records', () => {
		const w = new WindowLimit(2, 1000);
		for (let i = 0; i < 100; i++) w.record('k', i);
		expect(w.allowed('k', 998)).toBe(false);
		expect(w.allowed('k', 1000)).toBe(false); // 98 and 99 are kept, and they still count
		expect(w.allowed('k', 1098)).toBe(true);
		expect(w.size(1099)).toBe(0);
	});
});
