import { passes, type Window } from '../scenarios.js';
import type { SystemName } from '../systems/types.js';
import { bootstrap, passMidpoint, type Resampled, type Trial } from './passCurve.js';
import { percentile, ratio } from './stats.js';

/** One count probed on one system: its windows, interleaved in time with the other systems'. */
export interface EdgeProbe { system: SystemName; target: number; consumers: number; windows: Window[]; passed: boolean }

export interface EdgeSystemSummary {
	/** Video consumers at which half the windows pass (logistic fit over all of them), resampled. */
	halfPass: Resampled & { fit: number };
	/** Largest video-consumer count that passed, with every smaller probe passing (0: none). */
	largest: number;
	/** The smallest count that failed (null: none did). */
	firstFailed: number | null;
	/** `largest` ÷ the median SFU CPU (cores) of its windows. */
	consumersPerCore: number;
	sfuCpuPct: number;
	nodeCpuPct: number;
}

export interface EdgeResult {
	startedAt: string;
	finishedAt: string;
	windowS: number;
	windowsPerProbe: number;
	systems: SystemName[];
	probes: EdgeProbe[];
	summary: Partial<Record<SystemName, EdgeSystemSummary>>;
}

/** Every window of one system's probes as a pass/fail trial at its video-consumer count. */
export function trialsOf(probes: readonly EdgeProbe[], n: SystemName): Trial[] {
	return probes.filter((p) => p.system === n).flatMap((p) => p.windows.map((w) => ({ x: w.videoConsumers, pass: passes(w) })));
}

export function edgeSummary(probes: readonly EdgeProbe[], names: readonly SystemName[]): Partial<Record<SystemName, EdgeSystemSummary>> {
	const out: Partial<Record<SystemName, EdgeSystemSummary>> = {};
	for (const n of names) {
		const mine = probes.filter((p) => p.system === n).sort((a, b) => a.consumers - b.consumers);
		const failedAt = mine.findIndex((p) => !p.passed);
		const best = (failedAt < 0 ? mine : mine.slice(0, failedAt)).at(-1);
		const median = (f: (w: Window) => number) => (best ? percentile(best.windows.map(f), 50) : Number.NaN);
		const cores = median((w) => w.sfuCores);
		const trials = trialsOf(probes, n);
		out[n] = {
			halfPass: { fit: passMidpoint(trials), ...bootstrap([trials], ([t]) => passMidpoint(t!)) },
			largest: best?.consumers ?? 0,
			firstFailed: failedAt < 0 ? null : mine[failedAt]!.consumers,
			consumersPerCore: best ? best.consumers / cores : Number.NaN,
			sfuCpuPct: 100 * cores,
			nodeCpuPct: 100 * median((w) => w.controllerCores),
		};
	}
	return out;
}

/** Plenum's half-pass count ÷ another system's, with both systems' windows resampled together. */
export function halfPassRatio(probes: readonly EdgeProbe[], other: SystemName): Resampled {
	const sets = [trialsOf(probes, 'plenum'), trialsOf(probes, other)];
	return bootstrap(sets, ([p, o]) => ratio(passMidpoint(p!), passMidpoint(o!)));
}

const fmt = (x: number | null | undefined, d = 0) => (x != null && Number.isFinite(x) ? x.toFixed(d) : '–');
const range = (r: Resampled, d = 0) => (Number.isFinite(r.lo) ? `${fmt(r.lo, d)}–${fmt(r.hi, d)}` : '–');
const pct = (x: number, d: number) => (100 * x).toFixed(d);

export function edgeMarkdown(r: EdgeResult): string {
	const S = r.summary;
	const others = r.systems.filter((n) => n !== 'plenum');
	const ratioCols = r.systems.includes('plenum') ? others : [];
	// `of`: the figure Plenum ÷ each other system is taken of, where that ratio means something.
	type Row = { label: string; cell: (s: EdgeSystemSummary) => string; of?: (s: EdgeSystemSummary) => number };
	const rows: Row[] = [
		{ label: 'video consumers where half the windows pass (fit; 10–90 % of resamples)', cell: (s) => `${fmt(s.halfPass.fit)} (${range(s.halfPass)})`, of: (s) => s.halfPass.fit },
		{ label: 'largest count under 1 % loss (video consumers)', cell: (s) => fmt(s.largest), of: (s) => s.largest },
		{ label: 'video consumers per core at that count', cell: (s) => fmt(s.consumersPerCore), of: (s) => s.consumersPerCore },
		{ label: 'SFU CPU there, % of a core (of it Node)', cell: (s) => `${fmt(s.sfuCpuPct)} (${fmt(s.nodeCpuPct, 1)})` },
		{ label: 'smallest count that failed', cell: (s) => fmt(s.firstFailed) },
	];
	const lines = [
		'# Paired capacity search (webinar: 2 publishers, audio + video)',
		'',
		`Run ${r.startedAt} → ${r.finishedAt}. All systems run at once on the SFU's CPU, each with its own webinar room, always of the same size; each probe is ${r.windowsPerProbe} windows of ${r.windowS} s per system, interleaved (the media goes to one system at a time, each window from an idle SFU), and passes on most of them (a window passes with video loss under 1 % and 95–105 % delivered). Each system's search climbs the coarse steps until a probe fails, then bisects; the searches choose the probes' counts in turn, and every system takes every probe; once both are done, the last probes (if any) go where one system's fitted curve crosses one half. The first row reads every window at once: a logistic curve of the chance that a window passes, fitted over the count (maximum likelihood), and the count where it is one half; the windows are resampled to give its spread. The search's own verdicts follow: near the edge one window passes and the next fails at the same count, so they move by tens of consumers between runs.`,
		'',
		`| metric | ${r.systems.join(' | ')} |${ratioCols.map((n) => ` plenum ÷ ${n} |`).join('')}`,
		`|---|${r.systems.map(() => '---|').join('')}${ratioCols.map(() => '---|').join('')}`,
	];
	for (const row of rows) {
		const cells = r.systems.map((n) => (S[n] ? row.cell(S[n]!) : '–'));
		const ratios = ratioCols.map((n) => (row.of && S.plenum && S[n] ? fmt(ratio(row.of(S.plenum), row.of(S[n]!)), 2) : ''));
		lines.push(`| ${row.label} | ${cells.join(' | ')} |${ratios.map((x) => ` ${x} |`).join('')}`);
	}
	for (const n of ratioCols) {
		const r50 = halfPassRatio(r.probes, n);
		lines.push('', `Plenum ÷ ${n} where half the windows pass: ${fmt(r50.median, 2)}, 10–90 % of 1000 resamples of both systems' windows ${range(r50, 2)}.`);
	}
	lines.push('', '## Probes, in the order measured', '', '| system | video consumers | passed | windows: SFU CPU % (Node %), video loss %, delivered % |', '|---|---|---|---|');
	for (const p of r.probes) {
		const ws = p.windows.map((w) => `${passes(w) ? '✓' : '✗'} ${pct(w.sfuCores, 0)} (${pct(w.controllerCores, 1)}), ${pct(w.videoLoss, 2)}, ${pct(w.videoDelivered, 1)}`);
		lines.push(`| ${p.system} | ${p.consumers} | ${p.passed ? 'yes' : 'no'} (${p.windows.filter(passes).length}/${p.windows.length}) | ${ws.join('; ')} |`);
	}
	return `${lines.join('\n')}\n`;
}

