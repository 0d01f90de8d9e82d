/**
 * What each system costs doing nothing: started with no room, warmed up, then its processes'
 * CPU over a quiet minute (controller and media workers apart). The SFU's server shares a core
 * with a media worker, so its idle wake-ups come out of forwarding capacity. See bench/README.md.
 *
 *   npm run bench:idle
 *   npm run bench:idle -- --systems plenum --warmup 30 --seconds 60
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mediaOptions, options, runBench, systemsOf } from './lib/cli.js';
import { NEEDS } from './lib/preflight.js';
import { cpuSeconds } from './lib/proc.js';
import { type Ports, setUp } from './lib/setup.js';

// Apart from the other bench programs', so they can run at once (in their own namespaces).
const PORTS: Ports = { plenumRtc: 40_900, bareRtc: 41_000, janusWs: 41_100, janusRtp: [53_000, 53_999] };

const values = options({
	...mediaOptions('plenum,mediasoup'),
	warmup: { type: 'string', default: '45' },
	seconds: { type: 'string', default: '60' },
});
const names = systemsOf(values.systems);
await runBench({ needs: NEEDS.media(names), namespace: true, main });

async function main(): Promise<void> {
	const bench = await setUp(Number(values.nice), PORTS);
	const seconds = Number(values.seconds);
	try {
		for (const name of names) {
			const sys = bench.make(name);
			await sys.start();
			try {
				await sleep(Number(values.warmup) * 1000); // start-up compiles and collects
				const ctl = sys.controllerPid();
				const all = sys.pids();
				const workers = all.filter((p) => p !== ctl);
				const before = { ctl: ctl ? cpuSeconds([ctl]) : 0, workers: cpuSeconds(workers) };
				await sleep(seconds * 1000);
				const pct = (s: number) => ((100 * s) / seconds).toFixed(2);
				const ctlPct = pct((ctl ? cpuSeconds([ctl]) : 0) - before.ctl);
				console.log(`${name} idle, no room, over ${seconds} s, % of a core: controller ${ctl ? ctlPct : "–"}, media ${pct(cpuSeconds(workers) - before.workers)}`);
			} finally {
				await sys.stop();
			}
		}
	} finally {
		bench.gen.close();
	}
}
