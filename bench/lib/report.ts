import { type AudioRoomResult, type JoinStormResult, passes, type RampResult, type Window } from '../scenarios.js';
import type { SystemName } from '../systems/types.js';
import { largestPassing, ratio, slope, type Spread, spread } from './stats.js';

/** The physical ceiling of SFU forwarding on this machine (shared/limits/REPORT.md): video consumers per core. */
export const CEILING_VIDEO_CONSUMERS_PER_CORE = 2_000;
/** Its like-for-like row: one socket, one sendto per packet (libuv's path), AES-GCM (what mediasoup negotiates). */
export const CEILING_LIKE_MEDIASOUP = 1_849;

export type SystemRun =
	// A scenario left out (--scenarios) or not reached (the system failed: `error`) is undefined.
	{ system: SystemName; rep: number; ramp?: RampResult; meeting?: Window; audio?: AudioRoomResult; storm?: JoinStormResult; error?: string };

export interface SystemSummary {
	/** Video consumers ÷ SFU CPU (cores), at the ramp's largest step under 1 % loss. */
	consumersPerCore: Spread;
	/**
	 * 1 ÷ the marginal SFU CPU of a video consumer (least-squares slope over the ramp's passing
	 * steps): what a whole core would carry, without the fixed cost and the overload edge's noise.
	 */
	marginalConsumersPerCore: Spread;
	/** The ramp's largest step under 1 % loss (SFU pinned to one shared core). */
	maxConsumers: Spread;
	/** True when a ramp never reached 1 % loss (its last step is a lower bound). */
	rampCapped: boolean;
	/** % of a core per forwarded Mbit/s, at that step. */
	cpuPctPerMbps: Spread;
	/** % of a core per video consumer (incl. its audio), at that step. */
	cpuPctPerConsumer: Spread;
	audioConsumersPerCore: Spread;
	latencyP50: Spread;
	latencyP95: Spread;
	latencyP99: Spread;
	joinP50: Spread;
	joinP95: Spread;
	joinFailed: number;
	memoryKiBPerParticipant: Spread;
	failedRuns: number;
}

export interface BenchResults {
	profile: string;
	startedAt: string;
	finishedAt: string;
	machine: { cpuModel: string; cores: number; memoryGiB: number; kernel: string; node: string; loadavg: number[] };
	setup: Record<string, unknown>;
	runs: SystemRun[];
	summary: Partial<Record<SystemName, SystemSummary>>;
}

const NONE = Number.NaN;

export function summarize(runs: SystemRun[], names: SystemName[]): Partial<Record<SystemName, SystemSummary>> {
	const out: Partial<Record<SystemName, SystemSummary>> = {};
	for (const name of names) {
		const mine = runs.filter((r) => r.system === name);
		const ok = mine; // a failed run still counts with the scenarios it finished
		const best = ok.map((r) => largestPassing((r.ramp?.steps ?? []).map((s) => ({ ...s, consumers: s.videoConsumers })), passes));
		const at = (f: (w: Window) => number) => spread(best.map((b) => (b ? f(b) : Number.NaN)));
		out[name] = {
			consumersPerCore: at((w) => w.videoConsumers / w.sfuCores),
			marginalConsumersPerCore: spread(ok.map((r, i) => {
				const edge = best[i]?.videoConsumers ?? 0;
				const below = (r.ramp?.steps ?? []).filter((w) => w.videoConsumers <= edge && passes(w));
				return 1 / slope(below.map((w) => ({ x: w.videoConsumers, y: w.sfuCores })));
			})),
			maxConsumers: at((w) => w.videoConsumers),
			rampCapped: ok.some((r) => r.ramp?.steps.every(passes)),
			cpuPctPerMbps: at((w) => (100 * w.sfuCores) / w.forwardedMbps),
			cpuPctPerConsumer: at((w) => (100 * w.sfuCores) / w.videoConsumers),
			audioConsumersPerCore: spread(ok.map((r) => (r.audio ? r.audio.audioConsumers / r.audio.sfuCores : NONE))),
			latencyP50: spread(ok.map((r) => r.meeting?.latencyMs.p50 ?? NONE)),
			latencyP95: spread(ok.map((r) => r.meeting?.latencyMs.p95 ?? NONE)),
			latencyP99: spread(ok.map((r) => r.meeting?.latencyMs.p99 ?? NONE)),
			joinP50: spread(ok.map((r) => r.storm?.p50 ?? NONE)),
			joinP95: spread(ok.map((r) => r.storm?.p95 ?? NONE)),
			joinFailed: ok.reduce((n, r) => n + (r.storm?.failed ?? 0), 0),
			memoryKiBPerParticipant: spread(ok.map((r) => (r.audio ? r.audio.memoryPerParticipantBytes / 1024 : NONE))),
			failedRuns: mine.filter((r) => r.error).length,
		};
	}
	return out;
}

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const cell = (s: Spread | undefined, digits = 0) =>
	!s || s.n === 0 ? '–' : s.n === 1 ? fmt(s.median, digits) : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** The results as a markdown table: medians with (min–max) over repetitions, and Plenum's ratios. */
export function markdownReport(r: BenchResults): string {
	const names = Object.keys(r.summary) as SystemName[];
	const S = r.summary;
	const rows: Array<[string, (s: SystemSummary) => Spread, number, boolean]> = [
		// label, value, digits, higher is better
		['video consumers per core (< 1 % loss)', (s) => s.consumersPerCore, 0, true],
		['video consumers per core, marginal (CPU slope over passing steps)', (s) => s.marginalConsumersPerCore, 0, true],
		['largest ramp step under 1 % loss (video consumers)', (s) => s.maxConsumers, 0, true],
		['SFU CPU per forwarded Mbit/s (% of a core)', (s) => s.cpuPctPerMbps, 3, false],
		['SFU CPU per video consumer (% of a core)', (s) => s.cpuPctPerConsumer, 3, false],
		['audio consumers per core (audio-only room)', (s) => s.audioConsumersPerCore, 0, true],
		['latency p50, ms (meeting)', (s) => s.latencyP50, 2, false],
		['latency p95, ms (meeting)', (s) => s.latencyP95, 2, false],
		['latency p99, ms (meeting)', (s) => s.latencyP99, 2, false],
		['join → first RTP p50, ms (join storm)', (s) => s.joinP50, 0, false],
		['join → first RTP p95, ms (join storm)', (s) => s.joinP95, 0, false],
		['server memory per participant, KiB (audio room)', (s) => s.memoryKiBPerParticipant, 0, false],
	];
	const others = names.filter((n) => n !== 'plenum');
	const head = ['metric', ...names, ...(S.plenum ? others.map((o) => `plenum ÷ ${o}`) : [])];
	const lines = [
		`# Bench results (${r.profile})`,
		'',
		`Run ${r.startedAt} → ${r.finishedAt}. Machine: ${r.machine.cores} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Linux ${r.machine.kernel}, Node ${r.machine.node}; load average at the end ${r.machine.loadavg.map((l) => l.toFixed(2)).join(' / ')} (the machine is shared).`,
		`SFU pinned to CPU ${String(r.setup.sfuCpus)}, generator to CPU ${String(r.setup.genCpus)}. ${String(r.setup.reps)} repetition(s), interleaved; cells are median (min–max).`,
		'',
		`| ${head.join(' | ')} |`,
		`|${head.map(() => '---').join('|')}|`,
	];
	for (const [label, f, digits] of rows) {
		const vals = names.map((n) => cell(S[n] && f(S[n]!), digits));
		const ratios = S.plenum ? others.map((o) => fmt(ratio(f(S.plenum!).median, S[o] ? f(S[o]!).median : Number.NaN), 2)) : [];
		lines.push(`| ${[label, ...vals, ...ratios].join(' | ')} |`);
	}
	lines.push('');
	if (S.plenum) {
		const of = (c: number) => fmt(100 * ratio(S.plenum!.consumersPerCore.median, c), 0);
		lines.push(`Physical ceiling (shared/limits/REPORT.md, a C relay that only receives, decrypts once, encrypts per receiver and sends): about ${CEILING_VIDEO_CONSUMERS_PER_CORE} video consumers per core (best variant), ${CEILING_LIKE_MEDIASOUP} with mediasoup's socket pattern (one socket, one send per packet, AES-GCM). Plenum reaches ${of(CEILING_VIDEO_CONSUMERS_PER_CORE)} % and ${of(CEILING_LIKE_MEDIASOUP)} % of them.`);
	}
	const capped = names.filter((n) => S[n]?.rampCapped);
	if (capped.length) lines.push(`Ramp never reached 1 % loss for: ${capped.join(', ')} (their largest step is a lower bound).`);
	const failed = names.filter((n) => (S[n]?.failedRuns ?? 0) > 0);
	if (failed.length) lines.push(`Failed runs: ${failed.map((n) => `${n} ${S[n]!.failedRuns}`).join(', ')} (see the JSON).`);
	lines.push('', '## Ramp steps (webinar: video consumers, SFU CPU, loss)', '');
	lines.push('| system | rep | video consumers | SFU CPU % | of it Node % | softirq % | others on SFU CPU % | generator CPU % | video loss % | video delivered % | audio loss % | Mbit/s | p99 ms | UDP drops (generator) | passes |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	for (const run of r.runs) {
		if (run.error !== undefined) lines.push(`| ${run.system} | ${run.rep + 1} | failed: ${run.error} | | | | | | | | | | | | |`);
		for (const w of run.ramp?.steps ?? []) {
			lines.push(`| ${run.system} | ${run.rep + 1} | ${w.videoConsumers} | ${fmt(100 * w.sfuCores)} | ${fmt(100 * w.controllerCores)} | ${fmt(100 * w.softirqCores)} | ${fmt(100 * w.otherOnSfuCpu)} | ${fmt(100 * w.genCores)} | ${fmt(100 * w.videoLoss, 2)} | ${fmt(100 * w.videoDelivered, 1)} | ${fmt(100 * w.audioLoss, 2)} | ${fmt(w.forwardedMbps)} | ${fmt(w.latencyMs.p99, 1)} | ${w.udpDrops} (${w.generatorDrops}) | ${passes(w) ? 'yes' : 'no'} |`);
		}
	}
	return `${lines.join('\n')}\n`;
}

const COLORS: Record<SystemName, string> = { plenum: '#1f77b4', mediasoup: '#2ca02c', janus: '#d62728' };

/** Two panels: SFU CPU (cores) and video loss (%) against video consumers, one line per system and repetition. */
export function svgPlot(r: BenchResults): string {
	const ok = r.runs;
	const W = 900;
	const H = 380;
	const pad = { l: 55, r: 20, t: 40, b: 50 };
	const pw = (W - pad.l - pad.r - 60) / 2;
	const ph = H - pad.t - pad.b;
	const maxX = Math.max(100, ...ok.flatMap((x) => (x.ramp?.steps ?? []).map((s) => s.videoConsumers)));
	const maxCpu = Math.max(1, ...ok.flatMap((x) => (x.ramp?.steps ?? []).map((s) => s.sfuCores)));
	const maxLoss = 5;
	const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
	const panel = (x0: number, title: string, yMax: number, yLabel: string, y: (w: Window) => number) => {
		const sx = (v: number) => x0 + (v / maxX) * pw;
		const sy = (v: number) => pad.t + ph - (Math.min(v, yMax) / yMax) * ph;
		out.push(`<text x="${x0 + pw / 2}" y="${pad.t - 15}" text-anchor="middle" font-weight="bold">${title}</text>`);
		out.push(`<line x1="${x0}" y1="${pad.t + ph}" x2="${x0 + pw}" y2="${pad.t + ph}" stroke="black"/><line x1="${x0}" y1="${pad.t}" x2="${x0}" y2="${pad.t + ph}" stroke="black"/>`);
		for (let i = 0; i <= 4; i++) {
			const xv = (maxX * i) / 4;
			const yv = (yMax * i) / 4;
			out.push(`<text x="${sx(xv)}" y="${pad.t + ph + 16}" text-anchor="middle">${fmt(xv)}</text>`);
			out.push(`<text x="${x0 - 6}" y="${sy(yv) + 4}" text-anchor="end">${fmt(yv, yMax < 10 ? 2 : 0)}</text>`);
			out.push(`<line x1="${x0}" y1="${sy(yv)}" x2="${x0 + pw}" y2="${sy(yv)}" stroke="#ddd"/>`);
		}
		out.push(`<text x="${x0 + pw / 2}" y="${H - 12}" text-anchor="middle">video consumers</text>`);
		out.push(`<text transform="translate(${x0 - 42},${pad.t + ph / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`);
		for (const run of ok) {
			const pts = [...(run.ramp?.steps ?? [])].sort((a, b) => a.videoConsumers - b.videoConsumers).map((s) => `${sx(s.videoConsumers).toFixed(1)},${sy(y(s)).toFixed(1)}`);
			out.push(`<polyline fill="none" stroke="${COLORS[run.system]}" stroke-width="2" opacity="${run.rep === 0 ? 1 : 0.6}" points="${pts.join(' ')}"/>`);
			for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${COLORS[run.system]}"/>`);
		}
	};
	panel(pad.l, 'SFU CPU vs consumers', Math.ceil(maxCpu * 4) / 4, 'SFU CPU (cores)', (w) => w.sfuCores);
	panel(pad.l + pw + 60, 'Video loss vs consumers', maxLoss, 'loss % (clipped at 5)', (w) => 100 * w.videoLoss);
	const names = [...new Set(ok.map((x) => x.system))];
	names.forEach((n, i) => out.push(`<rect x="${pad.l + 10 + i * 110}" y="${pad.t + 6}" width="12" height="12" fill="${COLORS[n]}"/><text x="${pad.l + 27 + i * 110}" y="${pad.t + 16}">${n}</text>`));
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}
