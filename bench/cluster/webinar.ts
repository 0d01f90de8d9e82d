import type { Subscription } from '../gen/Publication.js';
import { percentile } from '../lib/stats.js';
import { type Ctx, type Joined, closeAll, joinSubscribers, measure, publishers, settle, type Window } from '../scenarios.js';
import { MsParticipant } from '../systems/msFlow.js';
import { socketSignal } from '../systems/plenum.js';
import type { BenchRoom } from '../systems/types.js';
import type { BenchCluster } from './nodes.js';

let seq = 0;

/** A room whose participants join through node `at()` (its URL), as a client with a room link to that node does. */
function roomOn(ctx: Ctx, cluster: BenchCluster, at: () => number): BenchRoom {
	const roomId = `bench-cluster-${process.pid}-${++seq}`;
	return {
		join: async (publish) => {
			const node = cluster.nodes[at()]!;
			const signal = await socketSignal(node.url, roomId, ctx.gen.router.rtpCapabilities);
			return MsParticipant.join(ctx.gen, signal, publish).catch(async (err: unknown) => {
				await signal.close();
				throw err;
			});
		},
		close: async () => {},
	};
}

export interface WebinarResult {
	layout: 'one node' | 'two nodes';
	viewers: number;
	window: Window;
	/** CPU seconds of every Plenum process (servers + workers, both nodes) per packet the viewers received. */
	cpuUsPerForwardedPacket: number;
	/** Packets per second the presenter sent (audio + video): in the split layout, each crosses the pipe once. */
	presenterPps: number;
	/** Latency from the presenter's send to a probe viewer's receive, per node the viewer is on. */
	latencyMs: Record<string, { p50: number; p99: number; n: number }>;
	/** Split layout: per video packet, its arrival at the node-2 probe minus at the node-1 probe. */
	hopMs?: { p50: number; p99: number; n: number };
}

/** One presenter (audio + video) on node 1; `viewers` viewers on node 1, or alternating node 1 / node 2. */
export async function webinar(ctx: Ctx, cluster: BenchCluster, viewers: number, split: boolean): Promise<WebinarResult> {
	let next = 0;
	let presenterJoined = false;
	const room = roomOn(ctx, cluster, () => (presenterJoined && split ? next++ % 2 : 0));
	const pub = await publishers(ctx, room, 1, ['audio', 'video']);
	presenterJoined = true;
	const all: Joined = { parts: [], subs: [], probes: [], failed: 0 };
	// Probe viewers first: one on node 1, (split) one on node 2, each timing the video and audio it gets.
	const probeOn: Record<string, Subscription[]> = {};
	for (const node of split ? ['n1', 'n2'] : ['n1']) {
		const p = await room.join([]);
		all.parts.push(p);
		const subs = await p.subscribe(pub.pubs, { probe: true, arrivals: split });
		all.subs.push(...subs);
		all.probes.push(...subs);
		probeOn[node] = subs;
	}
	try {
		await joinSubscribers(room, viewers - all.parts.length, pub.pubs, all);
		if (all.failed) throw new Error(`${all.failed} viewers could not join`);
		await settle();
		for (const s of all.probes) s.arrivals.clear();
		const sent0 = pub.pubs.reduce((n, p) => n + p.sent, 0);
		const w = await measure(ctx, all.subs, all.probes);
		const sent1 = pub.pubs.reduce((n, p) => n + p.sent, 0);
		const secs = ctx.windowMs / 1000;
		const latencyMs = Object.fromEntries(Object.entries(probeOn).map(([node, subs]) => {
			const lat = subs.filter((s) => s.from.kind === 'video').flatMap((s) => s.latencies);
			return [node, { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length }];
		}));
		// The hop, packet by packet: the same video packet's arrival at the node-2 viewer minus at the node-1 viewer (one clock).
		const at = (node: string) => probeOn[node]?.find((s) => s.from.kind === 'video')?.arrivals;
		const a1 = at('n1');
		const a2 = at('n2');
		const diffs = a1 && a2 ? [...a2].flatMap(([k, t]) => (a1.has(k) ? [t - a1.get(k)!] : [])) : [];
		return {
			hopMs: diffs.length ? { p50: percentile(diffs, 50), p99: percentile(diffs, 99), n: diffs.length } : undefined,
			layout: split ? 'two nodes' : 'one node', viewers, window: w,
			cpuUsPerForwardedPacket: (w.sfuCores / w.forwardedPps) * 1e6,
			presenterPps: (sent1 - sent0) / secs,
			latencyMs,
		};
	} finally {
		pub.close();
		await closeAll([...all.parts, ...pub.parts]);
	}
}
