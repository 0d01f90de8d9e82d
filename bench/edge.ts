/**
 * Consumers per core at the overload edge, Plenum against bare mediasoup, paired in time: both
 * run at once on the SFU's CPU, each with a webinar room of the same size, and every probe
 * measures them in alternating windows, so drift of the shared machine hits both alike. The
 * searches for the two edges (coarse steps up, then bisection) choose the probes' counts in turn,
 * and a probe passes on most of its windows: near the edge one window passes and the next fails
 * at the same count. Then a few probes (--refine) go where each system's fitted pass curve
 * crosses one half. See bench/README.md.
 *
 *   npm run bench:edge
 *   npm run bench:edge -- --steps 200,250,300,350,400 --windows 3 --gap 8
 *   npm run bench:edge -- --report bench/results/edge.json    re-render a run's table
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_OPTION, mediaOptions, options, runBench, systemsOf } from './lib/cli.js';
import { type EdgeProbe, type EdgeResult, edgeMarkdown, edgeSummary, trialsOf } from './lib/edgeReport.js';
import { EdgeSearch, majority } from './lib/edgeSearch.js';
import { passMidpoint } from './lib/passCurve.js';
import { NEEDS } from './lib/preflight.js';
import { type Ports, setUp } from './lib/setup.js';
import { type Side, SideBySide, WEBINAR } from './lib/sideBySide.js';
import { joinSubscribers, leaveSubscribers, passes } from './scenarios.js';

// Apart from run.ts's and pair.ts's, so they can run at once (in their own namespaces).
const PORTS: Ports = { plenumRtc: 40_600, bareRtc: 40_700, janusWs: 40_800, janusRtp: [49_000, 52_999] };

const values = options({
	...mediaOptions('plenum,mediasoup'),
	...OUT_OPTION,
	steps: { type: 'string', default: '200,250,300,350,400,500' },
	windows: { type: 'string', default: '3' },
	refine: { type: 'string', default: '4' },
	gap: { type: 'string', default: '8' },
	window: { type: 'string', default: '8' },
	report: { type: 'string' },
});
const names = systemsOf(values.systems);
if (values.report) rerender(values.report);
else await runBench({ needs: NEEDS.media(names), namespace: true, main });

async function main(): Promise<void> {
	const steps = values.steps.split(',').map(Number);
	const perProbe = Number(values.windows);
	const refine = Number(values.refine);
	const bench = await setUp(Number(values.nice), PORTS);
	const sbs = new SideBySide(bench, Number(values.window) * 1000);
	const started = new Date();
	const searches = new Map<Side, EdgeSearch>();
	const probes: EdgeProbe[] = [];
	try {
		for (const name of names) searches.set(await sbs.add(name, WEBINAR), new EdgeSearch(steps, WEBINAR.publishers, Number(values.gap)));
		let refined = 0;
		for (let probe = 0; probe < 40; probe++) {
			// Lockstep: every system takes every probe's count, chosen by each search in turn. The
			// idle rooms cost the SFU's core something (RTCP, consent checks), so rooms of unequal
			// size would tax the system with the smaller edge more, and push its edge lower still.
			const searching = [...searches.values()].filter((x) => x.next() !== undefined);
			let target = searching[probe % Math.max(1, searching.length)]?.next();
			if (target === undefined) {
				// The searches are done: the last probes go where the fitted curves cross one half,
				// each system's in turn, since windows there tell the midpoint most.
				if (refined >= refine) break;
				const mid = passMidpoint(trialsOf(probes, names[refined++ % names.length]!));
				if (!Number.isFinite(mid)) continue;
				target = Math.round(mid);
			}
			const want = Math.ceil(target / WEBINAR.publishers);
			for (const s of sbs.sides) {
				if (want > s.all.parts.length) await joinSubscribers(s.room, want - s.all.parts.length, s.pubs, s.all);
				else await leaveSubscribers(s.all, want);
			}
			const got = new Map(sbs.sides.map((s) => [s, [] as EdgeProbe['windows']]));
			for (let i = 0; i < perProbe; i++) {
				// Rotated order, so no system always follows the same one.
				for (let j = 0; j < sbs.sides.length; j++) {
					const s = sbs.sides[(i + j + probe) % sbs.sides.length]!;
					const w = await sbs.turn(s);
					got.get(s)!.push(w);
					console.log(`  ${s.name} ${w.videoConsumers}: ${passes(w) ? 'pass' : 'FAIL'} sfu ${(w.sfuCores * 100).toFixed(0)} % (node ${(w.controllerCores * 100).toFixed(1)} %, others ${(w.otherOnSfuCpu * 100).toFixed(0)} %), loss ${(w.videoLoss * 100).toFixed(2)} %, delivered ${(w.videoDelivered * 100).toFixed(1)} %`);
				}
			}
			for (const [s, windows] of got) {
				const search = searches.get(s)!;
				const passed = majority(windows.map(passes));
				const consumers = windows[0]!.videoConsumers;
				search.record(consumers, passed);
				probes.push({ system: s.name, target, consumers, windows, passed });
				console.log(`${s.name} ${consumers} video consumers: ${passed ? 'passes' : 'fails'} (edge between ${search.lo} and ${search.hi})`);
			}
		}
	} finally {
		await sbs.stop();
		bench.gen.close();
	}
	const result = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), windowS: Number(values.window), windowsPerProbe: perProbe, systems: names, probes, summary: edgeSummary(probes, names) };
	mkdirSync(values.out, { recursive: true });
	save(join(values.out, 'edge.json'), result);
	console.log(`written: ${join(values.out, 'edge.{json,md}')}; server logs in ${bench.logDir}`);
}

/** Recomputes a saved run's summary (the analysis may have changed since) and rewrites its files. */
function rerender(file: string): void {
	const saved = JSON.parse(readFileSync(file, 'utf8')) as EdgeResult;
	const result = { ...saved, summary: edgeSummary(saved.probes, saved.systems) };
	save(file, result);
}

/** Writes a run as `file` (JSON) and its table beside it (.md), and prints the table. */
function save(file: string, result: EdgeResult): void {
	writeFileSync(file, `${JSON.stringify(result, null, '\t')}\n`);
	const md = edgeMarkdown(result);
	writeFileSync(file.replace(/\.json$/, '.md'), md);
	console.log(md);
}
