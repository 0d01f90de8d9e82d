import type { types } from 'mediasoup';
import { TypedEmitter } from '../server/shared/TypedEmitter.js';

/** What a stream carries, for metrics: screen is screen-share video; screen audio counts as audio. */
export type MediaClass = 'audio' | 'video' | 'screen';
/** in: from participants into the SFU (producers); out: forwarded to participants (consumers). */
export type MediaDirection = 'in' | 'out';

/** Growth of one stream's counters since the previous poll. */
export interface RtpDelta {
	bytes: number;
	packets: number;
	/** in: lost between sender and SFU; out: lost towards the receiver (from its reports). */
	packetsLost: number;
	/** in: NACKs the SFU sent upstream; out: NACKs receivers sent to the SFU. Same for PLIs. */
	nacks: number;
	plis: number;
}

export type MediaStatsEvents = {
	/** Once per stream and poll, for streams whose counters grew. */
	rtp: [direction: MediaDirection, kind: MediaClass, delta: RtpDelta];
	/** Once per forwarded stream and poll that has a round-trip time from receiver reports. */
	rtt: [seconds: number];
	/** After each poll: how long it took (wall time) and how many streams it read. */
	polled: [seconds: number, streams: number];
};

type Counters = RtpDelta;
type StatsOf = () => Promise<Array<{ type: string } & types.RtpStreamSendStats>>;

interface Stream {
	direction: MediaDirection;
	kind: MediaClass;
	last: Counters;
	stats: StatsOf;
}

// Bounded fan-out per poll step: a poll never floods a worker's channel.
const POLL_BATCH = 25;
const ZERO: Counters = { bytes: 0, packets: 0, packetsLost: 0, nacks: 0, plis: 0 };

/**
 * Live WebRTC producers and consumers of every watched worker, counted by class, and their RTP
 * counters read with getStats() every `intervalMs` (pipe transports between a room's workers
 * are left out: they are not participants' media). Emits deltas; it never touches the media.
 * Owned by WorkerPool; close() stops the timer.
 */
export class MediaStats extends TypedEmitter<MediaStatsEvents> {
	readonly #streams = new Map<string, Stream>();
	// Producer id → class, so a consumer is counted as what its producer sends.
	readonly #producerKinds = new Map<string, MediaClass>();
	#timer: NodeJS.Timeout | undefined;
	#polling = false;

	/** Starts polling every `intervalMs` (0 = never). */
	constructor(intervalMs: number) {
		super();
		if (intervalMs > 0) {
			this.#timer = setInterval(() => void this.poll(), intervalMs);
			this.#timer.unref();
		}
	}

	watch(worker: types.Worker): void {
		worker.observer.on('newrouter', (router) => {
			router.observer.on('newtransport', (transport) => {
				if (transport.type !== 'webrtc') return;
				transport.observer.on('newproducer', (p) => this.#addProducer(p));
				transport.observer.on('newconsumer', (c) => this.#addConsumer(c));
			});
		});
	}

	#addProducer(p: types.Producer): void {
		const source = (p.appData as { source?: unknown }).source;
		const kind: MediaClass = p.kind === 'video' && source === 'screen' ? 'screen' : p.kind;
		this.#producerKinds.set(p.id, kind);
		this.#track(`p:${p.id}`, 'in', kind, p, () => p.getStats() as ReturnType<StatsOf>);
		p.observer.once('close', () => this.#producerKinds.delete(p.id));
	}

	#addConsumer(c: types.Consumer): void {
		const kind = this.#producerKinds.get(c.producerId) ?? c.kind;
		this.#track(`c:${c.id}`, 'out', kind, c, async () => (await c.getStats()).filter((s) => s.type === 'outbound-rtp') as Awaited<ReturnType<StatsOf>>);
	}

	#track(key: string, direction: MediaDirection, kind: MediaClass, o: { observer: { once(e: 'close', f: () => void): unknown } }, stats: StatsOf): void {
		this.#streams.set(key, { direction, kind, last: { ...ZERO }, stats });
		o.observer.once('close', () => this.#streams.delete(key));
	}

	/** Live producers ('in') or consumers ('out') by class. */
	counts(direction: MediaDirection): Record<MediaClass, number> {
		const c = { audio: 0, video: 0, screen: 0 };
		for (const s of this.#streams.values()) if (s.direction === direction) c[s.kind]++;
		return c;
	}

	/** Reads every stream's stats once and emits the growth; a poll still running is not overlapped. */
	async poll(): Promise<void> {
		if (this.#polling) return;
		this.#polling = true;
		const started = performance.now();
		const streams = [...this.#streams.values()];
		try {
			for (let i = 0; i < streams.length; i += POLL_BATCH) {
				await Promise.all(streams.slice(i, i + POLL_BATCH).map((s) => this.#read(s)));
			}
		} finally {
			this.#polling = false;
		}
		this.safeEmit('polled', (performance.now() - started) / 1000, streams.length);
	}

	async #read(s: Stream): Promise<void> {
		let stats: Awaited<ReturnType<StatsOf>>;
		try {
			stats = await s.stats();
		} catch {
			return; // closed while we asked: its last interval is not counted
		}
		const now: Counters = { ...ZERO };
		let rttMs = 0;
		for (const x of stats) {
			now.bytes += x.byteCount;
			now.packets += x.packetCount;
			now.packetsLost += Math.max(0, x.packetsLost);
			now.nacks += x.nackCount;
			now.plis += x.pliCount;
			rttMs = Math.max(rttMs, x.roundTripTime ?? 0);
		}
		// Counters of a stream only grow; a simulcast layer that stops can make a sum dip, so clamp.
		const delta = {} as Counters;
		for (const k of Object.keys(ZERO) as Array<keyof Counters>) {
			delta[k] = Math.max(0, now[k] - s.last[k]);
			s.last[k] = Math.max(s.last[k], now[k]);
		}
		if (delta.bytes || delta.packets || delta.packetsLost || delta.nacks || delta.plis) this.safeEmit('rtp', s.direction, s.kind, delta);
		if (s.direction === 'out' && rttMs > 0) this.safeEmit('rtt', rttMs / 1000);
	}

	close(): void {
		clearInterval(this.#timer);
		this.#timer = undefined;
		this.#streams.clear();
		this.#producerKinds.clear();
	}
}
