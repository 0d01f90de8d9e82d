/**
 * Plenum against bare mediasoup (or Janus) at one fixed load, paired in time: all systems run at
 * once on the SFU's CPU, each with the same webinar room, and the publishers' media goes to one
 * system at a time, window by window, in rotated order. Drift of the shared machine (other
 * tenants, the hypervisor) then hits every system alike, and each round gives a ratio of SFU CPU
 * per video consumer. See bench/README.md.
 *
 *   npm run bench:pair                               plenum,mediasoup at 200 video consumers, 6 rounds
 *   npm run bench:pair -- --systems plenum,mediasoup,janus --consumers 80 --rounds 4
 *   npm run bench:pair -- --audio --consumers 900     the audio-only room: 3 speakers, 300 listeners
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_OPTION, mediaOptions, options, runBench, systemsOf } from './lib/cli.js';
import { consumersOf, lossOf, pairedSummary, type PairedWindow, pairedMarkdown } from './lib/pairedReport.js';
import { NEEDS } from './lib/preflight.js';
import { type Ports, setUp } from './lib/setup.js';
import { AUDIO_ROOM, SideBySide, WEBINAR } from './lib/sideBySide.js';
import { joinSubscribers } from './scenarios.js';

// Apart from run.ts's, so both can run at once (in two namespaces) without a clash.
const PORTS: Ports = { plenumRtc: 40_300, bareRtc: 40_400, janusWs: 40_500, janusRtp: [45_000, 48_999] };

const values = options({
	...mediaOptions('plenum,mediasoup'),
	...OUT_OPTION,
	consumers: { type: 'string', default: '200' },
	audio: { type: 'boolean', default: false },
	rounds: { type: 'string', default: '6' },
	window: { type: 'string', default: '8' },
});
const names = systemsOf(values.systems);
await runBench({ needs: NEEDS.media(names), namespace: true, main });

async function main(): Promise<void> {
	const consumers = Number(values.consumers);
	const room = values.audio ? AUDIO_ROOM : WEBINAR;
	const rounds = Number(values.rounds);
	const bench = await setUp(Number(values.nice), PORTS);
	const sbs = new SideBySide(bench, Number(values.window) * 1000);
	const started = new Date();
	const windows: PairedWindow[] = [];
	try {
		for (const name of names) {
			const s = await sbs.add(name, room);
			await joinSubscribers(s.room, Math.ceil(consumers / room.publishers), s.pubs, s.all);
			console.log(`${name}: ${s.all.subs.length} consumers set up, ${s.all.failed} failed joins`);
		}
		for (let round = 0; round < rounds; round++) {
			// Rotated order, so no system always follows the same one.
			for (let i = 0; i < sbs.sides.length; i++) {
				const s = sbs.sides[(i + round) % sbs.sides.length]!;
				const w = await sbs.turn(s);
				windows.push({ system: s.name, round, window: w });
				console.log(`  round ${round + 1} ${s.name}: sfu ${(w.sfuCores * 100).toFixed(1)} % cpu for ${consumersOf(w)} ${w.videoConsumers ? 'video' : 'audio'} consumers (node ${(w.controllerCores * 100).toFixed(1)} %, others ${(w.otherOnSfuCpu * 100).toFixed(0)} %), loss ${(100 * lossOf(w)).toFixed(2)} %, delivered ${(w.videoDelivered * 100).toFixed(1)} %, p50/p99 ${w.latencyMs.p50.toFixed(1)}/${w.latencyMs.p99.toFixed(1)} ms`);
			}
		}
	} finally {
		await sbs.stop();
		bench.gen.close();
	}
	const result = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), room: values.audio ? 'audio' as const : 'webinar' as const, consumers, rounds, windowS: Number(values.window), systems: names, windows, summary: pairedSummary(windows, names) };
	mkdirSync(values.out, { recursive: true });
	const file = values.audio ? 'pair-audio' : 'pair';
	writeFileSync(join(values.out, `${file}.json`), `${JSON.stringify(result, null, '\t')}\n`);
	const md = pairedMarkdown(result);
	writeFileSync(join(values.out, `${file}.md`), md);
	console.log(md);
	console.log(`written: ${join(values.out, `${file}.{json,md}`)}; server logs in ${bench.logDir}`);
}
