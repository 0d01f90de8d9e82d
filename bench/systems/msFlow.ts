import type { types } from 'mediasoup';
import { Generator, type RemoteEndpoint } from '../gen/Generator.js';
import { Publication, Subscription, type SubscriptionOptions } from '../gen/Publication.js';
import type { BenchParticipant } from './types.js';

/** A transport's SFU side as mediasoup describes it. */
export interface MsTransportInfo {
	id: string;
	iceParameters: unknown;
	iceCandidates: unknown;
	dtlsParameters: unknown;
}

/** The mediasoup-style requests a participant makes; Plenum sends them over socket.io, bare mediasoup calls the router. */
export interface MsSignal {
	rtpCapabilities: types.RtpCapabilities;
	createTransport(direction: 'send' | 'recv'): Promise<MsTransportInfo>;
	connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void>;
	produce(transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters): Promise<string>;
	consume(producerId: string): Promise<{ id: string; rtpParameters: types.RtpParameters }>;
	resumeConsumer(consumerId: string): Promise<void>;
	close(): Promise<void>;
}

export function endpointOf(info: MsTransportInfo): RemoteEndpoint {
	const cands = info.iceCandidates as types.IceCandidate[];
	const udp = cands.find((c) => c.protocol === 'udp');
	if (!udp) throw new Error('SFU offered no UDP candidate');
	const dtls = info.dtlsParameters as types.DtlsParameters;
	return { iceParameters: info.iceParameters as RemoteEndpoint['iceParameters'], address: udp.address ?? udp.ip, port: udp.port, fingerprints: dtls.fingerprints };
}

/** A participant on a mediasoup-based SFU, driven like mediasoup-client drives a browser. */
export class MsParticipant implements BenchParticipant {
	readonly publications: Publication[] = [];
	readonly #gen: Generator;
	readonly #signal: MsSignal;
	readonly #transports: types.WebRtcTransport[] = [];
	#recv: Promise<types.WebRtcTransport> | undefined;

	private constructor(gen: Generator, signal: MsSignal) {
		this.#gen = gen;
		this.#signal = signal;
	}

	static async join(gen: Generator, signal: MsSignal, publish: Array<'audio' | 'video'>): Promise<MsParticipant> {
		const p = new MsParticipant(gen, signal);
		if (publish.length === 0) return p;
		const t = await p.#transport('send');
		for (const kind of publish) {
			const pub = await Publication.create(gen, kind);
			const rtp = await pub.attach(t, signal.rtpCapabilities);
			pub.remoteId = await signal.produce(t.appData.remoteId as string, kind, rtp);
			p.publications.push(pub);
		}
		return p;
	}

	async #transport(direction: 'send' | 'recv'): Promise<types.WebRtcTransport> {
		const info = await this.#signal.createTransport(direction);
		const t = await this.#gen.transport();
		t.appData.remoteId = info.id;
		this.#transports.push(t);
		await this.#signal.connectTransport(info.id, Generator.dtlsOf(t));
		await this.#gen.connect(t, endpointOf(info));
		return t;
	}

	async subscribe(pubs: Publication[], opts: SubscriptionOptions = {}): Promise<Subscription[]> {
		this.#recv ??= this.#transport('recv');
		const t = await this.#recv;
		const subs: Subscription[] = [];
		for (const pub of pubs) {
			const c = await this.#signal.consume(pub.remoteId);
			subs.push(await Subscription.create(this.#gen, t, pub, c.rtpParameters, opts));
			await this.#signal.resumeConsumer(c.id);
		}
		return subs;
	}

	async close(): Promise<void> {
		await this.#signal.close();
		for (const t of this.#transports) t.close();
	}
}
