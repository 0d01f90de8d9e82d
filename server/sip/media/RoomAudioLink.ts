import dgram from 'node:dgram';
import opus from '@discordjs/opus';

const { OpusEncoder } = opus;
type OpusEncoder = InstanceType<typeof OpusEncoder>;
import type { Participant } from '../../rooms/Participant.js';
import type { Room } from '../../rooms/Room.js';
import { audioLevelOf, buildRtp, parseRtp } from '../rtp/rtpPacket.js';
import { SAMPLES_PER_FRAME } from '../rtp/PhoneLeg.js';

const OPUS_PT = 100;
const AUDIO_LEVEL_EXT_ID = 1;
const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const OPUS_TS_PER_FRAME = 960; // 20 ms at Opus's 48 kHz RTP clock
const OPUS_BITRATE = 24_000;
/** Speakers mixed for a phone: the loudest few; decoding everyone would grow with the room. */
const MIX_LOUDEST = 3;
const QUEUE_MAX = 10;
const SILENT = 127;

/** What the bridge can receive: Opus with audio levels, as the router's other consumers get it. */
const PHONE_CAPABILITIES = {
	codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: OPUS_PT }],
	headerExtensions: [{ kind: 'audio', uri: AUDIO_LEVEL_URI, preferredId: AUDIO_LEVEL_EXT_ID, direction: 'sendrecv' }],
};

interface RoomStream {
	consumerId: string;
	producerId: string;
	decoder: OpusEncoder;
	extId: number | undefined;
	queue: Array<{ payload: Buffer; level: number }>;
	pcm: Int16Array;
	level: number;
	primed: boolean;
}

/**
 * A phone call's link into its room's router: one plain RTP transport (mediasoup) that takes
 * the caller's voice as Opus with audio levels (so the active-speaker logic hears phones too)
 * and sends back every other participant's Opus, which mix() turns into one 8 kHz stream.
 */
export class RoomAudioLink {
	readonly #socket: dgram.Socket;
	readonly #room: Room;
	readonly #participant: Participant;
	// The mediasoup side; made again after a worker death (rebuild()).
	#target: { ip: string; port: number };
	#transportId: string;
	readonly #encoder = new OpusEncoder(8000, 1);
	readonly #streams = new Map<number, RoomStream>(); // by SSRC
	readonly #ssrc = (Math.random() * 0xffffffff) >>> 0;
	#seq = (Math.random() * 0xffff) | 0;
	#ts = (Math.random() * 0xffffffff) >>> 0;
	#producerId: string | undefined;
	#closed = false;
	packetsOut = 0;

	private constructor(socket: dgram.Socket, room: Room, participant: Participant, target: { id: string; ip: string; port: number }) {
		this.#socket = socket;
		this.#room = room;
		this.#participant = participant;
		this.#target = target;
		this.#transportId = target.id;
		this.#encoder.setBitrate(OPUS_BITRATE);
		socket.on('message', (buf) => this.#onPacket(buf));
		socket.on('error', () => {});
	}

	static async open(room: Room, participant: Participant, ip = '127.0.0.1'): Promise<RoomAudioLink> {
		const socket = dgram.createSocket('udp4');
		await new Promise<void>((ok, fail) => socket.once('error', fail).bind(0, ip, () => ok()));
		try {
			const plain = await room.media.createPlainTransport(participant.id, { ip, port: socket.address().port });
			room.media.setRtpCapabilities(participant.id, PHONE_CAPABILITIES);
			const link = new RoomAudioLink(socket, room, participant, plain);
			for (const p of room.media.producers()) if (p.kind === 'audio' && p.participantId !== participant.id) await link.subscribe(p.id);
			return link;
		} catch (err) {
			socket.close();
			throw err;
		}
	}

	/** Starts sending the caller's voice into the room (after the PIN, so nobody hears the prompts). */
	async publish(paused = false): Promise<string> {
		const info = await this.#room.produce(this.#participant.id, {
			transportId: this.#transportId,
			kind: 'audio',
			source: 'mic',
			paused,
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
				encodings: [{ ssrc: this.#ssrc }],
				headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
			},
		});
		this.#producerId = info.id;
		return info.id;
	}

	get producerId(): string | undefined {
		return this.#producerId;
	}

	/** Receives another participant's audio producer. */
	async subscribe(producerId: string): Promise<void> {
		if (this.#closed) return;
		const c = await this.#room.media.consume(this.#participant.id, producerId);
		const rtp = c.rtpParameters as { encodings?: Array<{ ssrc?: number }>; headerExtensions?: Array<{ uri: string; id: number }> };
		const ssrc = rtp.encodings?.[0]?.ssrc;
		if (ssrc === undefined) return;
		const extId = rtp.headerExtensions?.find((h) => h.uri === AUDIO_LEVEL_URI)?.id;
		this.#streams.set(ssrc, { consumerId: c.id, producerId, decoder: new OpusEncoder(8000, 1), extId, queue: [], pcm: new Int16Array(0), level: SILENT, primed: false });
		await this.#room.media.setConsumerPaused(this.#participant.id, c.id, false);
	}

	unsubscribe(consumerId: string): void {
		for (const [ssrc, s] of this.#streams) if (s.consumerId === consumerId) this.#streams.delete(ssrc);
	}

	/** Others' producers that went with a dead worker: stop mixing them. */
	dropProducers(producerIds: readonly string[]): void {
		for (const [ssrc, s] of this.#streams) if (producerIds.includes(s.producerId)) this.#streams.delete(ssrc);
	}

	/**
	 * The worker under this link died: its plain transport, producer and consumers are gone.
	 * Makes them again on the room's live worker, on the same local socket, and publishes the
	 * caller again (paused if muted) if it was published.
	 */
	async rebuild(paused: boolean): Promise<void> {
		if (this.#closed) return;
		const published = this.#producerId !== undefined;
		this.#streams.clear();
		this.#producerId = undefined;
		const { address, port } = this.#socket.address();
		const plain = await this.#room.media.createPlainTransport(this.#participant.id, { ip: address, port });
		if (this.#closed) return;
		this.#target = { ip: plain.ip, port: plain.port };
		this.#transportId = plain.id;
		for (const p of this.#room.media.producers()) if (p.kind === 'audio' && p.participantId !== this.#participant.id) await this.subscribe(p.id);
		if (published && !this.#closed) await this.publish(paused);
	}

	#onPacket(buf: Buffer): void {
		const first = buf.length >= 12 ? buf.readUInt32BE(8) : 0;
		const stream = this.#streams.get(first);
		if (!stream) return;
		const pkt = parseRtp(buf, stream.extId);
		if (!pkt || pkt.payload.length === 0) return;
		stream.queue.push({ payload: Buffer.from(pkt.payload), level: pkt.audioLevel ?? SILENT });
		if (stream.queue.length > QUEUE_MAX) stream.queue.shift();
	}

	/** Sends 20 ms of the caller's 8 kHz voice into the room as Opus. */
	send(pcm: Int16Array): void {
		if (this.#closed || !this.#producerId) return;
		const level = audioLevelOf(pcm);
		const payload = this.#encoder.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
		const packet = buildRtp({
			payloadType: OPUS_PT, marker: false, sequence: this.#seq, timestamp: this.#ts, ssrc: this.#ssrc, payload,
			audioLevel: { id: AUDIO_LEVEL_EXT_ID, level, voice: level < 60 },
		});
		this.#seq = (this.#seq + 1) & 0xffff;
		this.#ts = (this.#ts + OPUS_TS_PER_FRAME) >>> 0;
		this.packetsOut++;
		this.#socket.send(packet, this.#target.port, this.#target.ip);
	}

	/** The next 20 ms of the room (everyone but the caller) at 8 kHz, or undefined when silent. */
	mix(): Int16Array | undefined {
		const ready: RoomStream[] = [];
		for (const s of this.#streams.values()) {
			if (!s.primed && s.queue.length >= 2) s.primed = true;
			if (!s.primed) continue;
			if (s.queue.length === 0 && s.pcm.length < SAMPLES_PER_FRAME) {
				s.primed = false; // paused or DTX silence: buffer again
				continue;
			}
			s.level = s.queue[0]?.level ?? s.level;
			ready.push(s);
		}
		if (ready.length === 0) return undefined;
		ready.sort((a, b) => a.level - b.level);
		const out = new Int32Array(SAMPLES_PER_FRAME);
		ready.forEach((s, i) => {
			if (i >= MIX_LOUDEST) {
				s.queue.shift(); // not heard this tick: skip it without decoding
				return;
			}
			while (s.pcm.length < SAMPLES_PER_FRAME && s.queue.length > 0) {
				const next = s.queue.shift();
				if (!next) break;
				const decoded = s.decoder.decode(next.payload);
				const pcm = new Int16Array(decoded.buffer, decoded.byteOffset, decoded.byteLength / 2);
				const joined = new Int16Array(s.pcm.length + pcm.length);
				joined.set(s.pcm);
				joined.set(pcm, s.pcm.length);
				s.pcm = joined;
			}
			for (let k = 0; k < SAMPLES_PER_FRAME && k < s.pcm.length; k++) out[k]! += s.pcm[k]!;
			s.pcm = s.pcm.subarray(Math.min(SAMPLES_PER_FRAME, s.pcm.length));
		});
		return Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, v)));
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#streams.clear();
		this.#socket.close();
	}
}
