/**
 * `npm run bench:cluster` (issue 15): Plenum in cluster mode on one machine (redis-server on
 * loopback), in phases (`--phases webinar,failover,drain`, default all; a phase not run is kept
 * from the last bench/results/cluster.json). webinar: one presenter (audio + video) on node 1
 * and `--viewers` viewers (the bench's generator) on node 1, then spread over nodes 1 and 2: CPU
 * of every Plenum process per forwarded packet, the extra CPU per packet through the pipe, and
 * the latency of the node hop. failover (`--kills`) and drain (`--drains`): SIGKILL or SIGTERM of
 * the room's owner among three nodes, Chromium participants (the real client) until back and
 * decoding, with the media gaps meanwhile. Writes bench/results/cluster.json and cluster.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browserFlags.js';
import { BenchCluster } from './cluster/nodes.js';
import { type ClusterResults, type WebinarPhase, report } from './cluster/report.js';
import { signalPhase } from './cluster/signalPhase.js';
import { type WebinarResult, webinar } from './cluster/webinar.js';
import { RESULTS_DIR, fail, options, runBench } from './lib/cli.js';
import { NEEDS } from './lib/preflight.js';
import { pin } from './lib/proc.js';
import { GEN_CPUS, SFU_CPUS, setUp } from './lib/setup.js';
import type { Ctx } from './scenarios.js';

const args = options({
	viewers: { type: 'string', default: '60' }, kills: { type: 'string', default: '10' }, drains: { type: 'string', default: '10' },
	phases: { type: 'string', default: 'webinar,failover,drain' },
	window: { type: 'string', default: '10000' }, out: { type: 'string', default: RESULTS_DIR },
});
const PHASES = ['webinar', 'failover', 'drain'] as const;
const phases = args.phases.split(',').map((p) => p.trim()).filter(Boolean);
if (phases.length === 0 || phases.some((p) => !(PHASES as readonly string[]).includes(p))) fail(`--phases takes ${PHASES.join(', ')} (comma-separated), not "${args.phases}"`);
const ROOT = new URL('..', import.meta.url).pathname;

/** The last results, so a phase not run now stays in cluster.md; a file of the older one-date layout keeps its webinar only. */
function lastResults(path: string): ClusterResults {
	if (!existsSync(path)) return { node: process.version };
	const old = JSON.parse(readFileSync(path, 'utf8'));
	if (Array.isArray(old.webinar)) {
		return { node: old.node, webinar: { date: old.date, viewers: old.viewers, windowMs: old.windowMs, runs: old.webinar, pipe: old.pipe, hop: old.hop } };
	}
	return { node: old.node, webinar: old.webinar, failover: old.failover?.signal ? old.failover : undefined, drain: old.drain };
}

async function webinarPhase(logDir: string, ctxOf: (cluster: BenchCluster) => Ctx, viewers: number): Promise<WebinarPhase> {
	const cluster = await BenchCluster.start(2, { cpus: SFU_CPUS, logDir, rtcBase: 47600 });
	const ctx = ctxOf(cluster);
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
	const pipe = { extraCores: extraCpuSeconds, pipedPps: two.presenterPps, extraCpuUsPerPipedPacket: (extraCpuSeconds / two.presenterPps) * 1e6 };
	const hop = {
		p50Ms: two.hopMs?.p50 ?? Number.NaN, p99Ms: two.hopMs?.p99 ?? Number.NaN, packets: two.hopMs?.n ?? 0,
		latencyP50DiffMs: two.latencyMs.n2!.p50 - two.latencyMs.n1!.p50, latencyP99DiffMs: two.latencyMs.n2!.p99 - two.latencyMs.n1!.p99,
	};
	console.log(`pipe: +${(pipe.extraCores * 100).toFixed(1)} % of a core for ${pipe.pipedPps.toFixed(0)} piped packets/s = ${pipe.extraCpuUsPerPipedPacket.toFixed(1)} µs per piped packet; hop adds p50 ${hop.p50Ms.toFixed(2)} ms, p99 ${hop.p99Ms.toFixed(2)} ms per packet (${hop.packets} packets)`);
	return { date: new Date().toISOString(), viewers, windowMs: ctx.windowMs, runs, pipe, hop };
}

await runBench({
	needs: [...NEEDS.media(['plenum']), { kind: 'file', path: CHROMIUM_PATH, pkg: 'chromium', why: 'the failover and drain participants' }, { kind: 'file', path: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the cluster' }],
	namespace: true,
	main: async () => {
		const jsonPath = join(args.out, 'cluster.json');
		const results = lastResults(jsonPath);
		results.node = process.version;
		const { gen, clips, logDir } = await setUp(0, { plenumRtc: 47100, bareRtc: 47200, janusWs: 47300, janusRtp: [47400, 47500] });
		const save = () => {
			writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
			writeFileSync(join(args.out, 'cluster.md'), report(results));
		};
		if (phases.includes('webinar')) {
			results.webinar = await webinarPhase(logDir, (cluster) => {
				const sys = { name: 'plenum' as const, start: async () => {}, stop: async () => {}, openRoom: () => { throw new Error('unused'); }, pids: () => cluster.pids(), controllerPid: () => cluster.nodes[0]?.child.pid };
				return { gen, clips, sys, genCpus: GEN_CPUS, sfuCpu: Number(SFU_CPUS), windowMs: Number(args.window), log: console.log };
			}, Number(args.viewers));
			save();
		}
		if (!phases.includes('failover') && !phases.includes('drain')) return;
		// Failover and drain use the compiled server (test/support/clusterNodes.ts), as the tests do;
		// its nodes, Redis and Chromium would inherit the bench's pinning to CPU 0, so unpin first.
		// (Not availableParallelism(): it reads this process's affinity, CPU 0 by now, and left
		// every node and Chromium on one core: failover took twice as long as in the tests.)
		pin(process.pid, `0-${cpus().length - 1}`);
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
		const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
		try {
			if (phases.includes('failover')) {
				results.failover = await signalPhase(browser, logDir, 'SIGKILL', Number(args.kills));
				save();
			}
			if (phases.includes('drain')) {
				results.drain = await signalPhase(browser, logDir, 'SIGTERM', Number(args.drains));
				save();
			}
		} finally {
			await browser.close();
		}
	},
});
