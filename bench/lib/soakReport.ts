/**
 * Pure analysis of a soak run (bench:soak): memory samples over time → a least-squares line per
 * series after the warm-up, as a slope per hour. Unit-tested in soakReport.test.ts.
 */

/** One memory sample of the server under churn. */
export interface SoakSample {
	/** ms since the churn started. */
	t: number;
	/** The server process: V8 heap used and resident set. */
	heapUsed: number;
	serverRss: number;
	/** All mediasoup workers of the server together. */
	workerRss: number;
	/** The same without file-backed pages (rssAnonBytes); absent in runs before 2026-12-03 08:30. */
	serverAnon?: number;
	workerAnon?: number;
	participants: number;
	rooms: number;
}

export interface Fit {
	/** Per hour, in the series' unit (bytes). */
	slopePerHour: number;
	/** Standard error of the slope, per hour. */
	slopeErrPerHour: number;
	/** Fitted value at the warm-up's end and at the last sample. */
	first: number;
	last: number;
	r2: number;
	n: number;
}

const HOUR_MS = 3_600_000;

/** Least-squares line through (x, y): slope, intercept, R² and the slope's standard error; NaN below 3 points. */
export function linearFit(points: ReadonlyArray<{ x: number; y: number }>): { slope: number; intercept: number; r2: number; slopeErr: number } {
	const n = points.length;
	if (n < 3) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, slopeErr: Number.NaN };
	const mx = points.reduce((s, p) => s + p.x, 0) / n;
	const my = points.reduce((s, p) => s + p.y, 0) / n;
	let sxx = 0;
	let sxy = 0;
	let syy = 0;
	for (const p of points) {
		sxx += (p.x - mx) ** 2;
		sxy += (p.x - mx) * (p.y - my);
		syy += (p.y - my) ** 2;
	}
	if (sxx === 0) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, slopeErr: Number.NaN };
	const slope = sxy / sxx;
	const intercept = my - slope * mx;
	const sse = Math.max(0, syy - slope * sxy);
	return { slope, intercept, r2: syy > 0 ? 1 - sse / syy : 1, slopeErr: Math.sqrt(sse / (n - 2) / sxx) };
}

/** The line through one series' samples after `warmupMs`, its slope per hour. */
export function fitSeries(samples: readonly SoakSample[], warmupMs: number, pick: (s: SoakSample) => number): Fit {
	const pts = samples.filter((s) => s.t >= warmupMs).map((s) => ({ x: s.t, y: pick(s) }));
	const f = linearFit(pts);
	const x0 = pts[0]?.x ?? Number.NaN;
	const x1 = pts.at(-1)?.x ?? Number.NaN;
	return { slopePerHour: f.slope * HOUR_MS, slopeErrPerHour: f.slopeErr * HOUR_MS, first: f.intercept + f.slope * x0, last: f.intercept + f.slope * x1, r2: f.r2, n: pts.length };
}

/**
 * The lowest value of each `bucketMs` slice: for the V8 heap, which saws between collections,
 * about what survives a collection (its floor), which is what a leak raises.
 */
export function bucketMinima(samples: readonly SoakSample[], bucketMs: number, pick: (s: SoakSample) => number): SoakSample[] {
	const out = new Map<number, SoakSample>();
	for (const s of samples) {
		const k = Math.floor(s.t / bucketMs);
		const cur = out.get(k);
		if (!cur || pick(s) < pick(cur)) out.set(k, s);
	}
	return [...out.values()];
}

export interface SoakSummary {
	warmupMs: number;
	heapUsed: Fit;
	/** The heap's per-minute floor (see bucketMinima). */
	heapFloor: Fit;
	serverRss: Fit;
	workerRss: Fit;
	serverAnon?: Fit;
	workerAnon?: Fit;
}

export function soakSummary(samples: readonly SoakSample[], warmupMs: number): SoakSummary {
	const heap = (s: SoakSample) => s.heapUsed;
	return {
		warmupMs,
		heapUsed: fitSeries(samples, warmupMs, heap),
		heapFloor: fitSeries(bucketMinima(samples, 60_000, heap), warmupMs, heap),
		serverRss: fitSeries(samples, warmupMs, (s) => s.serverRss),
		workerRss: fitSeries(samples, warmupMs, (s) => s.workerRss),
		...(samples.every((s) => s.serverAnon !== undefined && s.workerAnon !== undefined) && samples.length > 0
			? { serverAnon: fitSeries(samples, warmupMs, (s) => s.serverAnon!), workerAnon: fitSeries(samples, warmupMs, (s) => s.workerAnon!) }
			: {}),
	};
}

/** Counts of what the churn did, and the failures by code. */
export type SoakCounts = Record<string, number>;

export interface SoakResult {
	startedAt: string;
	finishedAt: string;
	command: string;
	minutes: number;
	settings: Record<string, number | string>;
	machine: Record<string, unknown>;
	/** What else ran on the machine, from `--note`. */
	note?: string;
	counts: SoakCounts;
	failures: SoakCounts;
	/** Memory with no room, before the churn and after everyone left. */
	idle: { before: Omit<SoakSample, 't'>; after: Omit<SoakSample, 't'> | undefined };
	samples: SoakSample[];
	summary: SoakSummary;
}

const mib = (b: number, digits = 1) => (b / 2 ** 20).toFixed(digits);
const mibSigned = (b: number) => `${b >= 0 ? '+' : '−'}${mib(Math.abs(b), 2)}`;

/** The run as a Markdown table: per series the slope per hour (± standard error) and the fitted start and end. */
export function soakMarkdown(r: SoakResult): string {
	const s = r.summary;
	const row = (name: string, f: Fit) => `| ${name} | ${mibSigned(f.slopePerHour)} ± ${mib(f.slopeErrPerHour, 2)} | ${mib(f.first)} → ${mib(f.last)} | ${f.r2.toFixed(2)} | ${f.n} |`;
	const before = r.idle.before;
	const after = r.idle.after;
	const idleRow = (name: string, pick: (x: Omit<SoakSample, 't'>) => number) => `| ${name} | ${mib(pick(before))} | ${after ? mib(pick(after)) : '–'} |`;
	return `# bench:soak, ${r.startedAt} – ${r.finishedAt}

\`${r.command}\`: ${r.minutes} min of churn, the first ${(s.warmupMs / 60_000).toFixed(1)} min warm-up (not fitted).
Settings: ${Object.entries(r.settings).map(([k, v]) => `${k} ${v}`).join(', ')}.
Machine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${Array.isArray(v) ? v.map((x) => Number(x).toFixed(1)).join('/') : v}`).join(', ')}.${r.note ? `\n${r.note}` : ''}

| series | slope, MiB per hour | fitted MiB, after warm-up → end | R² | samples |
|---|---|---|---|---|
${row('server V8 heap used', s.heapUsed)}
${row('server V8 heap, per-minute floor', s.heapFloor)}
${row('server RSS', s.serverRss)}
${row('mediasoup workers RSS', s.workerRss)}
${s.serverAnon ? `${row('server RSS, anonymous', s.serverAnon)}\n` : ''}${s.workerAnon ? `${row('mediasoup workers RSS, anonymous', s.workerAnon)}\n` : ''}
| no room | before the churn, MiB | after everyone left, MiB |
|---|---|---|
${idleRow('server V8 heap used', (x) => x.heapUsed)}
${idleRow('server RSS', (x) => x.serverRss)}
${idleRow('mediasoup workers RSS', (x) => x.workerRss)}
${before.workerAnon !== undefined ? `${idleRow('mediasoup workers RSS, anonymous', (x) => x.workerAnon ?? Number.NaN)}\n` : ''}
Churn: ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}.
Failed requests: ${Object.keys(r.failures).length ? Object.entries(r.failures).map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}.
`;
}
