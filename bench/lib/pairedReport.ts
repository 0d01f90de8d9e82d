import type { Window } from '../scenarios.js';
import type { SystemName } from '../systems/types.js';
import { ratio, type Spread, spread } from './stats.js';

/** One measurement window of the paired bench: `system` got the media, the others idled. */
export interface PairedWindow { system: SystemName; round: number; window: Window }

export interface PairedSystemSummary {
	/** Consumers (video; audio in an audio-only room) ÷ SFU CPU (cores) at the fixed load. */
	consumersPerCore: Spread;
	cpuPctPerConsumer: Spread;
	/** Video loss, or audio loss in an audio-only room (%). */
	loss: Spread;
	videoDelivered: Spread;
	latencyP50: Spread;
	latencyP99: Spread;
	/** Plenum's consumers per core ÷ this system's, round by round (only for systems other than Plenum). */
	plenumRatio?: Spread;
}

export interface PairedResult {
	startedAt: string;
	/** webinar: 2 publishers with audio + video; audio: 3 speakers, audio only. */
	room: 'webinar' | 'audio';
	finishedAt: string;
	consumers: number;
	rounds: number;
	windowS: number;
	systems: SystemName[];
	windows: PairedWindow[];
	summary: Partial<Record<SystemName, PairedSystemSummary>>;
}

/** Video consumers, or audio consumers in an audio-only room. */
export const consumersOf = (w: Window) => w.videoConsumers || w.audioConsumers;
/** Video loss, or audio loss in an audio-only room (a fraction). */
export const lossOf = (w: Window) => (w.videoConsumers ? w.videoLoss : w.audioLoss);
const perCore = (w: Window) => (w.sfuCores > 0 ? consumersOf(w) / w.sfuCores : Number.NaN);

/** Medians over rounds, and Plenum ÷ each other system within each round (a paired ratio). */
export function pairedSummary(windows: PairedWindow[], names: SystemName[]): Partial<Record<SystemName, PairedSystemSummary>> {
	const out: Partial<Record<SystemName, PairedSystemSummary>> = {};
	const of = (n: SystemName) => windows.filter((w) => w.system === n);
	for (const n of names) {
		const mine = of(n).map((x) => x.window);
		const s: PairedSystemSummary = {
			consumersPerCore: spread(mine.map(perCore)),
			cpuPctPerConsumer: spread(mine.map((w) => (100 * w.sfuCores) / consumersOf(w))),
			loss: spread(mine.map((w) => 100 * lossOf(w))),
			videoDelivered: spread(mine.map((w) => 100 * w.videoDelivered)),
			latencyP50: spread(mine.map((w) => w.latencyMs.p50)),
			latencyP99: spread(mine.map((w) => w.latencyMs.p99)),
		};
		if (n !== 'plenum' && names.includes('plenum')) {
			s.plenumRatio = spread(of(n).map((x) => {
				const p = of('plenum').find((y) => y.round === x.round);
				return p ? ratio(perCore(p.window), perCore(x.window)) : Number.NaN;
			}));
		}
		out[n] = s;
	}
	return out;
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const cell = (s: Spread | undefined, d = 0) => (!s || s.n === 0 ? '–' : `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})`);

export function pairedMarkdown(r: PairedResult): string {
	const S = r.summary;
	const kind = r.room === 'audio' ? 'audio' : 'video';
	type Row = [string, (s: PairedSystemSummary) => Spread | undefined, number];
	const rows: Row[] = [
		[`${kind} consumers per core`, (s) => s.consumersPerCore, 0],
		[`SFU CPU per ${kind} consumer (% of a core)`, (s) => s.cpuPctPerConsumer, 3],
		['Plenum ÷ this system, consumers per core (paired by round)', (s) => s.plenumRatio, 3],
		[`${kind} loss %`, (s) => s.loss, 2],
		// Delivery is counted for video only (an audio-only room has none to count).
		...(r.room === 'audio' ? [] : [['video delivered %', (s) => s.videoDelivered, 1] as Row]),
		['latency p50, ms', (s) => s.latencyP50, 2],
		['latency p99, ms', (s) => s.latencyP99, 2],
	];
	const lines = [
		`# Paired bench (fixed load, ${r.room === 'audio' ? 'audio-only room' : 'webinar'})`,
		'',
		`Run ${r.startedAt} → ${r.finishedAt}. ${r.consumers} ${kind} consumers (${r.room === 'audio' ? '3 speakers, audio only' : '2 publishers, audio + video'}) on each system, all started at once on the SFU's CPU; media goes to one system at a time, ${r.rounds} rounds of ${r.windowS} s windows in rotated order. Cells are median (min–max) over rounds.`,
		'',
		`| metric | ${r.systems.join(' | ')} |`,
		`|---|${r.systems.map(() => '---').join('|')}|`,
	];
	for (const [label, f, d] of rows) lines.push(`| ${label} | ${r.systems.map((n) => (n === 'plenum' && label.startsWith('Plenum ÷') ? '1' : cell(S[n] && f(S[n]!), d))).join(' | ')} |`);
	return `${lines.join('\n')}\n`;
}
