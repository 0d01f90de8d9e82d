// Over 300 lines on purpose: one class owns a room's mediasoup objects across every await and
// through a worker's death; split, the ownership checks would have to cross files.
import type { types } from 'mediasoup';
import type { Logger } from './Logger.js';
import { PlenumError } from '../server/shared/errors.js';
import { TypedEmitter } from '../server/shared/TypedEmitter.js';
import { NodePipes, type PipeListen, type PipeState, type PipeTuple, type PipedProducer } from './NodePipes.js';
import { type AnyTransport, type AppData, type ParticipantMedia, mediaCall, newParticipantMedia, producerInfo } from './participantMedia.js';
import { type QuotaKind, withinQuota } from './quotas.js';
import { type RouterHandle, RouterSet, type RouterSlot, type SpillPolicy } from './RouterSet.js';
import type {
	ConsumerInfo, Json, MediaKind, MediaSource, ProducerInfo, RoomMedia, RoomMediaEvents,
	PlainTransportInfo, TransportDirection, TransportInfo,
} from './types.js';

const ACTIVE_SPEAKER_INTERVAL_MS = 300;
const INITIAL_OUTGOING_BITRATE = 1_000_000;
/** After the last router's worker died: how long to look for a live worker before the room ends. */
const RECOVERY_DEADLINE_MS = 10_000;
const RECOVERY_RETRY_MS = 250;
/** How long producers lost with a worker are remembered, so late closes of their consumers stay silent. */
const LOST_MEMORY_MS = 60_000;

/**
 * A room's media. Owns its routers (RouterSet: one, or several on different workers once the
 * room outgrows one) and through them every transport, producer and consumer; `close()`
 * closes the routers, which closes all of them without a word per child. A participant's
 * transports live on one router; a producer reaches consumers on other routers through
 * pipeToRouter. When a worker dies, only the participants on it lose their media
 * ('workerLost', once); the room goes on, on a live worker.
 */
export class RoomMediaImpl extends TypedEmitter<RoomMediaEvents> implements RoomMedia {
	readonly #routers: RouterSet;
	#speakers: types.ActiveSpeakerObserver;
	readonly #participants = new Map<string, ParticipantMedia>();
	readonly #watched = new WeakSet<types.Router>();
	// Producers that went with a dead worker: their consumers elsewhere close later (the live
	// worker reports it), and the 'workerLost' event already said so.
	readonly #lost = new Set<string>();
	/** Participants whose transports went with a dead worker, until they make a new one. */
	readonly #orphans = new Set<string>();
	/** Producers of a router that is closing under a dead worker, until its 'workerclose'. */
	readonly #dying = new Map<RouterSlot, string[]>();
	readonly #log: Logger;
	/** Set while a new primary router is made after the primary's worker died; media calls wait for it. */
	#recovering: Promise<void> | undefined;
	#closed = false;
	/** Pipes to this room's media on other nodes (cluster mode only). */
	readonly #pipes: NodePipes | undefined;

	private constructor(routers: RouterSet, speakers: types.ActiveSpeakerObserver, log: Logger, pipe: PipeListen | undefined) {
		super();
		this.#routers = routers;
		this.#pipes = pipe && new NodePipes(pipe);
		this.#speakers = this.#hookSpeakers(speakers);
		this.#log = log;
		this.#watch(routers.primary);
	}

	static async create(o: { first: RouterHandle; spill?: SpillPolicy; log: Logger; pipe?: PipeListen }): Promise<RoomMediaImpl> {
		const speakers = await o.first.router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
		return new RoomMediaImpl(new RouterSet(o.first, o.spill), speakers, o.log, o.pipe);
	}

	get workerIndex(): number {
		return this.#routers.primary.workerIndex;
	}

	get closed(): boolean {
		return this.#closed;
	}

	rtpCapabilities(): Json {
		// Every router is made from the same codec list, so their capabilities are equal.
		return this.#routers.primary.router.rtpCapabilities;
	}

	addParticipant(participantId: string): void {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		if (this.#participants.has(participantId)) return;
		this.#participants.set(participantId, newParticipantMedia());
	}

	setRtpCapabilities(participantId: string, rtpCapabilities: Json): void {
		this.#media(participantId).rtpCapabilities = rtpCapabilities as types.RtpCapabilities;
	}

	async createTransport(participantId: string, direction: TransportDirection): Promise<TransportInfo> {
		const m = await this.#ready(participantId);
		return this.#reserve(participantId, m, 'transports', async () => {
			const placed = m.slot ?? (await this.#placeNewcomer());
			this.#stillOwned(participantId, m);
			m.slot ??= placed;
			const slot = m.slot;
			const transport = await this.#onRouter(participantId, m, slot, () => slot.router.createWebRtcTransport<AppData>({
				webRtcServer: slot.webRtcServer,
				enableUdp: true,
				enableTcp: true,
				preferUdp: true,
				initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
				appData: { participantId, direction },
			}));
			this.#adopt(participantId, m, slot, transport);
			return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
		});
	}

	/**
	 * A plain RTP transport for a bridge in this process (the SIP bridge), connected to the
	 * bridge's socket. It both sends (produce) and receives (consume), so it counts as 'recv'.
	 */
	async createPlainTransport(participantId: string, bridge: { ip: string; port: number }): Promise<PlainTransportInfo> {
		const m = await this.#ready(participantId);
		return this.#reserve(participantId, m, 'transports', async () => {
			m.slot ??= this.#routers.primary;
			this.#watch(m.slot);
			const slot = m.slot;
			const transport = await this.#onRouter(participantId, m, slot, () => slot.router.createPlainTransport<AppData>({
				listenInfo: { protocol: 'udp', ip: bridge.ip },
				rtcpMux: true,
				comedia: false,
				appData: { participantId, direction: 'recv' },
			}));
			this.#adopt(participantId, m, slot, transport);
			await this.#onRouter(participantId, m, slot, () => transport.connect({ ip: bridge.ip, port: bridge.port }));
			if (!this.#owns(participantId, m, slot)) throw this.#goneError(participantId, m);
			return { id: transport.id, ip: transport.tuple.localAddress, port: transport.tuple.localPort };
		});
	}

	// A transport made across an await belongs to the participant only if it is still here on
	// that router; otherwise it is closed at once (a leave or a worker death came in between).
	#adopt(participantId: string, m: ParticipantMedia, slot: RouterSlot, transport: AnyTransport): void {
		if (transport.closed || !this.#owns(participantId, m, slot)) {
			transport.close();
			throw this.#goneError(participantId, m);
		}
		m.transports.set(transport.id, transport);
		this.#orphans.delete(participantId);
		(transport.observer as types.TransportObserver).once('close', () => m.transports.delete(transport.id));
	}

	#transport(participantId: string, transportId: string): AnyTransport {
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
		const slot = m.slot;
		if (!slot) throw new PlenumError('PLN_TRANSPORT_NOT_FOUND');
		const producer = await this.#reserve(participantId, m, 'producers', () =>
			this.#onRouter(participantId, m, slot, () =>
				mediaCall(() => t.produce<AppData>({ kind: req.kind, rtpParameters: req.rtpParameters as types.RtpParameters, paused: req.paused, appData: { participantId, source: req.source } })),
			),
		);
		if (producer.closed || !this.#owns(participantId, m, slot)) {
			producer.close();
			throw this.#goneError(participantId, m);
		}
		m.producers.set(producer.id, producer);
		this.#routers.track(slot, producer);
		producer.on('transportclose', () => {
			m.producers.delete(producer.id);
			// A router closing (room end, worker death) is the parent's close: no word per producer.
			// A dead worker's router closes its transports before 'workerclose': note the loss now.
			if (!this.#closed && slot.router.closed) this.#dying.get(slot)?.push(producer.id) ?? this.#dying.set(slot, [producer.id]);
			if (this.#closed || slot.router.closed) return;
			this.safeEmit('producerClosed', participantId, producer.id);
		});
		producer.observer.once('close', () => m.producers.delete(producer.id));
		if (req.kind === 'audio' && req.source === 'mic') await this.#observeSpeaker(producer.id, slot);
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

	/** Participants whose media here is whole (not lost with a worker), with their producers: for a new owner. */
	inventory(): { participantId: string; producers: ProducerInfo[] }[] {
		return [...this.#participants].filter(([id]) => !this.#orphans.has(id)).map(([participantId, m]) => ({ participantId, producers: [...m.producers.values()].map(producerInfo) }));
	}

	async consume(participantId: string, producerId: string): Promise<ConsumerInfo> {
		const m = this.#media(participantId);
		if (!m.rtpCapabilities) throw new PlenumError('PLN_CAPABILITIES_MISSING');
		const recv = [...m.transports.values()].find((t) => t.appData.direction === 'recv');
		const slot = m.slot;
		if (!recv || !slot) throw new PlenumError('PLN_TRANSPORT_NOT_FOUND');
		const owner = this.#ownerOf(producerId);
		// A producer piped in from another node is consumed like a local one.
		const from = owner ? owner.slot : this.#pipes?.piped(producerId)?.slot;
		if (!owner && !from) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		if (owner === m || !from) throw new PlenumError('PLN_CANNOT_CONSUME');
		const rtpCapabilities = m.rtpCapabilities;
		const consumer = await this.#reserve(participantId, m, 'consumers', async () => {
			await this.#onRouter(participantId, m, slot, () => this.#routers.pipe(producerId, from, slot));
			if (!this.#owns(participantId, m, slot)) throw this.#goneError(participantId, m);
			if (!slot.router.canConsume({ producerId, rtpCapabilities })) throw new PlenumError('PLN_CANNOT_CONSUME');
			// Start paused: the client resumes once its consumer exists, so no keyframe is lost.
			return this.#onRouter(participantId, m, slot, () =>
				mediaCall(() => recv.consume<AppData>({ producerId, rtpCapabilities, paused: true, appData: { participantId } })),
			);
		});
		if (consumer.closed || !this.#owns(participantId, m, slot)) {
			consumer.close();
			throw this.#goneError(participantId, m);
		}
		m.consumers.set(consumer.id, consumer);
		this.#routers.track(slot, consumer);
		const gone = () => {
			if (!m.consumers.delete(consumer.id)) return;
			if (this.#closed || slot.router.closed || this.#lost.has(producerId)) return;
			this.safeEmit('consumerClosed', participantId, consumer.id);
		};
		consumer.on('producerclose', gone);
		consumer.on('transportclose', gone);
		consumer.observer.once('close', () => m.consumers.delete(consumer.id));
		return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, type: consumer.type, producerPaused: consumer.producerPaused };
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

	needsRebuild(participantId: string): boolean {
		return this.#orphans.has(participantId);
	}

	/** Closes everything the participant had; their producers' consumers close on the others' side. */
	removeParticipant(participantId: string): void {
		const m = this.#participants.get(participantId);
		if (!m) return;
		this.#participants.delete(participantId);
		this.#orphans.delete(participantId);
		for (const t of m.transports.values()) t.close();
	}

	close(): void {
		this.#end('closed');
	}

	/** Pipe news (origin producer paused, resumed, closed) for the agent to pass to the peer node. */
	get pipes(): NodePipes {
		if (!this.#pipes) throw new PlenumError('PLN_INTERNAL');
		return this.#pipes;
	}

	/** This node's end of the room's pipe to `peer` (on the primary router). */
	async pipeLink(peer: string): Promise<PipeTuple> {
		if (this.#recovering) await this.#recovering;
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		return this.pipes.link(peer, this.#routers.primary);
	}

	/** Producer's node: sends a participant's producer to `peer`, connecting to its end `remote`. */
	async pipeOut(producerId: string, peer: string, remote: PipeTuple): Promise<{ tuple: PipeTuple; producer: PipedProducer }> {
		const owner = this.#ownerOf(producerId);
		const producer = owner?.producers.get(producerId);
		if (!owner?.slot || !producer) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		const primary = this.#routers.primary;
		await this.#routers.pipe(producerId, owner.slot, primary);
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		return this.pipes.out(producer, peer, primary, remote);
	}

	/** Consumer's node: makes the producer from `peer` consumable here, under its own id. */
	async pipeIn(peer: string, remote: PipeTuple, producer: PipedProducer): Promise<void> {
		if (this.#recovering) await this.#recovering;
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		await this.pipes.in(peer, this.#routers.primary, remote, producer);
	}

	async pipeState(peer: string, producerId: string, state: PipeState, version: number): Promise<void> {
		if (!this.#closed) await this.pipes.state(peer, producerId, state, version);
	}

	/**
	 * Ends the pipe to `peer` (its media of the room ended or it died). The consumers of what
	 * it fed close without a word: the owner already told the room (a leave or a loss).
	 */
	dropPeer(peer: string): void {
		if (!this.#closed && this.#pipes) this.#remember(this.#pipes.dropPeer(peer));
	}

	/** Producers `peer` fed were lost with a worker there: closed here, silently like a local loss. */
	pipesLost(peer: string, producerIds: string[]): void {
		if (this.#closed || !this.#pipes) return;
		const ids = this.#pipes.fedBy(peer, producerIds);
		this.#remember(ids);
		this.#pipes.closeIn(ids);
	}

	/** The active-speaker observer (on the owner's node) hears a mic piped in from another node. */
	async observePiped(producerId: string): Promise<void> {
		const piped = this.#pipes?.piped(producerId);
		if (this.#closed || !piped) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		if (piped.observed) return;
		piped.observed = true;
		await this.#observeSpeaker(producerId, piped.slot);
	}

	#remember(lost: string[]): void {
		for (const id of lost) this.#lost.add(id);
		if (lost.length > 0) setTimeout(() => { for (const id of lost) this.#lost.delete(id); }, LOST_MEMORY_MS).unref();
	}

	// Children close with their routers, silently: #closed is set before the routers close.
	#end(reason: 'closed' | 'workerDied'): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#routers.close();
		this.#pipes?.clear();
		this.#participants.clear();
		this.#orphans.clear();
		this.#lost.clear();
		this.safeEmit('closed', reason);
	}

	/** The participant's media after any recovery in progress; PLN_NOT_JOINED once it left. */
	async #ready(participantId: string): Promise<ParticipantMedia> {
		this.#media(participantId);
		if (this.#recovering) await this.#recovering;
		return this.#media(participantId);
	}

	#media(participantId: string): ParticipantMedia {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		const m = this.#participants.get(participantId);
		if (!m) throw new PlenumError('PLN_NOT_JOINED');
		return m;
	}

	#owns(participantId: string, m: ParticipantMedia, slot: RouterSlot): boolean {
		return !this.#closed && this.#participants.get(participantId) === m && m.slot === slot;
	}

	#stillOwned(participantId: string, m: ParticipantMedia): void {
		if (this.#closed || this.#participants.get(participantId) !== m) throw this.#goneError(participantId, m);
	}

	/** Why a creation lost its owner across an await: the room ended, the participant left, or its worker died. */
	#goneError(participantId: string, m: ParticipantMedia): PlenumError {
		if (this.#closed) return new PlenumError('PLN_ROOM_CLOSED');
		if (this.#participants.get(participantId) !== m) return new PlenumError('PLN_NOT_JOINED');
		return new PlenumError('PLN_TRANSPORT_NOT_FOUND');
	}

	// A worker call that fails because the owner went away meanwhile reports that, not a bug.
	async #onRouter<T>(participantId: string, m: ParticipantMedia, slot: RouterSlot, call: () => Promise<T>): Promise<T> {
		try {
			return await call();
		} catch (err) {
			if (!this.#owns(participantId, m, slot)) throw this.#goneError(participantId, m);
			throw err;
		}
	}

	/** Runs one creation against the participant's and the room's bound for `kind`. */
	async #reserve<T>(participantId: string, m: ParticipantMedia, kind: QuotaKind, create: () => Promise<T>): Promise<T> {
		let inRoom = 0;
		for (const x of this.#participants.values()) inRoom += x[kind].size + x.pending[kind];
		if (!withinQuota(kind, m[kind].size + m.pending[kind], inRoom)) {
			this.#log.warn({ participantId, kind }, 'media quota reached');
			throw new PlenumError('PLN_QUOTA_EXCEEDED');
		}
		m.pending[kind]++;
		try {
			return await create();
		} finally {
			m.pending[kind]--;
		}
	}

	async #placeNewcomer(): Promise<RouterSlot> {
		const before = this.#routers.size;
		const slot = await this.#routers.slotForNewcomer();
		if (this.#routers.size > before) this.#log.info({ worker: slot.workerIndex, routers: this.#routers.size }, 'room spans another worker');
		this.#watch(slot);
		return slot;
	}

	#watch(slot: RouterSlot): void {
		if (this.#watched.has(slot.router)) return;
		this.#watched.add(slot.router);
		slot.router.on('workerclose', () => this.#workerLost(slot));
	}

	/**
	 * A worker under this room died. mediasoup has closed that router's transports, producers
	 * and consumers (silently for us: the router is closed). The participants on it keep their
	 * place and start over; everyone hears it once, through 'workerLost'.
	 */
	#workerLost(slot: RouterSlot): void {
		if (this.#closed) return;
		const participants: string[] = [];
		const producers: string[] = this.#dying.get(slot) ?? [];
		this.#dying.delete(slot);
		for (const [pid, m] of this.#participants) {
			if (m.slot !== slot) continue;
			participants.push(pid);
			this.#orphans.add(pid);
			producers.push(...m.producers.keys());
			m.slot = undefined;
			m.transports.clear();
			m.producers.clear();
			m.consumers.clear();
		}
		for (const id of producers) this.#lost.add(id);
		if (producers.length > 0) setTimeout(() => { for (const id of producers) this.#lost.delete(id); }, LOST_MEMORY_MS).unref();
		const wasPrimary = slot === this.#routers.primary;
		const left = this.#routers.remove(slot);
		this.#log.warn({ worker: slot.workerIndex, participants: participants.length, producers: producers.length }, 'room lost a media worker');
		if (wasPrimary) {
			this.#recovering = this.#newPrimary(left).finally(() => { this.#recovering = undefined; });
		}
		this.safeEmit('workerLost', { participants, producers });
	}

	// The primary hosts the speaker observer and takes newcomers; after it died, another router
	// takes over (a surviving one, or a new one on a live worker), and the mics are observed again.
	async #newPrimary(survivorLeft: boolean): Promise<void> {
		const primary = survivorLeft
			? this.#routers.primary
			: await this.#routers.replaceLost({ deadlineMs: RECOVERY_DEADLINE_MS, retryMs: RECOVERY_RETRY_MS, cancelled: () => this.#closed });
		if (this.#closed) return;
		if (!primary) {
			this.#log.error({}, 'no live media worker for the room');
			return this.#end('workerDied');
		}
		this.#watch(primary);
		try {
			this.#speakers = this.#hookSpeakers(await primary.router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS }));
			for (const m of this.#participants.values()) {
				for (const p of m.producers.values()) if (p.kind === 'audio' && p.appData.source === 'mic') await this.#observeSpeaker(p.id, m.slot);
			}
		} catch (err) {
			this.#log.warn({ err }, 'active speaker observer not restored');
		}
		this.#log.info({ worker: primary.workerIndex }, 'room media moved to another worker');
	}

	#hookSpeakers(speakers: types.ActiveSpeakerObserver): types.ActiveSpeakerObserver {
		speakers.on('dominantspeaker', ({ producer }) => this.safeEmit('activeSpeaker', (producer.appData as AppData).participantId));
		return speakers;
	}

	#ownerOf(producerId: string): ParticipantMedia | undefined {
		for (const m of this.#participants.values()) if (m.producers.has(producerId)) return m;
		return undefined;
	}

	// The observer lives on the primary router; mics on other routers are piped to it.
	async #observeSpeaker(producerId: string, slot: RouterSlot | undefined): Promise<void> {
		try {
			if (slot) await this.#routers.pipe(producerId, slot, this.#routers.primary);
			await this.#speakers.addProducer({ producerId });
		} catch (err) {
			this.#log.warn({ err }, 'active speaker add failed');
		}
	}
}
