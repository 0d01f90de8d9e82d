import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '../gen/Generator.js';
import { type Clips, checkFfmpeg, prepareClips } from '../gen/media.js';
import { BareMediasoup } from '../systems/bareMediasoup.js';
import { Janus } from '../systems/janus.js';
import { Plenum } from '../systems/plenum.js';
import type { SystemName, SystemUnderTest } from '../systems/types.js';
import { BENCH_NICE, pin } from './proc.js';

/** The generator (this process, its worker, ffmpeg) runs on CPU 0, the SFU under test on CPU 1. */
export const GEN_CPUS = '0';
export const SFU_CPUS = '1';

/** Where each system listens, so two bench programs (or two systems at once) never collide. */
export interface Ports { plenumRtc: number; bareRtc: number; janusWs: number; janusRtp: [number, number] }

export interface Bench { gen: Generator; clips: Clips; logDir: string; make: (n: SystemName) => SystemUnderTest }

/** What every bench program starts with: niceness, pinning, media clips, the generator, a factory of systems. */
export async function setUp(nice: number, ports: Ports): Promise<Bench> {
	BENCH_NICE.value = nice;
	// The bench process drives the generator (DirectTransport feeds, probes): same CPU and niceness.
	pin(process.pid, GEN_CPUS);
	checkFfmpeg();
	const clips = prepareClips();
	const logDir = mkdtempSync(join(tmpdir(), 'plenum-bench-logs-'));
	const gen = await Generator.create(GEN_CPUS);
	const make = (n: SystemName): SystemUnderTest => {
		if (n === 'plenum') return new Plenum(gen, SFU_CPUS, ports.plenumRtc, join(logDir, 'plenum.log'));
		if (n === 'mediasoup') return new BareMediasoup(gen, SFU_CPUS, ports.bareRtc);
		return new Janus(gen, SFU_CPUS, ports.janusWs, ports.janusRtp, join(logDir, 'janus.log'));
	};
	return { gen, clips, logDir, make };
}
