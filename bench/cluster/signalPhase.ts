import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { percentile } from '../lib/stats.js';
import { type FailoverMiss, type FailoverSample, signalOwnerOnce } from './failover.js';

/** p50, p95 and max of one figure over the runs that came back. */
export interface Spread { p50: number; p95: number; max: number }

/** The failover phase (SIGKILL) or the drain phase (SIGTERM), `runs` times, each on fresh nodes. */
export interface SignalPhaseResult {
	date: string; signal: 'SIGKILL' | 'SIGTERM'; runs: number; notBack: number; misses: FailoverMiss[];
	newOwnerMs: Spread; nodeMs: Spread; everyoneMs: Spread;
	/** Media gaps (ms): the signalled node's publishers as seen by the others, what its participant saw, between the others. */
	gaps: { itsMedia: Spread; itSaw: Spread; survivors: Spread };
	/** SIGTERM only: exit codes of the drained nodes, and ms from the signal to the exit. */
	exitCodes?: Array<number | null | 'not exited'>; exitMs?: Spread;
	samples: FailoverSample[];
}

const spread = (all: number[]): Spread => {
	const xs = all.filter(Number.isFinite);
	return { p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length ? Math.max(...xs) : Number.NaN };
};
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs the phase; a run after which someone is not back is recorded (pages' state, log dir), not fatal. */
export async function signalPhase(browser: Browser, logDir: string, signal: 'SIGKILL' | 'SIGTERM', runs: number): Promise<SignalPhaseResult> {
	const what = signal === 'SIGKILL' ? 'kill' : 'drain';
	const samples: FailoverSample[] = [];
	const misses: FailoverMiss[] = [];
	for (let k = 0; k < runs; k++) {
		const r = await signalOwnerOnce(browser, mkdtempSync(join(logDir, `${what}-${k + 1}-`)), signal);
		if ('error' in r) {
			misses.push(r);
			console.log(`${what} ${k + 1}/${runs}: owner ${r.node}; NOT everyone back: ${r.error}; exit ${r.exitCode ?? '-'}; pages ${JSON.stringify(r.pages)}; logs in ${r.logDir}`);
			continue;
		}
		samples.push(r);
		const exit = r.exitCode === undefined ? '' : `; exit ${r.exitCode} after ${s(r.exitMs ?? Number.NaN)}`;
		console.log(`${what} ${k + 1}/${runs}: owner ${r.node}; new owner after ${s(r.newOwnerMs)}; its participant back after ${s(r.nodeMs)}, everyone after ${s(r.everyoneMs)}; gaps: its media ${s(r.gaps.itsMediaMs)}, it saw ${s(r.gaps.itSawMs)}, between the others ${s(r.gaps.survivorsMs)}${exit}`);
	}
	const of = (f: (x: FailoverSample) => number) => spread(samples.map(f));
	const result: SignalPhaseResult = {
		date: new Date().toISOString(), signal, runs, notBack: misses.length, misses,
		newOwnerMs: of((x) => x.newOwnerMs), nodeMs: of((x) => x.nodeMs), everyoneMs: of((x) => x.everyoneMs),
		gaps: { itsMedia: of((x) => x.gaps.itsMediaMs), itSaw: of((x) => x.gaps.itSawMs), survivors: of((x) => x.gaps.survivorsMs) },
		samples,
	};
	if (signal === 'SIGTERM') {
		result.exitCodes = [...samples, ...misses].map((x) => x.exitCode ?? 'not exited');
		result.exitMs = of((x) => x.exitMs ?? Number.NaN);
	}
	const g = result.gaps;
	console.log(`${what} phase (${runs} runs, ${misses.length} with someone not back in 30 s): everyone back p50 ${s(result.everyoneMs.p50)}, p95 ${s(result.everyoneMs.p95)}; gap of its media p50 ${s(g.itsMedia.p50)}, p95 ${s(g.itsMedia.p95)}; it saw p50 ${s(g.itSaw.p50)}, p95 ${s(g.itSaw.p95)}; between the others p50 ${s(g.survivors.p50)}, p95 ${s(g.survivors.p95)}, max ${s(g.survivors.max)}`);
	return result;
}
