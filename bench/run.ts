/**
 * Capacity, latency and join time of Plenum, bare mediasoup and Janus VideoRoom, side by side
 * in one run on this machine. See bench/README.md.
 *
 *   npm run bench          quick (a few minutes, one repetition)
 *   npm run bench:full     three interleaved repetitions, bigger rooms
 *   ... -- --systems plenum,mediasoup --reps 2
 *   ... -- --report bench/results/full.json   re-render the tables and plot of a finished run
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { VIDEO_KBPS } from './gen/media.js';
import { OUT_OPTION, mediaOptions, options, runBench, systemsOf } from './lib/cli.js';
import { NEEDS } from './lib/preflight.js';
import { BENCH_NICE } from './lib/proc.js';
import { type BenchResults, type SystemRun, markdownReport, svgPlot, summarize } from './lib/report.js';
import { GEN_CPUS, type Ports, SFU_CPUS, setUp } from './lib/setup.js';
import { audioRoom, type Ctx, joinStorm, meeting, webinarRamp } from './scenarios.js';

const PROFILES = {
	quick: { reps: 1, windowMs: 5_000, ramp: [40, 100, 200, 300, 400, 500, 600, 800], refine: 3, deadlineMin: 12, meeting: 6, audioListeners: 100, storm: 30, stormSpreadMs: 2_000 },
	full: { reps: 3, windowMs: 8_000, ramp: [50, 100, 200, 300, 400, 500, 600, 700, 800, 1000, 1200], refine: 4, deadlineMin: 25, meeting: 10, audioListeners: 300, storm: 60, stormSpreadMs: 3_000 },
} as const;
const PORTS: Ports = { plenumRtc: 40_000, bareRtc: 40_100, janusWs: 40_200, janusRtp: [41_000, 44_999] };
const WEBINAR_PUBLISHERS = 2;
const AUDIO_SPEAKERS = 3;

const values = options({
	...mediaOptions('plenum,mediasoup,janus'),
	...OUT_OPTION,
	full: { type: 'boolean', default: false },
	reps: { type: 'string' },
	scenarios: { type: 'string', default: 'ramp,meeting,audio,storm' },
	window: { type: 'string' },
	ramp: { type: 'string' },
	report: { type: 'string' },
});
const names = systemsOf(values.systems);
if (values.report) rerender(values.report);
else await runBench({ needs: NEEDS.media(names), namespace: true, main });

/** Writes a finished run's .md and .svg again from its JSON (e.g. after the report gained a row). */
function rerender(jsonPath: string): void {
	const r = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResults;
	r.summary = summarize(r.runs, [...new Set(r.runs.map((x) => x.system))]);
	write(dirname(jsonPath), r);
}

function write(dir: string, r: BenchResults): void {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, `${r.profile}.json`), `${JSON.stringify(r, null, '\t')}\n`);
	writeFileSync(join(dir, `${r.profile}.md`), markdownReport(r));
	writeFileSync(join(dir, `${r.profile}.svg`), svgPlot(r));
	console.log(markdownReport(r));
	console.log(`written: ${join(dir, `${r.profile}.{json,md,svg}`)}`);
}

async function main(): Promise<void> {
	const profileName = values.full ? 'full' : 'quick';
	const profile = PROFILES[profileName];
	const reps = values.reps ? Number(values.reps) : profile.reps;
	const only = new Set(values.scenarios.split(','));
	const { gen, clips, logDir, make } = await setUp(Number(values.nice), PORTS);
	const started = new Date();
	const runs: SystemRun[] = [];
	try {
		for (let rep = 0; rep < reps; rep++) {
			// Interleaved: each repetition runs every system, in a rotated order.
			const order = names.map((_n, i) => names[(i + rep) % names.length]!);
			for (const name of order) {
				console.log(`[rep ${rep + 1}/${reps}] ${name}`);
				const sys = make(name);
				await sys.start();
				const ctx: Ctx = { gen, clips, sys, genCpus: GEN_CPUS, sfuCpu: Number(SFU_CPUS), windowMs: values.window ? Number(values.window) * 1000 : profile.windowMs, log: (m) => console.log(m) };
				let timer: NodeJS.Timeout | undefined;
				const deadline = new Promise<never>((_ok, fail) => {
					timer = setTimeout(() => fail(new Error(`gave up after ${profile.deadlineMin} min`)), profile.deadlineMin * 60_000);
				});
				// Filled in as scenarios finish, so a system that fails later keeps what it measured.
				const run: SystemRun = { system: name, rep };
				const scenarios = async () => {
					if (only.has('ramp')) run.ramp = await webinarRamp(ctx, values.ramp ? values.ramp.split(',').map(Number) : [...profile.ramp], WEBINAR_PUBLISHERS, profile.refine);
					if (only.has('meeting')) run.meeting = await meeting(ctx, profile.meeting);
					if (only.has('audio')) run.audio = await audioRoom(ctx, AUDIO_SPEAKERS, profile.audioListeners);
					if (only.has('storm')) run.storm = await joinStorm(ctx, profile.storm, profile.stormSpreadMs);
				};
				try {
					// A system that hangs (e.g. stops answering its API under overload) must not stall the run.
					await Promise.race([scenarios(), deadline]);
				} catch (err) {
					console.error(`  ${name} failed: ${(err as Error).message}`);
					run.error = (err as Error).message;
				} finally {
					runs.push({ ...run });
					clearTimeout(timer);
					await sys.stop();
				}
			}
		}
	} finally {
		gen.close();
	}
	const results: BenchResults = {
		profile: profileName,
		startedAt: started.toISOString(),
		finishedAt: new Date().toISOString(),
		machine: machine(),
		setup: { nice: BENCH_NICE.value, genCpus: GEN_CPUS, sfuCpus: SFU_CPUS, videoKbps: VIDEO_KBPS, webinarPublishers: WEBINAR_PUBLISHERS, audioSpeakers: AUDIO_SPEAKERS, ...profile, reps },
		runs,
		summary: summarize(runs, names),
	};
	write(values.out, results);
	console.log(`server logs in ${logDir}`);
}

function machine() {
	const cpus = os.cpus();
	return { cpuModel: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version, loadavg: os.loadavg() };
}
