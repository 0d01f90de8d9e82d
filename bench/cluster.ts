/**
 * `npm run bench:cluster` (issue 15): Plenum in cluster mode on one machine (redis-server on
 * loopback). (1) The same webinar, one presenter (audio + video) on node 1 and `--viewers`
 * viewers (the bench's generator) on node 1, then spread over nodes 1 and 2: CPU of every Plenum
 * process per forwarded packet, and the extra CPU per packet through the pipe. (2) Latency from
 * the presenter's send to a viewer's receive, viewer on node 1 vs node 2 (the hop). (3) Failover,
 * `--kills` times: SIGKILL of the room's owner among three nodes, Chromium participants (the real
 * client) until back and decoding. Writes bench/results/cluster.json and cluster.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browserFlags.js';
import { type FailoverMiss, type FailoverSample, failoverOnce } from './cluster/failover.js';
import { BenchCluster } from './cluster/nodes.js';
import { type WebinarResult, webinar } from './cluster/webinar.js';
import { RESULTS_DIR, options, runBench } from './lib/cli.js';
import { NEEDS } from './lib/preflight.js';
import { pin } from './lib/proc.js';
import { GEN_CPUS, SFU_CPUS, setUp } from './lib/setup.js';
import { percentile } from './lib/stats.js';
import type { Ctx } from './scenarios.js';

const args = options({
	viewers: { type: 'string', default: '60' }, kills: { type: 'string', default: '10' },
	window: { type: 'string', default: '10000' }, out: { type: 'string', default: RESULTS_DIR },
});
const ROOT = new URL('..', import.meta.url).pathname;

await runBench({
	needs: [...NEEDS.media(['plenum']), { kind: 'file', path: CHROMIUM_PATH, pkg: 'chromium', why: 'the failover participants' }, { kind: 'file', path: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the cluster' }],
	namespace: true,
	main: async () => {
		const viewers = Number(args.viewers);
		const { gen, clips, logDir } = await setUp(0, { plenumRtc: 47100, bareRtc: 47200, janusWs: 47300, janusRtp: [47400, 47500] });
		const cluster = await BenchCluster.start(2, { cpus: SFU_CPUS, logDir, rtcBase: 47600 });
		const sys = { name: 'plenum' as const, start: async () => {}, stop: async () => {}, openRoom: () => { throw new Error('unused'); }, pids: () => cluster.pids(), controllerPid: () => cluster.nodes[0]?.child.pid };
		const ctx: Ctx = { gen, clips, sys, genCpus: GEN_CPUS, sfuCpu: Number(SFU_CPUS), windowMs: Number(args.window), log: console.log };
		const runs: WebinarResult[] = [];
		try {
			for (const split of [false, true]) {
				const r = await webinar(ctx, cluster, viewers, split);
				runs.push(r);
				console.log(`webinar, ${viewers} viewers on ${r.layout}: plenum ${(r.window.sfuCores * 100).toFixed(0)} % cpu, ${r.window.forwardedPps.toFixed(0)} packets/s forwarded, ${r.cpuUsPerForwardedPacket.toFixed(2)} µs cpu per packet, video loss ${(r.window.videoLoss * 100).toFixed(2)} %, latency ${Object.entries(r.latencyMs).map(([n, l]) => `${n} p50 ${l.p50.toFixed(2)} p99 ${l.p99.toFixed(2)} ms`).join(', ')}`);
			}
		} finally {
			await cluster.stop();
		}
		const [one, two] = runs as [WebinarResult, WebinarResult];
		// The split layout forwards as many packets as the single one, plus one copy of each presenter packet over the pipe.
		const extraCpuSeconds = two.window.sfuCores - one.window.sfuCores;
		const pipe = {
			extraCores: extraCpuSeconds,
			pipedPps: two.presenterPps,
			extraCpuUsPerPipedPacket: (extraCpuSeconds / two.presenterPps) * 1e6,
		};
		const hop = {
			p50Ms: two.hopMs?.p50 ?? Number.NaN, p99Ms: two.hopMs?.p99 ?? Number.NaN, packets: two.hopMs?.n ?? 0,
			latencyP50DiffMs: two.latencyMs.n2!.p50 - two.latencyMs.n1!.p50, latencyP99DiffMs: two.latencyMs.n2!.p99 - two.latencyMs.n1!.p99,
		};
		console.log(`pipe: +${(pipe.extraCores * 100).toFixed(1)} % of a core for ${pipe.pipedPps.toFixed(0)} piped packets/s = ${pipe.extraCpuUsPerPipedPacket.toFixed(1)} µs per piped packet; hop adds p50 ${hop.p50Ms.toFixed(2)} ms, p99 ${hop.p99Ms.toFixed(2)} ms per packet (${hop.packets} packets; the two viewers' latency percentiles differ by ${hop.latencyP50DiffMs.toFixed(2)} / ${hop.latencyP99DiffMs.toFixed(2)} ms)`);

		// Failover uses the compiled server (test/support/clusterNodes.ts), as the tests do; its
		// nodes, Redis and Chromium would inherit the bench's pinning to CPU 0, so unpin first.
		pin(process.pid, `0-${availableParallelism() - 1}`);
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
		const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
		const kills: FailoverSample[] = [];
		const misses: FailoverMiss[] = [];
		try {
			for (let k = 0; k < Number(args.kills); k++) {
				const s = await failoverOnce(browser, mkdtempSync(join(logDir, `failover-${k + 1}-`)));
				if ('error' in s) {
					misses.push(s);
					console.log(`kill ${k + 1}/${args.kills}: owner ${s.killed}; NOT everyone back: ${s.error}; pages ${JSON.stringify(s.pages)}; logs in ${s.logDir}`);
					continue;
				}
				kills.push(s);
				console.log(`kill ${k + 1}/${args.kills}: owner ${s.killed}; new owner after ${s.newOwnerMs.toFixed(0)} ms; its participant back and decoding after ${s.killedNodeMs.toFixed(0)} ms, everyone after ${s.everyoneMs.toFixed(0)} ms`);
			}
		} finally {
			await browser.close();
		}
		const killed = kills.map((s) => s.killedNodeMs);
		const everyone = kills.map((s) => s.everyoneMs);
		const failover = {
			kills: kills.length + misses.length, notBack: misses.length, misses,
			newOwnerP50Ms: percentile(kills.map((s) => s.newOwnerMs), 50), newOwnerP95Ms: percentile(kills.map((s) => s.newOwnerMs), 95),
			killedNodeP50Ms: percentile(killed, 50), killedNodeP95Ms: percentile(killed, 95),
			everyoneP50Ms: percentile(everyone, 50), everyoneP95Ms: percentile(everyone, 95), maxMs: Math.max(...everyone),
			samples: kills,
		};
		console.log(`failover (${kills.length + misses.length} kills of the owner, ${misses.length} with someone not back in 30 s): the killed node's participant back p50 ${failover.killedNodeP50Ms.toFixed(0)} ms, p95 ${failover.killedNodeP95Ms.toFixed(0)} ms; everyone p50 ${failover.everyoneP50Ms.toFixed(0)} ms, p95 ${failover.everyoneP95Ms.toFixed(0)} ms`);
		const result = { date: new Date().toISOString(), node: process.version, viewers, windowMs: ctx.windowMs, webinar: runs, pipe, hop, failover };
		writeFileSync(join(args.out, 'cluster.json'), `${JSON.stringify(result, null, 2)}\n`);
		writeFileSync(join(args.out, 'cluster.md'), report(result));
	},
});

function report(r: { date: string; viewers: number; webinar: WebinarResult[]; pipe: { extraCores: number; pipedPps: number; extraCpuUsPerPipedPacket: number }; hop: { p50Ms: number; p99Ms: number; packets: number; latencyP50DiffMs: number; latencyP99DiffMs: number }; failover: { kills: number; notBack: number; newOwnerP50Ms: number; newOwnerP95Ms: number; killedNodeP50Ms: number; killedNodeP95Ms: number; everyoneP50Ms: number; everyoneP95Ms: number; maxMs: number } }): string {
	const rows = r.webinar.map((w) => `| ${w.layout} | ${(w.window.sfuCores * 100).toFixed(1)} % | ${w.window.forwardedPps.toFixed(0)} | ${w.cpuUsPerForwardedPacket.toFixed(2)} µs | ${(w.window.videoLoss * 100).toFixed(2)} % | ${Object.entries(w.latencyMs).map(([n, l]) => `${n}: ${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} ms`).join('; ')} |`);
	const f = r.failover;
	return `# bench:cluster (${r.date})

\`npm run bench:cluster\`: webinar, 1 presenter (audio + video) on node 1, ${r.viewers} viewers; every Plenum process (2 servers + workers) pinned to CPU ${SFU_CPUS}, generator on CPU ${GEN_CPUS}.

| viewers on | Plenum CPU | packets/s forwarded | CPU per forwarded packet | video loss | send→receive latency p50 / p99 |
|---|---|---|---|---|---|
${rows.join('\n')}

Pipe: +${(r.pipe.extraCores * 100).toFixed(1)} % of a core for ${r.pipe.pipedPps.toFixed(0)} packets/s through the pipe = **${r.pipe.extraCpuUsPerPipedPacket.toFixed(1)} µs CPU per piped packet** (both ends: the owner's pipe send and node 2's receive and its own forwarding setup).
Node hop, per video packet (its arrival at the viewer on node 2 minus at the viewer on node 1, one clock, ${r.hop.packets} packets): **p50 +${r.hop.p50Ms.toFixed(2)} ms, p99 +${r.hop.p99Ms.toFixed(2)} ms** (the two viewers' send→receive p50 / p99 differ by ${r.hop.latencyP50DiffMs.toFixed(2)} / ${r.hop.latencyP99DiffMs.toFixed(2)} ms).

Failover, ${f.kills} SIGKILLs of the owner (3 nodes, 3 Chromium participants, one per node): a new owner holds the room's lease p50 ${f.newOwnerP50Ms.toFixed(0)} ms, p95 ${f.newOwnerP95Ms.toFixed(0)} ms after the kill; the killed node's participant back (same id) and decoding **p50 ${f.killedNodeP50Ms.toFixed(0)} ms, p95 ${f.killedNodeP95Ms.toFixed(0)} ms**; everyone decoding again p50 ${f.everyoneP50Ms.toFixed(0)} ms, p95 ${f.everyoneP95Ms.toFixed(0)} ms (max ${f.maxMs.toFixed(0)} ms)${f.notBack ? `; ${f.notBack} of ${f.kills} kills left someone not back within 30 s (not in the percentiles; see cluster.json)` : ''}.
`;
}
