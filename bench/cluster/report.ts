import { GEN_CPUS, SFU_CPUS } from '../lib/setup.js';
import type { SignalPhaseResult, Spread } from './signalPhase.js';
import type { WebinarResult } from './webinar.js';

/** The webinar phase: both layouts, the pipe's extra CPU and the node hop. */
export interface WebinarPhase {
	date: string; viewers: number; windowMs: number; runs: WebinarResult[];
	pipe: { extraCores: number; pipedPps: number; extraCpuUsPerPipedPacket: number };
	hop: { p50Ms: number; p99Ms: number; packets: number; latencyP50DiffMs: number; latencyP99DiffMs: number };
}

/** bench/results/cluster.json: each phase with its own date, so a phase rerun alone keeps the others. */
export interface ClusterResults { node: string; webinar?: WebinarPhase; failover?: SignalPhaseResult; drain?: SignalPhaseResult }

const sec = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`);
const pp = (x: Spread | undefined) => `p50 ${sec(x?.p50)}, p95 ${sec(x?.p95)}`;

function webinarSection(w: WebinarPhase): string {
	const rows = w.runs.map((r) => `| ${r.layout} | ${(r.window.sfuCores * 100).toFixed(1)} % | ${r.window.forwardedPps.toFixed(0)} | ${r.cpuUsPerForwardedPacket.toFixed(2)} µs | ${(r.window.videoLoss * 100).toFixed(2)} % | ${Object.entries(r.latencyMs).map(([n, l]) => `${n}: ${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} ms`).join('; ')} |`);
	return `## Webinar (${w.date})

\`npm run bench:cluster -- --phases webinar\`: 1 presenter (audio + video) on node 1, ${w.viewers} viewers, ${w.windowMs / 1000} s window; every Plenum process (2 servers + workers) pinned to CPU ${SFU_CPUS}, generator on CPU ${GEN_CPUS}.

| viewers on | Plenum CPU | packets/s forwarded | CPU per forwarded packet | video loss | send→receive latency p50 / p99 |
|---|---|---|---|---|---|
${rows.join('\n')}

Pipe: ${w.pipe.extraCores >= 0 ? '+' : ''}${(w.pipe.extraCores * 100).toFixed(1)} % of a core for ${w.pipe.pipedPps.toFixed(0)} packets/s through the pipe = **${w.pipe.extraCpuUsPerPipedPacket.toFixed(1)} µs CPU per piped packet** (both ends; a negative figure means the difference is below the noise of one window).
Node hop, per video packet (its arrival at the viewer on node 2 minus at the viewer on node 1, one clock, ${w.hop.packets} packets): **p50 +${w.hop.p50Ms.toFixed(2)} ms, p99 +${w.hop.p99Ms.toFixed(2)} ms** (the two viewers' send→receive p50 / p99 differ by ${w.hop.latencyP50DiffMs.toFixed(2)} / ${w.hop.latencyP99DiffMs.toFixed(2)} ms).
`;
}

function signalSection(f: SignalPhaseResult): string {
	const kill = f.signal === 'SIGKILL';
	const what = kill ? 'kills' : 'drains';
	const g = f.gaps;
	const exits = f.exitCodes ? ` Exit codes: ${f.exitCodes.join(', ')} (exit ${pp(f.exitMs)} after the signal).` : '';
	const misses = f.notBack ? ` **${f.notBack} of ${f.runs} ${what} left someone not back within 30 s** (not in the percentiles; pages' state and log dirs in cluster.json).` : '';
	const rows = f.samples.map((x, i) => `| ${i + 1} | ${x.node} | ${sec(x.newOwnerMs)} | ${sec(x.nodeMs)} | ${sec(x.everyoneMs)} | ${sec(x.gaps.itsMediaMs)} | ${sec(x.gaps.itSawMs)} | ${sec(x.gaps.survivorsMs)} |${kill ? '' : ` ${x.exitCode} |`}`);
	return `## ${kill ? 'Failover' : 'Drain'} (${f.date})

\`npm run bench:cluster -- --phases ${kill ? 'failover' : 'drain'}\`: ${f.runs} ${f.signal}s of the room's owner, each on 3 fresh nodes (compiled server${kill ? '' : ', DRAIN_TIMEOUT_MS=120000'}) with 3 Chromium participants, one per node (the real client, which ${kill ? 'fails over' : 'moves'} and resumes by itself). Every page is sampled every ~100 ms from just before the signal until everyone is back; a gap is the longest stretch in which a viewer decoded no new video frame (or no new audio sample) of one publisher, so ~0.1–0.2 s is the floor of the method.

- New owner holds the lease ${pp(f.newOwnerMs)} after the signal; the ${kill ? 'killed' : 'drained'} node's participant back (same id) and decoding **${pp(f.nodeMs)}**; everyone decoding again ${pp(f.everyoneMs)} (max ${sec(f.everyoneMs.max)}).
- Media gap of the ${kill ? 'killed' : 'drained'} node's participant as the others saw it: **${pp(g.itsMedia)}** (max ${sec(g.itsMedia.max)}); what it saw of the others: **${pp(g.itSaw)}** (max ${sec(g.itSaw.max)}).
- Between the participants on the surviving nodes: **${pp(g.survivors)}** (max ${sec(g.survivors.max)}).${exits}${misses}

| # | owner | new owner | its participant back | everyone back | gap of its media | gap it saw | gap between the others |${kill ? '' : ' exit |'}
|---|---|---|---|---|---|---|---|${kill ? '' : '---|'}
${rows.join('\n')}
`;
}

/** cluster.md: every phase present in `r`, each with its own date. */
export function report(r: ClusterResults): string {
	const parts = ['# bench:cluster\n\n`npm run bench:cluster` (issue 15): Plenum in cluster mode on one machine, redis-server on loopback. `--phases webinar,failover,drain` reruns some; the others are kept from the last run.\n'];
	if (r.webinar) parts.push(webinarSection(r.webinar));
	if (r.failover) parts.push(signalSection(r.failover));
	if (r.drain) parts.push(signalSection(r.drain));
	return parts.join('\n');
}
