/**
 * Consumers per core at the overload edge, Plenum against bare mediasoup, paired in time: both
 * run at once on the SFU's CPU, each with a webinar room of the same size, and every probe
 * measures them in alternating windows, so drift of the shared machine hits both alike. The
 * searches for the two edges (coarse steps up, then bisection) choose the probes' counts in turn,
 * and a probe passes on most of its windows: near the edge one window passes and the next fails
 * at the same count. See bench/README.md.
 *
 *   npm run bench:edge
 *   npm run bench:edge -- --steps 200,250,300,350,400 --windows 3 --gap 8
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type EdgeProbe, edgeMarkdown, edgeSummary } from './lib/edgeReport.js';
import { EdgeSearch, majority } from './lib/edgeSearch.js';
import { runInsideNamespace } from './lib/netns.js';
import { BENCH_NICE } from './lib/proc.js';
import { GEN_CPUS, type Ports, SFU_CPUS, setUp } from './lib/setup.js';
import { closeAll, type Ctx, type Joined, joinSubscribers, leaveSubscribers, measure, passes, publishers, settle, waitIdle } from './scenarios.js';
import type { BenchRoom, SystemName, SystemUnderTest } from './systems/types.js';
import type { Publication } from './gen/Publication.js';

const PUBLISHERS = 2;
// Apart from run.ts's and pair.ts's, so they can run at once (in their own namespaces).
const PORTS: Ports = { plenumRtc: 40_600, bareRtc: 40_700, janusWs: 40_800, janusRtp: [49_000, 52_999] };

interface Setup { name: SystemName; sys: SystemUnderTest; ctx: Ctx; room: BenchRoom; pubs: Publication[]; all: Joined; search: EdgeSearch; close: () => Promise<void> }

if (!runInsideNamespace()) await main().then(() => process.exit(0));

async function main(): Promise<void> {
	const { values } = parseArgs({ options: {
		systems: { type: 'string', default: 'plenum,mediasoup' },
		steps: { type: 'string', default: '200,250,300,350,400,500' },
		windows: { type: 'string', default: '3' },
		gap: { type: 'string', default: '8' },
		window: { type: 'string', default: '8' },
		nice: { type: 'string', default: String(BENCH_NICE.value) },
		out: { type: 'string', default: fileURLToPath(new URL('./results', import.meta.url)) },
	} });
	const names = values.systems.split(',') as SystemName[];
	const steps = values.steps.split(',').map(Number);
	const perProbe = Number(values.windows);
	const { gen, clips, logDir, make } = await setUp(Number(values.nice), PORTS);
	let active: SystemName | undefined;
	const started = new Date();
	const setups: Setup[] = [];
	const probes: EdgeProbe[] = [];
	try {
		for (const name of names) {
			const sys = make(name);
			await sys.start();
			const ctx: Ctx = { gen, clips, sys, genCpus: GEN_CPUS, sfuCpu: Number(SFU_CPUS), windowMs: Number(values.window) * 1000, log: (m) => console.log(m) };
			const room = await sys.openRoom();
			const pub = await publishers(ctx, room, PUBLISHERS, ['audio', 'video'], () => active === name);
			const all: Joined = { parts: [], subs: [], probes: [], failed: 0, subsOf: new Map() };
			const search = new EdgeSearch(steps, PUBLISHERS, Number(values.gap));
			setups.push({ name, sys, ctx, room, pubs: pub.pubs, all, search, close: async () => { pub.close(); await closeAll([...all.parts, ...pub.parts]); await room.close().catch(() => {}); } });
		}
		let prev: Ctx | undefined;
		for (let probe = 0; probe < 40; probe++) {
			// Lockstep: every system takes every probe's count, chosen by each search in turn. The
			// idle rooms cost the SFU's core something (RTCP, consent checks), so rooms of unequal
			// size would tax the system with the smaller edge more, and push its edge lower still.
			const searching = setups.filter((s) => s.search.next() !== undefined);
			if (searching.length === 0) break;
			const target = searching[probe % searching.length]!.search.next()!;
			const want = Math.ceil(target / PUBLISHERS);
			for (const s of setups) {
				if (want > s.all.parts.length) await joinSubscribers(s.room, want - s.all.parts.length, s.pubs, s.all);
				else await leaveSubscribers(s.all, want);
			}
			const got = new Map(setups.map((s) => [s, [] as EdgeProbe['windows']]));
			for (let i = 0; i < perProbe; i++) {
				// Rotated order, so no system always follows the same one.
				for (let j = 0; j < setups.length; j++) {
					const s = setups[(i + j + probe) % setups.length]!;
					active = undefined;
					if (prev) await waitIdle(prev, true); // the last one may still drain queued packets
					prev = s.ctx;
					active = s.name;
					await settle();
					const w = await measure(s.ctx, s.all.subs, s.all.probes);
					got.get(s)!.push(w);
					console.log(`  ${s.name} ${w.videoConsumers}: ${passes(w) ? 'pass' : 'FAIL'} sfu ${(w.sfuCores * 100).toFixed(0)} % (node ${(w.controllerCores * 100).toFixed(1)} %, others ${(w.otherOnSfuCpu * 100).toFixed(0)} %), loss ${(w.videoLoss * 100).toFixed(2)} %, delivered ${(w.videoDelivered * 100).toFixed(1)} %`);
				}
			}
			active = undefined;
			for (const [s, windows] of got) {
				const passed = majority(windows.map(passes));
				const consumers = windows[0]!.videoConsumers;
				s.search.record(consumers, passed);
				probes.push({ system: s.name, target, consumers, windows, passed });
				console.log(`${s.name} ${consumers} video consumers: ${passed ? 'passes' : 'fails'} (edge between ${s.search.lo} and ${s.search.hi})`);
			}
		}
	} finally {
		active = undefined;
		for (const s of setups) {
			await s.close();
			await s.sys.stop();
		}
		gen.close();
	}
	const result = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), windowS: Number(values.window), windowsPerProbe: perProbe, systems: names, probes, summary: edgeSummary(probes, names) };
	mkdirSync(values.out, { recursive: true });
	writeFileSync(join(values.out, 'edge.json'), `${JSON.stringify(result, null, '\t')}\n`);
	const md = edgeMarkdown(result);
	writeFileSync(join(values.out, 'edge.md'), md);
	console.log(md);
	console.log(`written: ${join(values.out, 'edge.{json,md}')}; server logs in ${logDir}`);
}
