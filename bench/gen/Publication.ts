import { performance } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import type { Generator } from './Generator.js';
import { payloadKey } from './media.js';

const SEND_TIME_KEEP_MS = 3_000;
let nextSsrc = 100_000;

/**
 * One track a synthetic participant sends: RTP from ffmpeg enters the generator's worker on a
 * DirectTransport producer and leaves towards the SFU through a consumer on the participant's
 * send transport. Counts what it sent and remembers when, by payload, for latency.
 */
export class Publication {
	readonly kind: types.MediaKind;
	readonly #producer: types.Producer;
	readonly #ssrc: number;
	sent = 0;
	/** Payload key → send time (ms, performance clock), recent packets only. */
	readonly sendTimes = new Map<string, number>();
	#order: Array<[number, string]> = [];
	/** Set by the system adapter: the SFU's id for this track (producer id or Janus feed/mid). */
	remoteId = '';

	private constructor(kind: types.MediaKind, producer: types.Producer, ssrc: number) {
		this.kind = kind;
		this.#producer = producer;
		this.#ssrc = ssrc;
	}

	static async create(gen: Generator, kind: types.MediaKind): Promise<Publication> {
		const ssrc = nextSsrc++;
		const codec = kind === 'video'
			? { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }
			: { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, rtcpFeedback: [] };
		const producer = await gen.direct.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } });
		return new Publication(kind, producer, ssrc);
	}

	/** The client-side consumer that carries this track to the SFU over `t`. */
	async attach(t: types.WebRtcTransport, remoteCaps: types.RtpCapabilities): Promise<types.RtpParameters> {
		const c = await t.consume({ producerId: this.#producer.id, rtpCapabilities: remoteCaps });
		return c.rtpParameters;
	}

	/** Feeds one RTP packet from ffmpeg (its SSRC rewritten to this track's). */
	feed(packet: Buffer): void {
		packet.writeUInt32BE(this.#ssrc, 8);
		const now = performance.now();
		const key = payloadKey(packet);
		this.sendTimes.set(key, now);
		this.#order.push([now, key]);
		if (this.#order.length > 512 && this.#order[0]![0] < now - SEND_TIME_KEEP_MS) {
			const keep = this.#order.findIndex(([t]) => t >= now - SEND_TIME_KEEP_MS);
			for (const [, k] of this.#order.slice(0, keep)) this.sendTimes.delete(k);
			this.#order = this.#order.slice(keep);
		}
		this.#producer.send(packet);
		this.sent++;
	}

	get producerId(): string {
		return this.#producer.id;
	}
}

export interface SubscriptionOptions {
	/** Hand every packet to Node and measure latency against the Publication's send times. */
	probe?: boolean;
	/** Record when the first packet arrives (join time). */
	firstPacket?: boolean;
	/** With `probe`: keep each packet's arrival time by payload (Subscription.arrivals). */
	arrivals?: boolean;
}

/**
 * One track a synthetic participant receives: a producer on the generator's recv transport
 * (so its worker decrypts and counts every packet). NACK is not offered, so loss is raw.
 * A probe also hands each packet to Node to measure latency against the Publication.
 */
export class Subscription {
	readonly producer: types.Producer;
	readonly from: Publication;
	readonly latencies: number[] = [];
	/** With `arrivals: true`: when each packet (by payload) arrived, to pair two receivers' times (bench:cluster). */
	readonly arrivals = new Map<string, number>();
	#firstPacket: Promise<number> | undefined;

	private constructor(producer: types.Producer, from: Publication, firstPacket: Promise<number> | undefined) {
		this.producer = producer;
		this.from = from;
		this.#firstPacket = firstPacket;
	}

	static async create(gen: Generator, t: types.WebRtcTransport, from: Publication, rtpParameters: types.RtpParameters, opts: SubscriptionOptions = {}): Promise<Subscription> {
		const params: types.RtpParameters = {
			...rtpParameters,
			codecs: rtpParameters.codecs.map((c) => ({ ...c, rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'nack' && f.type !== 'transport-cc' && f.type !== 'goog-remb') })),
		};
		const producer = await t.produce({ kind: from.kind, rtpParameters: params });
		// First packet: the producer's 'rtp' trace, switched off once seen.
		if (opts.firstPacket) await producer.enableTraceEvent(['rtp']);
		const firstPacket = opts.firstPacket && new Promise<number>((ok) => {
			producer.on('trace', function first() {
				ok(performance.now());
				producer.removeListener('trace', first);
				producer.enableTraceEvent([]).catch(() => {});
			});
		});
		const sub = new Subscription(producer, from, firstPacket || undefined);
		if (opts.probe) {
			const c = await gen.direct.consume({ producerId: producer.id, rtpCapabilities: gen.router.rtpCapabilities });
			c.on('rtp', (p) => {
				const key = payloadKey(p);
				const sent = from.sendTimes.get(key);
				if (sent !== undefined) sub.latencies.push(performance.now() - sent);
				if (opts.arrivals) sub.arrivals.set(key, performance.now());
			});
		}
		return sub;
	}

	/** When the first packet arrived (performance clock); only with `firstPacket: true`. */
	firstPacketAt(): Promise<number> {
		if (!this.#firstPacket) throw new Error('created without firstPacket');
		return this.#firstPacket;
	}

	/** Packets received so far (main stream, not RTX). */
	async received(): Promise<number> {
		const stats = await this.producer.getStats();
		return stats[0]?.packetCount ?? 0;
	}
}
