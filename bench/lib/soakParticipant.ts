import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { io, type Socket } from 'socket.io-client';

const REQUEST_TIMEOUT_MS = 10_000;

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

/** What the churn did and what failed, by name (`join`) and by request and code (`consume PLN_…`). */
export class Tally {
	readonly counts: Record<string, number> = {};
	readonly failures: Record<string, number> = {};
	count(what: string): void {
		this.counts[what] = (this.counts[what] ?? 0) + 1;
	}
	fail(what: string): void {
		this.failures[what] = (this.failures[what] ?? 0) + 1;
	}
}

class RequestFailed extends Error {}

/**
 * A scripted participant of bench:soak, driven over Plenum's socket.io signalling as the web
 * client drives it: join, capabilities, a send and a receive WebRtcTransport (connected with
 * DTLS parameters, though no media flows: there is no ICE peer), a microphone and a camera
 * producer (RTP parameters built from the router's codecs), a consumer of every producer of
 * the others (resumed), chat, mute, camera off/on, a dropped connection resumed on a new
 * socket, and a leave. Nothing is decoded or sent, so it costs the machine little; what it
 * exercises is the server's and the worker's bookkeeping, which is what leaks.
 */
export class SoakParticipant {
	readonly roomId: string;
	readonly #url: string;
	readonly #tally: Tally;
	#socket!: Socket;
	#id = '';
	#resumeToken = '';
	#caps!: types.RtpCapabilities;
	#send = '';
	readonly #producers = new Map<'mic' | 'camera', string>();
	readonly #consumed = new Set<string>();
	#muted = false;
	#closed = false;

	private constructor(url: string, roomId: string, tally: Tally) {
		this.#url = url;
		this.roomId = roomId;
		this.#tally = tally;
	}

	/** Joins `roomId` with media; rejects (after leaving) if any step fails. */
	static async join(url: string, roomId: string, name: string, tally: Tally): Promise<SoakParticipant> {
		const p = new SoakParticipant(url, roomId, tally);
		try {
			await p.#connect();
			const joined = await p.#req('join', { roomId, displayName: name });
			p.#id = joined.participantId;
			p.#resumeToken = joined.resumeToken;
			p.#caps = joined.rtpCapabilities;
			await p.#req('setRtpCapabilities', { rtpCapabilities: p.#caps });
			p.#send = await p.#transport('send');
			await p.#transport('recv');
			await p.#produce('mic');
			await p.#produce('camera');
			await p.#consumeAll(joined.producers);
			return p;
		} catch (err) {
			await p.leave();
			throw err;
		}
	}

	get id(): string {
		return this.#id;
	}

	async chat(): Promise<void> {
		await this.#req('sendChat', { text: `soak ${randomBytes(6).toString('hex')}` });
	}

	async toggleMute(): Promise<void> {
		const mic = this.#producers.get('mic');
		if (!mic) return;
		await this.#req(this.#muted ? 'resumeProducer' : 'pauseProducer', { producerId: mic });
		this.#muted = !this.#muted;
	}

	/** Camera off (its producer closes, as the web client does) or on again (a new producer). */
	async toggleCamera(): Promise<void> {
		const cam = this.#producers.get('camera');
		if (cam) {
			this.#producers.delete('camera');
			await this.#req('closeProducer', { producerId: cam });
		} else {
			await this.#produce('camera');
		}
	}

	/** The connection drops (no leave) and the participant resumes on a new socket, keeping its media. */
	async reconnect(): Promise<void> {
		this.#socket.disconnect();
		await this.#connect();
		const snap = await this.#req('resume', { roomId: this.roomId, participantId: this.#id, resumeToken: this.#resumeToken });
		if (typeof snap.resumeToken === 'string') this.#resumeToken = snap.resumeToken;
		await this.#consumeAll(snap.producers);
	}

	/** Leaves as the web client does: `leave`, then the socket closes. */
	async leave(): Promise<void> {
		if (this.#closed) return;
		if (this.#socket?.connected) await this.#req('leave', {}).catch(() => undefined);
		this.#close();
	}

	/** The connection drops for good, without a leave: the server keeps the place for its reconnect grace. */
	vanish(): void {
		this.#close();
	}

	#close(): void {
		this.#closed = true;
		this.#socket?.disconnect();
	}

	async #connect(): Promise<void> {
		const socket = io(this.#url, { transports: ['websocket'], reconnection: false, forceNew: true });
		this.#socket = socket;
		await new Promise<void>((ok, fail) => {
			socket.once('connect', () => ok());
			socket.once('connect_error', fail);
		});
		socket.on('producerAdded', (p: { id: string; participantId: string }) => void this.#consume(p.id).catch(() => undefined));
		socket.on('producerClosed', ({ producerId }: { producerId: string }) => this.#consumed.delete(producerId));
	}

	async #transport(direction: 'send' | 'recv'): Promise<string> {
		const t = await this.#req('createTransport', { direction });
		await this.#req('connectTransport', { transportId: t.id, dtlsParameters: fakeDtls() });
		return t.id;
	}

	async #produce(source: 'mic' | 'camera'): Promise<void> {
		const kind = source === 'mic' ? 'audio' : 'video';
		const res = await this.#req('produce', { transportId: this.#send, kind, source, rtpParameters: rtpParametersFor(kind, this.#caps) });
		this.#producers.set(source, res.producerId);
	}

	async #consumeAll(producers: ReadonlyArray<{ id: string; participantId: string }>): Promise<void> {
		for (const p of producers) if (p.participantId !== this.#id) await this.#consume(p.id).catch(() => undefined);
	}

	async #consume(producerId: string): Promise<void> {
		if (this.#consumed.has(producerId)) return;
		this.#consumed.add(producerId);
		const c = await this.#req('consume', { producerId });
		await this.#req('resumeConsumer', { consumerId: c.id });
	}

	/** One request; a failure is tallied by request and code (unless this participant already left) and rejects. */
	#req(name: string, payload: object): Promise<any> {
		return new Promise((ok, fail) => {
			this.#socket.timeout(REQUEST_TIMEOUT_MS).emit(name, payload, (err: Error | null, ack: Ack) => {
				const code = err ? 'timeout' : ack.ok ? undefined : ack.error.code;
				if (code === undefined) return ok((ack as { data: unknown }).data);
				if (!this.#closed) this.#tally.fail(`${name} ${code}`);
				fail(new RequestFailed(`${name}: ${code}`));
			});
		});
	}
}

/** DTLS parameters as a browser sends them; nothing answers, so no handshake starts. */
function fakeDtls(): types.DtlsParameters {
	const value = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
	return { role: 'client', fingerprints: [{ algorithm: 'sha-256', value }] };
}

/** RTP parameters for one Opus or VP8 stream, from the router's own codec (its payload type and parameters). */
function rtpParametersFor(kind: 'audio' | 'video', caps: types.RtpCapabilities): types.RtpParameters {
	const mime = kind === 'audio' ? 'audio/opus' : 'video/vp8';
	const codec = caps.codecs?.find((c) => c.mimeType.toLowerCase() === mime);
	if (!codec?.preferredPayloadType) throw new Error(`the router offers no ${mime}`);
	return {
		mid: kind === 'audio' ? '0' : '1',
		codecs: [{ mimeType: codec.mimeType, payloadType: codec.preferredPayloadType, clockRate: codec.clockRate, ...(codec.channels ? { channels: codec.channels } : {}), parameters: codec.parameters ?? {}, rtcpFeedback: [] }],
		headerExtensions: [],
		encodings: [{ ssrc: randomBytes(4).readUInt32BE() >>> 1 }],
		rtcp: { cname: randomBytes(6).toString('hex'), reducedSize: true },
	};
}
