import dgram from 'node:dgram';
import g711 from 'alawmulaw';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import { DtmfEvents } from './dtmfEvents.js';
import { JitterBuffer } from './JitterBuffer.js';
import { RelaySeal } from './RelaySeal.js';
import { buildRtp, parseRtp } from './rtpPacket.js';

export type PhoneCodecName = 'PCMU' | 'PCMA';
export const SAMPLES_PER_FRAME = 160; // 20 ms at 8 kHz

/** What the SDP exchange agreed for this leg. */
export interface PhoneLegParams {
	remote: { address: string; port: number };
	codec: { name: PhoneCodecName; payloadType: number };
	dtmfPayloadType: number | undefined;
	/** false while the phone holds the call (a=sendonly/inactive from its side). */
	send: boolean;
	receive: boolean;
}

/** The node hosting a relayed call: its leg's address and port, and the call's relay key (RelaySeal.ts). */
export interface RelayTarget {
	address: string;
	port: number;
	key: Buffer;
}

export type PhoneLegEvents = {
	/** Each telephone-event digit, once per key press. */
	dtmf: [digit: string];
};

/**
 * The phone side of a call: one UDP port for RTP to and from the phone (G.711, 20 ms), with
 * symmetric RTP: once the phone's packets arrive, replies go back to where they came from
 * (NAT), whatever the SDP said.
 */
export class PhoneLeg extends TypedEmitter<PhoneLegEvents> {
	readonly #socket: dgram.Socket;
	readonly port: number;
	readonly jitter = new JitterBuffer(2);
	readonly #dtmf = new DtmfEvents();
	readonly #ssrc = (Math.random() * 0xffffffff) >>> 0;
	#params: PhoneLegParams | undefined;
	#latched = false;
	#seq = (Math.random() * 0xffff) | 0;
	#ts = (Math.random() * 0xffffffff) >>> 0;
	#last: Int16Array<ArrayBufferLike> = new Int16Array(SAMPLES_PER_FRAME);
	#closed = false;
	/** Another node hosts this call (relayTo): where the phone's packets go, sealed. */
	#relay: { address: string; port: number; seal: RelaySeal } | undefined;
	/** This leg hosts a call for another node (sealWith): every packet in and out is sealed. */
	#hostSeal: RelaySeal | undefined;
	/** When the last RTP packet came from the phone (ms, monotonic); for the no-media timeout. */
	lastPacketAt = performance.now();
	sent = 0;
	/** Packets from the other node that did not open with the call's key (dropped). */
	unopened = 0;

	private constructor(socket: dgram.Socket) {
		super();
		this.#socket = socket;
		this.port = socket.address().port;
		socket.on('message', (buf, rinfo) => this.#onPacket(buf, rinfo));
		socket.on('error', () => {});
	}

	/** Binds a port in [min, max] (0, 0 = any free port). */
	static async open(ip: string, min: number, max: number): Promise<PhoneLeg> {
		const tries = min && max ? 20 : 1;
		for (let i = 0; i < tries; i++) {
			const port = min && max ? (min + Math.floor(Math.random() * ((max - min) / 2 + 1)) * 2) : 0; // even ports, as RTP customs go
			const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
			try {
				await new Promise<void>((ok, fail) => socket.once('error', fail).bind(port, ip, () => ok()));
				return new PhoneLeg(socket);
			} catch {
				socket.close();
			}
		}
		throw new Error('no free RTP port');
	}

	configure(params: PhoneLegParams): void {
		const moved = this.#params && (this.#params.remote.address !== params.remote.address || this.#params.remote.port !== params.remote.port);
		this.#params = { ...params, remote: this.#latched && !moved && this.#params ? this.#params.remote : params.remote };
	}

	get params(): PhoneLegParams | undefined {
		return this.#params;
	}

	/**
	 * Dial-in across nodes, on the caller's node: from now on this leg is a forwarder. The
	 * phone's packets go to `to` (the node hosting the call: its own leg decodes them, DTMF too)
	 * sealed with `to.key`, and `to`'s packets go to the phone once they open with it (others are
	 * dropped); send() sends nothing. undefined: a leg again (the call came back to this node).
	 */
	relayTo(to: RelayTarget | undefined): void {
		this.#relay = to && { address: to.address, port: to.port, seal: new RelaySeal(to.key, 'caller') };
	}

	/**
	 * Dial-in across nodes, on the hosting node: this leg's far end is the caller's node, so it
	 * opens every packet with `key` before reading it (dropping what does not open) and seals
	 * every packet it sends. Set once, before the first packet.
	 */
	sealWith(key: Buffer): void {
		this.#hostSeal = new RelaySeal(key, 'host');
	}

	get relayed(): boolean {
		return this.#relay !== undefined;
	}

	#onPacket(sealed: Buffer, rinfo: dgram.RemoteInfo): void {
		const p = this.#params;
		if (!p) return;
		const relay = this.#relay;
		if (relay && rinfo.address === relay.address && rinfo.port === relay.port) {
			const plain = relay.seal.open(sealed);
			if (!plain) this.unopened++;
			else if (parseRtp(plain)) this.#socket.send(plain, p.remote.port, p.remote.address);
			return;
		}
		// Hosting: only what the caller's node sealed counts, so nobody else can latch this leg.
		const buf = this.#hostSeal ? this.#hostSeal.open(sealed) : sealed;
		if (!buf) {
			this.unopened++;
			return;
		}
		const pkt = parseRtp(buf);
		if (!pkt) return;
		// Relaying, the phone is latched: a late packet of a former host must not move the latch.
		if (relay && this.#latched && (p.remote.address !== rinfo.address || p.remote.port !== rinfo.port)) return;
		if (!this.#latched || p.remote.address !== rinfo.address || p.remote.port !== rinfo.port) {
			// Latch only to the address the SDP named, or on the first packet (phone behind NAT).
			if (this.#latched && p.remote.address !== rinfo.address) return;
			p.remote = { address: rinfo.address, port: rinfo.port };
			this.#latched = true;
		}
		this.lastPacketAt = performance.now();
		if (relay) {
			this.#socket.send(relay.seal.seal(buf), relay.port, relay.address);
			return;
		}
		if (pkt.payloadType === p.dtmfPayloadType) {
			const digit = this.#dtmf.push(pkt.payload, pkt.timestamp);
			if (digit) this.safeEmit('dtmf', digit);
			return;
		}
		if (pkt.payloadType !== p.codec.payloadType || !p.receive) return;
		this.jitter.push(pkt.sequence, pkt.timestamp, Buffer.from(pkt.payload), Math.round(this.lastPacketAt * 8));
	}

	/** The phone's next 20 ms as 8 kHz PCM; silence while nothing arrives. */
	nextFrame(): Int16Array<ArrayBufferLike> | undefined {
		const p = this.#params;
		const frame = this.jitter.pop();
		if (!p || frame === undefined) return undefined;
		if (frame === 'conceal') return this.#last.map((s) => s >> 1);
		this.#last = p.codec.name === 'PCMA' ? g711.alaw.decode(frame) : g711.mulaw.decode(frame);
		return this.#last;
	}

	/** Sends 20 ms of 8 kHz PCM to the phone. */
	send(pcm: Int16Array): void {
		const p = this.#params;
		if (!p?.send || this.#closed || this.#relay) return;
		const payload = Buffer.from(p.codec.name === 'PCMA' ? g711.alaw.encode(pcm) : g711.mulaw.encode(pcm));
		const packet = buildRtp({ payloadType: p.codec.payloadType, marker: this.sent === 0, sequence: this.#seq, timestamp: this.#ts, ssrc: this.#ssrc, payload });
		this.#seq = (this.#seq + 1) & 0xffff;
		this.#ts = (this.#ts + SAMPLES_PER_FRAME) >>> 0;
		this.sent++;
		this.#socket.send(this.#hostSeal ? this.#hostSeal.seal(packet) : packet, p.remote.port, p.remote.address);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#params = undefined;
		this.#socket.close();
	}
}
