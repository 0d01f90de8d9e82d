import type { types } from 'mediasoup';
import type { Logger } from '../server/observability/log.js';
import { PlenumError } from '../server/shared/errors.js';
import { TypedEmitter } from '../server/shared/TypedEmitter.js';
import { type RouterHandle, RouterSet, type RouterSlot, type SpillPolicy } from './RouterSet.js';
import type {
	ConsumerInfo, Json, MediaKind, MediaSource, ProducerInfo, RoomMedia, RoomMediaEvents,
	PlainTransportInfo, TransportDirection, TransportInfo,
} from './types.js';

type AppData = { participantId: string; source?: MediaSource; direction?: TransportDirection };

/** What one participant has on the router; only its owner may touch these. */
interface ParticipantMedia {
	/** The router this participant's transports live on; set by the first transport. */
	slot: RouterSlot | undefined;
	rtpCapabilities: types.RtpCapabilities | undefined;
	transports: Map<string, types.WebRtcTransport<AppData> | types.PlainTransport<AppData>>;
	producers: Map<string, types.Producer<AppData>>;
	consumers: Map<string, types.Consumer<AppData>>;
}

const ACTIVE_SPEAKER_INTERVAL_MS = 300;
const INITIAL_OUTGOING_BITRATE = 1_000_000;

/**
 * A room's media. Owns its routers (RouterSet: one, or several on different workers once the
 * room outgrows one) and through them every transport, producer and consumer; `close()`
 * closes the routers, which closes all of them. A participant's transports live on one
 * router; a producer reaches consumers on other routers through pipeToRouter.
 */
export class RoomMediaImpl extends TypedEmitter<RoomMediaEvents> implements RoomMedia {
	readonly workerIndex: number;
	readonly #routers: RouterSet;
	readonly #speakers: types.ActiveSpeakerObserver;
	readonly #participants = new Map<string, ParticipantMedia>();
	readonly #log: Logger;
	#closed = false;

	private constructor(routers: RouterSet, speakers: types.ActiveSpeakerObserver, log: Logger) {
		super();
		this.#routers = routers;
		this.#speakers = speakers;
		this.workerIndex = routers.primary.workerIndex;
		this.#log = log;
		this.#watch(routers.primary.router);
		speakers.on('dominantspeaker', ({ producer }) => {
			const pid = (producer.appData as AppData).participantId;
			this.safeEmit('activeSpeaker', pid);
		});
	}

	static async create(o: { first: RouterHandle; spill?: SpillPolicy; log: Logger }): Promise<RoomMediaImpl> {
		const speakers = await o.first.router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
		return new RoomMediaImpl(new RouterSet(o.first, o.spill), speakers, o.log);
	}

	// Any of the room's workers dying ends the room: its participants lost their transports.
	#watch(router: types.Router): void {
		router.on('workerclose', () => {
			this.#routers.close();
			this.#finish('workerDied');
		});
	}

	/** Routers this room uses (one per worker it spans). */
	get routerCount(): number {
		return this.#routers.size;
	}

	get closed(): boolean {
		return this.#closed;
	}

	rtpCapabilities(): Json {
		// Every router is made from the same codec list, so their capabilities are equal.
		return this.#routers.primary.router.rtpCapabilities;
	}

	#media(participantId: string): ParticipantMedia {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		let m = this.#participants.get(participantId);
		if (!m) {
			m = { slot: undefined, rtpCapabilities: undefined, transports: new Map(), producers: new Map(), consumers: new Map() };
			this.#participants.set(participantId, m);
		}
		return m;
	}

	setRtpCapabilities(participantId: string, rtpCapabilities: Json): void {
		this.#media(participantId).rtpCapabilities = rtpCapabilities as types.RtpCapabilities;
	}

	async createTransport(participantId: string, direction: TransportDirection): Promise<TransportInfo> {
		const m = this.#media(participantId);
		if (!m.slot) {
			const before = this.#routers.size;
			m.slot = await this.#routers.slotForNewcomer();
			if (this.#routers.size > before) {
				this.#watch(m.slot.router);
				this.#log.info({ worker: m.slot.workerIndex, routers: this.#routers.size }, 'room spans another worker');
			}
		}
		const slot = m.slot;
		const transport = await slot.router.createWebRtcTransport<AppData>({
			webRtcServer: slot.webRtcServer,
			enableUdp: true,
			enableTcp: true,
			preferUdp: true,
			initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
			appData: { participantId, direction },
		});
		m.transports.set(transport.id, transport);
		transport.observer.once('close', () => m.transports.delete(transport.id));
		return {
			id: transport.id,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
		};
	}

	/**
	 * A plain RTP transport for a bridge in this process (the SIP bridge), connected to the
	 * bridge's socket. It both sends (produce) and receives (consume), so it counts as 'recv'.
	 */
	async createPlainTransport(participantId: string, bridge: { ip: string; port: number }): Promise<PlainTransportInfo> {
		const m = this.#media(participantId);
		m.slot ??= this.#routers.primary;
		const transport = await m.slot.router.createPlainTransport<AppData>({
			listenInfo: { protocol: 'udp', ip: bridge.ip },
			rtcpMux: true,
			comedia: false,
			appData: { participantId, direction: 'recv' },
		});
		await transport.connect({ ip: bridge.ip, port: bridge.port });
		m.transports.set(transport.id, transport);
		transport.observer.once('close', () => m.transports.delete(transport.id));
		return { id: transport.id, ip: transport.tuple.localAddress, port: transport.tuple.localPort };
	}

	#transport(participantId: string, transportId: string): types.WebRtcTransport<AppData> | types.PlainTransport<AppData> {
		const t = this.#media(participantId).transports.get(transportId);
		if (!t) throw new PlenumError('PLN_TRANSPORT_NOT_FOUND');
		return t;
	}

	#webRtcTransport(participantId: string, transportId: string): types.WebRtcTransport<AppData> {
		const t = this.#transport(participantId, transportId);
		if (t.type !== 'webrtc') throw new PlenumError('PLN_TRANSPORT_NOT_FOUND');
		return t as types.WebRtcTransport<AppData>;
	}

	async connectTransport(participantId: string, transportId: string, dtlsParameters: Json): Promise<void> {
		const t = this.#webRtcTransport(participantId, transportId);
		await mediaCall(() => t.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters }));
	}

	async restartIce(participantId: string, transportId: string): Promise<Json> {
		return this.#webRtcTransport(participantId, transportId).restartIce();
	}

	async produce(participantId: string, req: { transportId: string; kind: MediaKind; source: MediaSource; rtpParameters: Json; paused: boolean }): Promise<ProducerInfo> {
		const m = this.#media(participantId);
		const t = this.#transport(participantId, req.transportId);
		const producer = await mediaCall(() =>
			t.produce<AppData>({
				kind: req.kind,
				rtpParameters: req.rtpParameters as types.RtpParameters,
				paused: req.paused,
				appData: { participantId, source: req.source },
			}),
		);
		m.producers.set(producer.id, producer);
		if (m.slot) this.#routers.track(m.slot, producer);
		producer.on('transportclose', () => {
			m.producers.delete(producer.id);
			this.safeEmit('producerClosed', participantId, producer.id);
		});
		producer.observer.once('close', () => m.producers.delete(producer.id));
		if (req.kind === 'audio' && req.source === 'mic') await this.#observeSpeaker(producer.id, m.slot);
		return producerInfo(producer);
	}

	#producer(participantId: string, producerId: string): types.Producer<AppData> {
		const p = this.#media(participantId).producers.get(producerId);
		if (!p) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		return p;
	}

	async setProducerPaused(participantId: string, producerId: string, paused: boolean): Promise<ProducerInfo> {
		const p = this.#producer(participantId, producerId);
		await (paused ? p.pause() : p.resume());
		return producerInfo(p);
	}

	closeProducer(participantId: string, producerId: string): void {
		this.#producer(participantId, producerId).close();
	}

	producers(): ProducerInfo[] {
		return [...this.#participants.values()].flatMap((m) => [...m.producers.values()].map(producerInfo));
	}

	async consume(participantId: string, producerId: string): Promise<ConsumerInfo> {
		const m = this.#media(participantId);
		if (!m.rtpCapabilities) throw new PlenumError('PLN_CAPABILITIES_MISSING');
		const recv = [...m.transports.values()].find((t) => t.appData.direction === 'recv');
		if (!recv) throw new PlenumError('PLN_TRANSPORT_NOT_FOUND');
		const owner = this.#ownerOf(producerId);
		if (!owner) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		if (owner === m || !owner.slot || !m.slot) throw new PlenumError('PLN_CANNOT_CONSUME');
		await this.#routers.pipe(producerId, owner.slot, m.slot);
		if (!m.slot.router.canConsume({ producerId, rtpCapabilities: m.rtpCapabilities })) throw new PlenumError('PLN_CANNOT_CONSUME');
		// Start paused: the client resumes once its consumer exists, so no keyframe is lost.
		const consumer = await mediaCall(() =>
			recv.consume<AppData>({ producerId, rtpCapabilities: m.rtpCapabilities as types.RtpCapabilities, paused: true, appData: { participantId } }),
		);
		m.consumers.set(consumer.id, consumer);
		this.#routers.track(m.slot, consumer);
		const gone = () => {
			if (m.consumers.delete(consumer.id)) this.safeEmit('consumerClosed', participantId, consumer.id);
		};
		consumer.on('producerclose', gone);
		consumer.on('transportclose', gone);
		consumer.observer.once('close', () => m.consumers.delete(consumer.id));
		return {
			id: consumer.id,
			producerId,
			kind: consumer.kind,
			rtpParameters: consumer.rtpParameters,
			type: consumer.type,
			producerPaused: consumer.producerPaused,
		};
	}

	#consumer(participantId: string, consumerId: string): types.Consumer<AppData> {
		const c = this.#media(participantId).consumers.get(consumerId);
		if (!c) throw new PlenumError('PLN_CONSUMER_NOT_FOUND');
		return c;
	}

	async setConsumerPaused(participantId: string, consumerId: string, paused: boolean): Promise<void> {
		const c = this.#consumer(participantId, consumerId);
		await (paused ? c.pause() : c.resume());
	}

	async setPreferredLayers(participantId: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
		const c = this.#consumer(participantId, consumerId);
		if (c.type !== 'simulcast' && c.type !== 'svc') return;
		await c.setPreferredLayers({ spatialLayer, temporalLayer });
	}

	/** Closes everything the participant had; their producers' consumers close on the others' side. */
	removeParticipant(participantId: string): void {
		const m = this.#participants.get(participantId);
		if (!m) return;
		this.#participants.delete(participantId);
		for (const t of m.transports.values()) t.close();
	}

	close(): void {
		if (this.#closed) return;
		this.#routers.close();
		this.#finish('closed');
	}

	#ownerOf(producerId: string): ParticipantMedia | undefined {
		for (const m of this.#participants.values()) if (m.producers.has(producerId)) return m;
		return undefined;
	}

	// The observer lives on the first router; mics on other routers are piped to it.
	async #observeSpeaker(producerId: string, slot: RouterSlot | undefined): Promise<void> {
		try {
			if (slot) await this.#routers.pipe(producerId, slot, this.#routers.primary);
			await this.#speakers.addProducer({ producerId });
		} catch (err) {
			this.#log.warn({ err }, 'active speaker add failed');
		}
	}

	#finish(reason: 'closed' | 'workerDied'): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#participants.clear();
		this.safeEmit('closed', reason);
	}
}

function producerInfo(p: types.Producer<AppData>): ProducerInfo {
	return { id: p.id, participantId: p.appData.participantId, kind: p.kind, source: p.appData.source ?? 'mic', paused: p.paused };
}

/** mediasoup rejects bad client parameters with TypeError; those are the client's mistake. */
async function mediaCall<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof TypeError || (err as Error)?.name === 'UnsupportedError') throw new PlenumError('PLN_INVALID_MEDIA', { cause: err });
		throw err;
	}
}
