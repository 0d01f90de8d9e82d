import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Generator } from './gen/Generator.js';
import { type Clips, RtpSource } from './gen/media.js';
import type { Publication, Subscription } from './gen/Publication.js';
import { busyBetween, cpuSeconds, cpuTimes, ksoftirqdPid, rssBytes, udpDrops } from './lib/proc.js';
import { bisectStep, lossFraction, percentile } from './lib/stats.js';
import type { BenchParticipant, BenchRoom, SystemUnderTest } from './systems/types.js';

export interface Ctx {
	gen: Generator;
	clips: Clips;
	sys: SystemUnderTest;
	genCpus: string;
	/** The one CPU the SFU is pinned to. */
	sfuCpu: number;
	windowMs: number;
	log: (msg: string) => void;
}

const SETTLE_MS = 2_000;
const JOIN_BATCH = 8;
const JOIN_TIMEOUT_MS = 20_000;
const MAX_LOSS = 0.01;
/**
 * A step passes with video loss under 1 % and, within the window's edges (±5 %), every packet
 * delivered: fewer means the SFU falls behind, more that it still drains an earlier backlog.
 */
const DELIVERED_SLACK = 0.05;
export const passes = (w: Window) => w.videoLoss < MAX_LOSS && Math.abs(w.videoDelivered - 1) <= DELIVERED_SLACK;
// Bisection stops when passing and failing counts are this close (video consumers).
const REFINE_MIN_GAP = 16;
const CLOSE_TIMEOUT_MS = 3_000;
const IDLE_CORES = 0.05;
const IDLE_TIMEOUT_MS = 30_000;
const QUIET_MAX_CORES = 0.25;
const QUIET_STEADY_CORES = 0.03;

/** One measurement window over a set of received tracks. */
export interface Window {
	videoConsumers: number;
	audioConsumers: number;
	/** SFU CPU (server + workers), in cores. */
	sfuCores: number;
	/** Of that, the Node process controlling the workers (Plenum's server, bare mediasoup's script). */
	controllerCores: number;
	/** Generator CPU (its worker + the bench process), in cores. */
	genCores: number;
	/** Busy fraction of each CPU of the machine (other tenants included). */
	cpuBusy: number[];
	/** The kernel's softirq thread on the SFU's CPU, in cores (loopback delivery of what the SFU sends). */
	softirqCores: number;
	/** Busy time on the SFU's CPU that was neither the SFU nor its softirq thread: other tenants. */
	otherOnSfuCpu: number;
	videoLoss: number;
	audioLoss: number;
	/**
	 * Video packets received ÷ packets the publishers sent times their receivers. Below 1 when
	 * the SFU falls behind and queues (packets late, not yet lost), which loss alone misses.
	 */
	videoDelivered: number;
	/** Media the SFU forwarded to the generator (received), Mbit/s. */
	forwardedMbps: number;
	/** Packets the SFU forwarded to the generator (received), per second. */
	forwardedPps: number;
	/** CPU (cores) of named groups of the SFU's processes, when measure() was given them (bench:cluster: per node). */
	groupCores?: Record<string, number>;
	/** Kernel drops on full UDP receive buffers in the bench's namespace (all sockets). */
	udpDrops: number;
	/** Of those, drops at the generator's receiving transports (not the SFU's doing). */
	generatorDrops: number;
	latencyMs: { p50: number; p95: number; p99: number; n: number };
	/** The bench process's event-loop delay p99 (ms): it timestamps packets, so its stalls inflate latency. */
	benchLoopDelayP99Ms: number;
}

interface Snap { received: number; lost: number; bytes: number; sent: number }

// Loss comes from the receivers' sequence numbers (the generator's worker counts the gaps), not
// from "sent" counters: the publishers' feed is bursty on a busy machine, and packets in flight
// at either end of the window would otherwise look lost (or found).
async function snap(subs: Subscription[]): Promise<Snap[]> {
	return Promise.all(subs.map(async (s) => {
		const st = (await s.producer.getStats())[0];
		return { received: st?.packetCount ?? 0, lost: Math.max(0, st?.packetsLost ?? 0), bytes: st?.byteCount ?? 0, sent: s.from.sent };
	}));
}

function genPids(ctx: Ctx): number[] {
	return [ctx.gen.worker.pid, process.pid];
}

export async function measure(ctx: Ctx, subs: Subscription[], probes: Subscription[], groups: Record<string, number[]> = {}): Promise<Window> {
	for (const p of probes) p.latencies.length = 0;
	const groupCpu = () => Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, cpuSeconds(pids)]));
	const pids = ctx.sys.pids();
	const ctl = [ctx.sys.controllerPid() ?? 0];
	const softirq = [ksoftirqdPid(ctx.sfuCpu) ?? 0];
	const ports = new Set(ctx.gen.ports);
	const [c0, n0, g0, k0, t0, d0, w0] = [cpuSeconds(pids), cpuSeconds(ctl), cpuSeconds(genPids(ctx)), cpuSeconds(softirq), cpuTimes(), udpDrops(), performance.now()];
	const gd0 = udpDrops(ports);
	const x0 = groupCpu();
	const s0 = await snap(subs);
	const loop = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	await new Promise((r) => setTimeout(r, ctx.windowMs));
	loop.disable();
	const s1 = await snap(subs);
	const [c1, n1, g1, k1, t1, d1, w1] = [cpuSeconds(pids), cpuSeconds(ctl), cpuSeconds(genPids(ctx)), cpuSeconds(softirq), cpuTimes(), udpDrops(), performance.now()];
	const gd1 = udpDrops(ports);
	const x1 = groupCpu();
	const secs = (w1 - w0) / 1000;
	const byKind = (kind: 'audio' | 'video') => {
		let lost = 0;
		let received = 0;
		subs.forEach((s, i) => {
			if (s.from.kind !== kind) return;
			const got = s1[i]!.received - s0[i]!.received;
			// A receiver that got nothing has no gaps to count: all its publisher sent is lost.
			lost += got === 0 ? s1[i]!.sent - s0[i]!.sent : s1[i]!.lost - s0[i]!.lost;
			received += got;
		});
		return lossFraction(lost + received, received);
	};
	let expected = 0;
	let got = 0;
	subs.forEach((s, i) => {
		if (s.from.kind !== 'video') return;
		expected += s1[i]!.sent - s0[i]!.sent;
		got += s1[i]!.received - s0[i]!.received;
	});
	const bytes = subs.reduce((n, _s, i) => n + s1[i]!.bytes - s0[i]!.bytes, 0);
	const packets = subs.reduce((n, _s, i) => n + s1[i]!.received - s0[i]!.received, 0);
	const lat = probes.flatMap((p) => p.latencies);
	const busy = busyBetween(t0, t1);
	const sfuCores = (c1 - c0) / secs;
	const softirqCores = (k1 - k0) / secs;
	return {
		videoConsumers: subs.filter((s) => s.from.kind === 'video').length,
		audioConsumers: subs.filter((s) => s.from.kind === 'audio').length,
		sfuCores,
		controllerCores: (n1 - n0) / secs,
		genCores: (g1 - g0) / secs,
		cpuBusy: busy,
		softirqCores,
		otherOnSfuCpu: Math.max(0, (busy[ctx.sfuCpu] ?? 0) - sfuCores - softirqCores),
		videoLoss: byKind('video'),
		audioLoss: byKind('audio'),
		videoDelivered: expected > 0 ? got / expected : 1,
		forwardedMbps: (bytes * 8) / secs / 1e6,
		forwardedPps: packets / secs,
		...(Object.keys(groups).length ? { groupCores: Object.fromEntries(Object.keys(groups).map((k) => [k, (x1[k]! - x0[k]!) / secs])) } : {}),
		udpDrops: d1 - d0,
		generatorDrops: gd1 - gd0,
		latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), n: lat.length },
		benchLoopDelayP99Ms: loop.percentile(99) / 1e6,
	};
}

/**
 * A room with `count` publishers sending `kinds` from ffmpeg; close() ends it all. Media flows
 * while `flowing()` says so (the paired bench sends to one system at a time).
 */
export async function publishers(ctx: Ctx, room: BenchRoom, count: number, kinds: Array<'audio' | 'video'>, flowing: () => boolean = () => true) {
	const parts: BenchParticipant[] = [];
	const sources: RtpSource[] = [];
	for (let i = 0; i < count; i++) {
		const p = await room.join(kinds);
		parts.push(p);
		const byKind = new Map(p.publications.map((x) => [x.kind, x]));
		const src = await RtpSource.start(ctx.clips, kinds, (k, pkt) => { if (flowing()) byKind.get(k)?.feed(pkt); }, ctx.genCpus);
		sources.push(src);
		for (const port of src.ports) ctx.gen.ports.add(port);
	}
	const close = () => {
		for (const s of sources) {
			for (const port of s.ports) ctx.gen.ports.delete(port);
			s.close();
		}
	};
	return { parts, pubs: parts.flatMap((p) => p.publications), close };
}

export interface Joined { parts: BenchParticipant[]; subs: Subscription[]; probes: Subscription[]; failed: number; subsOf?: Map<BenchParticipant, Subscription[]> }

/** Joins `n` receivers in small parallel batches; a join that fails (e.g. times out under load) is counted, not fatal. */
export async function joinSubscribers(room: BenchRoom, n: number, pubs: Publication[], into: Joined) {
	for (let done = 0; done < n; done += JOIN_BATCH) {
		await Promise.all(Array.from({ length: Math.min(JOIN_BATCH, n - done) }, async (_x, i) => {
			const probe = into.probes.length === 0 && i === 0;
			let p: BenchParticipant | undefined;
			try {
				p = await room.join([]);
				into.parts.push(p);
				const subs = await p.subscribe(pubs, { probe });
				into.subs.push(...subs);
				into.subsOf?.set(p, subs);
				if (probe) into.probes.push(...subs);
			} catch {
				into.failed++;
				await p?.close().catch(() => {});
			}
		}));
	}
}

/** Leaves all at once, each given a few seconds: an overloaded SFU may not answer every goodbye. */
export async function closeAll(parts: BenchParticipant[]): Promise<void> {
	const bounded = (p: BenchParticipant) => Promise.race([p.close().catch(() => {}), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS))]);
	await Promise.all(parts.map(bounded));
}

/**
 * Waits until the SFU is idle (under 5 % of a core for a second, at most 30 s): an SFU that was
 * overloaded at the end of the previous scenario may still drain queued packets, and that must
 * not count against the next one. With `quiet`, for a room that stays open with its media
 * stopped: its subscribers still cost a little (RTCP, consent checks, timers; about 8 % of a
 * core for 200), so the wait ends once that level holds for two seconds.
 */
export async function waitIdle(ctx: Ctx, quiet = false): Promise<void> {
	const deadline = performance.now() + IDLE_TIMEOUT_MS;
	let last = Number.POSITIVE_INFINITY;
	while (performance.now() < deadline) {
		const pids = ctx.sys.pids();
		const c0 = cpuSeconds(pids);
		await new Promise((r) => setTimeout(r, 1_000));
		const used = cpuSeconds(pids) - c0;
		if (used < IDLE_CORES) return;
		if (quiet && used < QUIET_MAX_CORES && Math.abs(used - last) < QUIET_STEADY_CORES) return;
		last = used;
	}
	ctx.log('  (the SFU did not become idle within 30 s)');
}

export const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

export interface RampResult { publishers: number; steps: Window[]; failedJoins: number }

/** Closes the most recent subscribers (never the probe) until `keep` remain. */
export async function leaveSubscribers(all: Joined, keep: number): Promise<void> {
	while (all.parts.length > Math.max(1, keep)) {
		const p = all.parts.pop()!;
		const gone = new Set(all.subsOf?.get(p) ?? []);
		all.subsOf?.delete(p);
		all.subs = all.subs.filter((s) => !gone.has(s));
		await p.close().catch(() => {});
	}
}

/**
 * Webinar ramp: a few publishers (audio + video), subscribers added step by step until video
 * loss reaches 1 %; then `refine` bisection steps between the last passing and the first failing
 * count (subscribers leave or join), so the answer does not hinge on the coarse grid.
 */
export async function webinarRamp(ctx: Ctx, steps: number[], publisherCount: number, refine = 0): Promise<RampResult> {
	await waitIdle(ctx);
	const room = await ctx.sys.openRoom();
	let flowing = true;
	const pub = await publishers(ctx, room, publisherCount, ['audio', 'video'], () => flowing);
	const all: Joined = { parts: [], subs: [], probes: [], failed: 0, subsOf: new Map() };
	const out: Window[] = [];
	let overloaded = false;
	const step = async (target: number) => {
		// An overloaded SFU does not recover by itself when the load drops a little: its send
		// queue and receive buffer stay full, and every step below failed too (both mediasoup
		// systems, in the runs of 2026-11-29). So after a failed step the media stops until the
		// SFU is idle, and the next step starts from a clean state.
		if (overloaded) flowing = false;
		const want = Math.ceil(target / publisherCount);
		if (want > all.parts.length) await joinSubscribers(room, want - all.parts.length, pub.pubs, all);
		else await leaveSubscribers(all, want);
		if (!flowing) {
			await waitIdle(ctx, true);
			flowing = true;
		}
		await settle();
		const w = await measure(ctx, all.subs, all.probes);
		out.push(w);
		overloaded = !passes(w);
		ctx.log(`  ramp ${w.videoConsumers} video consumers: sfu ${(w.sfuCores * 100).toFixed(0)} % cpu (node ${(w.controllerCores * 100).toFixed(0)} %; + softirq ${(w.softirqCores * 100).toFixed(0)} %, others ${(w.otherOnSfuCpu * 100).toFixed(0)} %), gen ${(w.genCores * 100).toFixed(0)} %, loss ${(w.videoLoss * 100).toFixed(2)} %, delivered ${(w.videoDelivered * 100).toFixed(1)} %, ${w.forwardedMbps.toFixed(0)} Mbit/s, p99 ${w.latencyMs.p99.toFixed(1)} ms (bench loop delay p99 ${w.benchLoopDelayP99Ms.toFixed(0)} ms), UDP drops ${w.udpDrops} (generator ${w.generatorDrops}), lost transports ${ctx.gen.iceDisconnects}, failed joins ${all.failed}`);
		return w;
	};
	try {
		await settle();
		let lo = 0;
		let hi = 0;
		for (const target of steps) {
			const w = await step(target);
			if (!passes(w)) { hi = w.videoConsumers; break; }
			lo = w.videoConsumers;
		}
		for (let i = 0; i < refine && hi > 0; i++) {
			const next = bisectStep(lo, hi, publisherCount, REFINE_MIN_GAP);
			if (next === undefined) break;
			const w = await step(next);
			if (passes(w)) lo = Math.max(lo, w.videoConsumers);
			else hi = Math.min(hi, w.videoConsumers);
		}
	} finally {
		pub.close();
		await closeAll([...all.parts, ...pub.parts]);
		await room.close().catch(() => {});
	}
	return { publishers: publisherCount, steps: out, failedJoins: all.failed };
}

/** Meeting: `n` participants, all send audio + video, all receive all others. */
export async function meeting(ctx: Ctx, n: number): Promise<Window> {
	await waitIdle(ctx);
	const room = await ctx.sys.openRoom();
	const pub = await publishers(ctx, room, n, ['audio', 'video']);
	const subs: Subscription[] = [];
	const probes: Subscription[] = [];
	try {
		for (const [i, p] of pub.parts.entries()) {
			const s = await p.subscribe(pub.pubs.filter((x) => !p.publications.includes(x)), { probe: i === 0 });
			subs.push(...s);
			if (i === 0) probes.push(...s);
		}
		await settle();
		const w = await measure(ctx, subs, probes);
		ctx.log(`  meeting ${n}: sfu ${(w.sfuCores * 100).toFixed(0)} % cpu (node ${(w.controllerCores * 100).toFixed(0)} %), loss ${(w.videoLoss * 100).toFixed(2)} %, p50/p99 ${w.latencyMs.p50.toFixed(1)}/${w.latencyMs.p99.toFixed(1)} ms`);
		return w;
	} finally {
		pub.close();
		await closeAll(pub.parts);
		await room.close().catch(() => {});
	}
}

export interface AudioRoomResult extends Window { listeners: number; failedJoins: number; memoryPerParticipantBytes: number }

/** Audio-only large room: a few speakers, many listeners; also server memory per participant. */
export async function audioRoom(ctx: Ctx, speakers: number, listeners: number): Promise<AudioRoomResult> {
	await waitIdle(ctx);
	const room = await ctx.sys.openRoom();
	const pub = await publishers(ctx, room, speakers, ['audio']);
	const all: Joined = { parts: [], subs: [], probes: [], failed: 0 };
	try {
		await settle();
		const rss0 = rssBytes(ctx.sys.pids());
		await joinSubscribers(room, listeners, pub.pubs, all);
		await settle();
		const rss1 = rssBytes(ctx.sys.pids());
		const w = await measure(ctx, all.subs, all.probes);
		const memoryPerParticipantBytes = (rss1 - rss0) / (listeners - all.failed);
		ctx.log(`  audio room ${listeners} listeners: sfu ${(w.sfuCores * 100).toFixed(0)} % cpu (node ${(w.controllerCores * 100).toFixed(0)} %), loss ${(w.audioLoss * 100).toFixed(2)} %, ${(memoryPerParticipantBytes / 1024).toFixed(0)} KiB per participant`);
		return { ...w, listeners, failedJoins: all.failed, memoryPerParticipantBytes };
	} finally {
		pub.close();
		await closeAll([...all.parts, ...pub.parts]);
		await room.close().catch(() => {});
	}
}

export interface JoinStormResult { joins: number; failed: number; joinMs: number[]; p50: number; p95: number }

/** Join storm: `m` participants join within `spreadMs`; each times signalling connect → first RTP. */
export async function joinStorm(ctx: Ctx, m: number, spreadMs: number): Promise<JoinStormResult> {
	await waitIdle(ctx);
	const room = await ctx.sys.openRoom();
	const pub = await publishers(ctx, room, 1, ['audio', 'video']);
	const parts: BenchParticipant[] = [];
	try {
		await settle();
		const joinMs = await Promise.all(Array.from({ length: m }, async (_x, i) => {
			await new Promise((r) => setTimeout(r, (i * spreadMs) / m));
			const t0 = performance.now();
			try {
				const p = await room.join([]);
				parts.push(p);
				const subs = await p.subscribe(pub.pubs, { firstPacket: true });
				const first = await Promise.race([
					...subs.map((s) => s.firstPacketAt()),
					new Promise<number>((_ok, fail) => setTimeout(() => fail(new Error('no media')), JOIN_TIMEOUT_MS)),
				]);
				return first - t0;
			} catch {
				return Number.NaN;
			}
		}));
		const ok = joinMs.filter((x) => Number.isFinite(x));
		const r = { joins: m, failed: m - ok.length, joinMs: ok, p50: percentile(ok, 50), p95: percentile(ok, 95) };
		ctx.log(`  join storm ${m} in ${spreadMs} ms: p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, failed ${r.failed}`);
		return r;
	} finally {
		pub.close();
		await closeAll([...parts, ...pub.parts]);
		await room.close().catch(() => {});
	}
}
