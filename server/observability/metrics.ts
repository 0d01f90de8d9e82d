import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MediaClass, MediaDirection, RtpDelta } from '../../sfu-workers/MediaStats.js';
import type { WorkerUsage } from '../../sfu-workers/WorkerPool.js';
import type { RoomSummary } from '../rooms/RoomRegistry.js';

/** Participant legs: a browser, or a phone through the SIP bridge. */
export type ParticipantKind = 'browser' | 'phone';

/** Counts read at scrape time; no room, participant or address ever becomes a label. */
export interface StatsSource {
	rooms(): number;
	participants(): Record<ParticipantKind, number>;
	routers(): number;
	producers(): Record<MediaClass, number>;
	consumers(): Record<MediaClass, number>;
	workersAlive(): number;
	/** Producers + consumers per worker index, as placement sees them. */
	workerLoads(): Array<{ index: number; load: number }>;
	/** CPU and memory per live worker; called at most once per scrape. */
	workerUsage(): Promise<WorkerUsage[]>;
}

/** Limits from the configuration, exported so alerts can compare against them. */
export interface MetricLimits {
	maxRooms: number;
	workers: number;
}

export interface Metrics {
	registry: Registry;
	workerRestarts: Counter<'reason'>;
	signallingErrors: Counter<'code'>;
	/** Every answered request: type = request name (or 'unknown'), result = ok | error. */
	signallingMessages: Counter<'type' | 'result'>;
	/** Signalling connect → first consumer resumed, per connection that joined a room with media. */
	joinLatency: Histogram;
	/** MediaStats deltas and round-trip times. */
	rtp(direction: MediaDirection, kind: MediaClass, delta: RtpDelta): void;
	rtt(seconds: number): void;
	/** One MediaStats poll: its wall time, so operators see what the stats reading costs. */
	statsPolled(seconds: number): void;
	roomOpened(): void;
	roomClosed(summary: RoomSummary): void;
}

const MEDIA_CLASSES: readonly MediaClass[] = ['audio', 'video', 'screen'];
const DIRECTIONS: readonly MediaDirection[] = ['in', 'out'];
// Scrapes that come close together share one read of the workers' resource use.
const USAGE_REUSE_MS = 1_000;
const EVENT_LOOP_SAMPLE_MS = 100;

/** The Prometheus registry for GET /metrics. Names follow plenum_<subsystem>_<thing>_<unit>. */
export function createMetrics(stats: StatsSource, limits: MetricLimits): Metrics {
	const registry = new Registry();
	// The event-loop delay monitor wakes the process at every sample, on a core it shares with a
	// media worker: at prom-client's 10 ms an idle server took 0.90 % of a core, at 100 ms 0.13 %
	// (npm run bench:idle). A stall long enough to matter (the alert is at 200 ms) still lands
	// on a sample.
	collectDefaultMetrics({ register: registry, prefix: 'plenum_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
	const registers = [registry];

	const gauge = (name: string, help: string, read: () => number) =>
		new Gauge({ name, help, registers, collect() { this.set(read()); } });
	gauge('plenum_rooms', 'Open rooms.', () => stats.rooms());
	gauge('plenum_rooms_limit', 'Rooms this server accepts (MAX_ROOMS).', () => limits.maxRooms);
	gauge('plenum_media_routers', 'mediasoup routers alive.', () => stats.routers());
	gauge('plenum_media_workers_alive', 'mediasoup workers alive.', () => stats.workersAlive());
	gauge('plenum_media_workers_configured', 'mediasoup workers this server runs when healthy.', () => limits.workers);

	const byLabel = <L extends string>(name: string, help: string, label: string, read: () => Record<L, number>) =>
		new Gauge({
			name, help, labelNames: [label], registers,
			collect() {
				for (const [value, n] of Object.entries<number>(read())) this.set({ [label]: value }, n);
			},
		});
	byLabel('plenum_participants', 'Participants in open rooms, by kind (browser, phone).', 'kind', () => stats.participants());
	byLabel('plenum_media_producers', 'Producers (media sent into the SFU) by kind (audio, video, screen).', 'kind', () => stats.producers());
	byLabel('plenum_media_consumers', 'Consumers (media forwarded to a participant) by kind (audio, video, screen).', 'kind', () => stats.consumers());
	new Gauge({
		name: 'plenum_media_worker_load', help: 'Producers + consumers per worker (what room placement balances).',
		labelNames: ['worker'], registers,
		collect() {
			this.reset();
			for (const w of stats.workerLoads()) this.set({ worker: String(w.index) }, w.load);
		},
	});
	workerUsageMetrics(registry, stats);

	const workerRestarts = new Counter({ name: 'plenum_media_worker_restarts_total', help: 'mediasoup workers that died and were replaced.', labelNames: ['reason'], registers });
	const signallingErrors = new Counter({ name: 'plenum_signalling_errors_total', help: 'Signalling requests answered with an error, by error code.', labelNames: ['code'], registers });
	const signallingMessages = new Counter({ name: 'plenum_signalling_messages_total', help: 'Signalling requests answered, by request type and result (ok, error).', labelNames: ['type', 'result'], registers });
	const joinLatency = new Histogram({
		name: 'plenum_signalling_join_latency_seconds', help: 'Time from signalling connect to the first consumer resumed, per connection joining a room that has media.',
		buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30], registers,
	});
	const rtp = rtpMetrics(registry);
	const rtt = new Histogram({
		name: 'plenum_media_rtt_seconds', help: 'Round-trip time to receivers of forwarded streams, from their RTCP reports, one sample per stream and stats poll.',
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6], registers,
	});
	const polls = new Histogram({
		name: 'plenum_media_stats_poll_seconds', help: 'Wall time of one read of every stream\'s RTP stats from the workers (MEDIA_STATS_INTERVAL_MS).',
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
	});
	const opened = new Counter({ name: 'plenum_rooms_opened_total', help: 'Rooms opened.', registers });
	const closed = new Counter({ name: 'plenum_rooms_closed_total', help: 'Rooms closed, by reason.', labelNames: ['reason'], registers });
	const size = new Histogram({
		name: 'plenum_room_size_participants', help: 'Most participants a room had at once, observed when it closes.',
		buckets: [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000], registers,
	});
	const duration = new Histogram({
		name: 'plenum_room_duration_seconds', help: 'How long a room was open, observed when it closes.',
		buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400], registers,
	});
	return {
		registry, workerRestarts, signallingErrors, signallingMessages, joinLatency,
		rtp,
		rtt: (s) => rtt.observe(s),
		statsPolled: (s) => polls.observe(s),
		roomOpened: () => opened.inc(),
		roomClosed: (r) => {
			closed.inc({ reason: r.reason });
			size.observe(r.peakParticipants);
			duration.observe(r.openSeconds);
		},
	};
}

/** Counters of forwarded RTP, by direction and kind; every series exists from the start. */
function rtpMetrics(registry: Registry): Metrics['rtp'] {
	const labelNames = ['direction', 'kind'] as const;
	const counter = (name: string, help: string) => new Counter({ name, help, labelNames, registers: [registry] });
	const bytes = counter('plenum_media_bytes_total', 'RTP bytes received from participants (in) and forwarded to them (out).');
	const packets = counter('plenum_media_packets_total', 'RTP packets received from participants (in) and forwarded to them (out).');
	const lost = counter('plenum_media_packets_lost_total', 'RTP packets lost: in = from senders to the SFU; out = from the SFU to receivers (their reports).');
	const nacks = counter('plenum_media_nacks_total', 'NACKs: in = sent by the SFU to senders; out = received from receivers.');
	const plis = counter('plenum_media_plis_total', 'Picture loss indications: in = sent by the SFU to senders; out = received from receivers.');
	for (const direction of DIRECTIONS) {
		for (const kind of MEDIA_CLASSES) for (const c of [bytes, packets, lost, nacks, plis]) c.inc({ direction, kind }, 0);
	}
	return (direction, kind, d) => {
		const l = { direction, kind };
		bytes.inc(l, d.bytes);
		packets.inc(l, d.packets);
		lost.inc(l, d.packetsLost);
		nacks.inc(l, d.nacks);
		plis.inc(l, d.plis);
	};
}

/** Per-worker CPU (a counter fed from each worker's rusage) and resident memory. */
function workerUsageMetrics(registry: Registry, stats: StatsSource): void {
	let cached: { at: number; usage: Promise<WorkerUsage[]> } | undefined;
	const usage = () => {
		if (!cached || Date.now() - cached.at > USAGE_REUSE_MS) cached = { at: Date.now(), usage: stats.workerUsage() };
		return cached.usage;
	};
	// index → the pid and CPU seen last; a replaced worker (new pid) starts from zero again.
	const last = new Map<number, { pid: number; cpuSeconds: number }>();
	new Counter({
		name: 'plenum_media_worker_cpu_seconds_total', help: 'CPU time (user + system) used by each mediasoup worker; 1 s/s = one core.',
		labelNames: ['worker'], registers: [registry],
		async collect() {
			for (const u of await usage()) {
				const prev = last.get(u.index);
				const delta = prev?.pid === u.pid ? u.cpuSeconds - prev.cpuSeconds : u.cpuSeconds;
				if (delta > 0) this.inc({ worker: String(u.index) }, delta);
				last.set(u.index, { pid: u.pid, cpuSeconds: u.cpuSeconds });
			}
		},
	});
	new Gauge({
		name: 'plenum_media_worker_memory_bytes', help: 'Resident memory of each mediasoup worker.',
		labelNames: ['worker'], registers: [registry],
		async collect() {
			this.reset();
			for (const u of await usage()) this.set({ worker: String(u.index) }, u.rssBytes);
		},
	});
}
