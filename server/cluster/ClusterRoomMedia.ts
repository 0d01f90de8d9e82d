import type { Logger } from '../../sfu-workers/Logger.js';
import type {
	ConsumerInfo, Json, MediaKind, MediaSource, PlainTransportInfo, ProducerInfo, RoomMedia, RoomMediaEvents, TransportDirection, TransportInfo,
} from '../../sfu-workers/types.js';
import { PlenumError } from '../shared/errors.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { MediaAgent, MediaEventSink } from './MediaAgent.js';
import { MEDIA_ANSWERS, type MediaEvent, type MediaMethod, parseAnswer as parse } from './mediaRpc.js';
import { PipePlan } from './PipePlan.js';
import type { ClusterBus, ClusterEvents, NodeTable } from './types.js';

export interface ClusterRoomMediaOptions {
	bus: ClusterBus;
	roomId: string;
	/** This node's agent; the room's media here lives in it like on any other node. */
	local: MediaAgent;
	nodes: NodeTable;
	/** ROOM_SPILL_LOAD: a node past this load takes no newcomers' media. */
	spillLoad: number;
	cluster: Pick<TypedEmitter<ClusterEvents>, 'on' | 'off'>;
	log: Logger;
}

/**
 * A room's media on the owner, spread over nodes: each participant's media lives on one node
 * (its home, or the least-loaded one when home is past ROOM_SPILL_LOAD), and every call goes
 * to that node's MediaAgent (here directly, elsewhere over the bus). A consumer on another
 * node than its producer gets the producer piped there first, once per producer and node.
 * A node that dies takes its participants' media with it: one 'workerLost'.
 */
export class ClusterRoomMedia extends TypedEmitter<RoomMediaEvents> implements RoomMedia {
	readonly #o: ClusterRoomMediaOptions;
	readonly #self: string;
	readonly #rtpCapabilities: Json;
	readonly #workerIndex: number;
	/** Participant → the node its media lives on. */
	readonly #where = new Map<string, string>();
	/** Participant → its registration (and capabilities) on that node; later calls wait for it. */
	readonly #ready = new Map<string, Promise<unknown>>();
	readonly #caps = new Map<string, Json>();
	/** Participants whose node's media of the room ended; registered again on their next call. */
	readonly #stale = new Set<string>();
	readonly #orphans = new Set<string>();
	readonly #producers = new Map<string, { info: ProducerInfo; node: string }>();
	readonly #pipes: PipePlan;
	/** Nodes where the room's media is open (or opening). */
	readonly #opened = new Map<string, Promise<unknown>>();
	readonly #dead = new Set<string>();
	readonly #sink: MediaEventSink = (event, from) => this.#event(event, from);
	readonly #onNodeDied = (node: string) => this.#nodeLost(node, true);
	#closed = false;

	private constructor(o: ClusterRoomMediaOptions, rtpCapabilities: Json, workerIndex: number) {
		super();
		this.#o = o;
		this.#self = o.bus.nodeId;
		this.#rtpCapabilities = rtpCapabilities;
		this.#workerIndex = workerIndex;
		this.#pipes = new PipePlan({ roomId: o.roomId, call: (node, method, params) => this.#call(node, method, params), open: (node) => this.#open(node) });
		o.local.subscribe(o.roomId, this.#sink);
		o.cluster.on('nodeDied', this.#onNodeDied);
	}

	static async create(o: ClusterRoomMediaOptions): Promise<ClusterRoomMedia> {
		const self = o.bus.nodeId;
		const opened = o.local.handle('media.open', { roomId: o.roomId, owner: self }, self);
		const { rtpCapabilities } = MEDIA_ANSWERS.open.parse(await opened);
		const media = new ClusterRoomMedia(o, rtpCapabilities, (await o.local.local(o.roomId))?.workerIndex ?? 0);
		media.#opened.set(self, opened);
		return media;
	}

	get workerIndex(): number {
		return this.#workerIndex;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** The node a participant's media lives on (metrics, tests). */
	nodeOf(participantId: string): string | undefined {
		return this.#where.get(participantId);
	}

	rtpCapabilities(): Json {
		// Every node's routers are made from the same codec list (sfu-workers/mediaCodecs.ts).
		return this.#rtpCapabilities;
	}

	addParticipant(participantId: string, node?: string): void {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		const at = this.#where.get(participantId);
		if (at !== undefined && !this.#dead.has(at)) return;
		this.#register(participantId, node);
	}

	#register(participantId: string, node: string | undefined): string {
		const at = this.#place(node);
		this.#where.set(participantId, at);
		this.#stale.delete(participantId);
		const caps = this.#caps.get(participantId);
		const ready = this.#open(at)
			.then(() => this.#call(at, 'media.addParticipant', { roomId: this.#o.roomId, participantId }))
			.then(() => caps !== undefined && this.#call(at, 'media.setRtpCapabilities', { roomId: this.#o.roomId, participantId, rtpCapabilities: caps }));
		ready.catch((err) => this.#o.log.warn({ err, participantId }, 'participant media not registered on its node'));
		this.#ready.set(participantId, ready);
		return at;
	}

	/** The home node, unless it is past the spill load (then the least-loaded live node below it). */
	#place(home: string | undefined): string {
		const live = this.#o.nodes.live().filter((n) => !n.draining && !this.#dead.has(n.id));
		const target = live.find((n) => n.id === (home ?? this.#self));
		if (!target) return this.#self;
		if (target.load <= this.#o.spillLoad) return target.id;
		return live.find((n) => n.id !== target.id && n.load < this.#o.spillLoad)?.id ?? target.id;
	}

	#open(node: string): Promise<unknown> {
		let opened = this.#opened.get(node);
		if (!opened) {
			opened = this.#call(node, 'media.open', { roomId: this.#o.roomId, owner: this.#self });
			const mine = opened;
			mine.catch(() => { if (this.#opened.get(node) === mine) this.#opened.delete(node); });
			this.#opened.set(node, opened);
		}
		return opened;
	}

	#call(node: string, method: MediaMethod, params: Record<string, Json>): Promise<Json> {
		if (node === this.#self) return this.#o.local.handle(method, params, this.#self);
		return this.#o.bus.call(node, method, params);
	}

	/** A participant's call on its media node, after its registration there. */
	async #on(participantId: string, method: MediaMethod, params: Record<string, Json>): Promise<Json> {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		let node = this.#where.get(participantId);
		if (node === undefined) throw new PlenumError('PLN_NOT_JOINED');
		if (this.#stale.has(participantId)) node = this.#register(participantId, this.#dead.has(node) ? undefined : node);
		await this.#ready.get(participantId);
		if (this.#where.get(participantId) !== node) throw new PlenumError(this.#closed ? 'PLN_ROOM_CLOSED' : 'PLN_NOT_JOINED');
		return this.#call(node, method, { roomId: this.#o.roomId, participantId, ...params });
	}

	setRtpCapabilities(participantId: string, rtpCapabilities: Json): void {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		const node = this.#where.get(participantId);
		const ready = this.#ready.get(participantId);
		if (node === undefined || !ready) throw new PlenumError('PLN_NOT_JOINED');
		this.#caps.set(participantId, rtpCapabilities);
		const next = ready.then(() => this.#call(node, 'media.setRtpCapabilities', { roomId: this.#o.roomId, participantId, rtpCapabilities }));
		next.catch((err) => this.#o.log.warn({ err, participantId }, 'capabilities not set on the media node'));
		this.#ready.set(participantId, next);
	}

	async createTransport(participantId: string, direction: TransportDirection): Promise<TransportInfo> {
		const info = parse(MEDIA_ANSWERS.transport, await this.#on(participantId, 'media.createTransport', { direction }));
		this.#orphans.delete(participantId);
		return info;
	}

	async createPlainTransport(participantId: string, bridge: { ip: string; port: number }): Promise<PlainTransportInfo> {
		const info = parse(MEDIA_ANSWERS.plainTransport, await this.#on(participantId, 'media.createPlainTransport', { bridge }));
		this.#orphans.delete(participantId);
		return info;
	}

	async connectTransport(participantId: string, transportId: string, dtlsParameters: Json): Promise<void> {
		await this.#on(participantId, 'media.connectTransport', { transportId, dtlsParameters });
	}

	async restartIce(participantId: string, transportId: string): Promise<Json> {
		return parse(MEDIA_ANSWERS.iceParameters, await this.#on(participantId, 'media.restartIce', { transportId }));
	}

	async produce(participantId: string, req: { transportId: string; kind: MediaKind; source: MediaSource; rtpParameters: Json; paused: boolean }): Promise<ProducerInfo> {
		const node = this.#where.get(participantId);
		const info = parse(MEDIA_ANSWERS.producer, await this.#on(participantId, 'media.produce', req));
		if (this.#closed || node === undefined || this.#where.get(participantId) !== node) throw new PlenumError(this.#closed ? 'PLN_ROOM_CLOSED' : 'PLN_NOT_JOINED');
		this.#producers.set(info.id, { info, node });
		if (node !== this.#self && info.kind === 'audio' && info.source === 'mic') void this.#observe(info.id, node);
		return info;
	}

	// One active-speaker observer for the room, on the owner: mics on other nodes are piped here.
	async #observe(producerId: string, node: string): Promise<void> {
		try {
			await this.#pipes.ensure(producerId, node, this.#self);
			await this.#call(this.#self, 'media.observePiped', { roomId: this.#o.roomId, producerId });
		} catch (err) {
			if (this.#producers.has(producerId)) this.#o.log.warn({ err, producerId }, 'remote mic not observed for the active speaker');
		}
	}

	async setProducerPaused(participantId: string, producerId: string, paused: boolean): Promise<ProducerInfo> {
		const info = parse(MEDIA_ANSWERS.producer, await this.#on(participantId, 'media.setProducerPaused', { producerId, paused }));
		const known = this.#producers.get(producerId);
		if (known) known.info = info;
		return info;
	}

	closeProducer(participantId: string, producerId: string): void {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		if (this.#producers.get(producerId)?.info.participantId !== participantId) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		this.#forgetProducer(producerId);
		this.#on(participantId, 'media.closeProducer', { producerId }).catch((err) => this.#o.log.warn({ err, producerId }, 'producer not closed on its node'));
	}

	producers(): ProducerInfo[] {
		return [...this.#producers.values()].map((p) => p.info);
	}

	async consume(participantId: string, producerId: string): Promise<ConsumerInfo> {
		const to = this.#where.get(participantId);
		const from = this.#producers.get(producerId)?.node;
		if (to === undefined) throw new PlenumError(this.#closed ? 'PLN_ROOM_CLOSED' : 'PLN_NOT_JOINED');
		if (from === undefined) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		if (from === to) return parse(MEDIA_ANSWERS.consumer, await this.#on(participantId, 'media.consume', { producerId }));
		await this.#pipes.ensure(producerId, from, to);
		try {
			return parse(MEDIA_ANSWERS.consumer, await this.#on(participantId, 'media.consume', { producerId }));
		} catch (err) {
			// The pipe may have ended there meanwhile (its link dropped): make it again, once.
			if (!(err instanceof PlenumError) || err.code !== 'PLN_PRODUCER_NOT_FOUND' || !this.#producers.has(producerId)) throw err;
			this.#pipes.forget(producerId, to);
			await this.#pipes.ensure(producerId, from, to);
			return parse(MEDIA_ANSWERS.consumer, await this.#on(participantId, 'media.consume', { producerId }));
		}
	}

	async setConsumerPaused(participantId: string, consumerId: string, paused: boolean): Promise<void> {
		await this.#on(participantId, 'media.setConsumerPaused', { consumerId, paused });
	}

	async setPreferredLayers(participantId: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
		await this.#on(participantId, 'media.setPreferredLayers', temporalLayer === undefined ? { consumerId, spatialLayer } : { consumerId, spatialLayer, temporalLayer });
	}

	needsRebuild(participantId: string): boolean {
		return this.#orphans.has(participantId);
	}

	removeParticipant(participantId: string): void {
		const node = this.#where.get(participantId);
		if (node === undefined) return;
		const ready = this.#ready.get(participantId);
		this.#where.delete(participantId);
		this.#ready.delete(participantId);
		this.#caps.delete(participantId);
		this.#stale.delete(participantId);
		this.#orphans.delete(participantId);
		for (const [id, p] of this.#producers) if (p.info.participantId === participantId) this.#forgetProducer(id);
		if (this.#closed || this.#dead.has(node)) return;
		const roomId = this.#o.roomId;
		void Promise.resolve(ready).catch(() => {}).then(() => this.#call(node, 'media.removeParticipant', { roomId, participantId }))
			.catch((err) => this.#o.log.warn({ err, participantId }, 'participant media not removed on its node'));
		// The last participant on another node: the room's media there ends, and the pipes to it.
		if (node !== this.#self && ![...this.#where.values()].includes(node)) this.#closeNode(node);
	}

	#closeNode(node: string): void {
		const roomId = this.#o.roomId;
		this.#opened.delete(node);
		this.#pipes.forgetNode(node);
		this.#call(node, 'media.close', { roomId }).catch(() => {});
		for (const other of this.#opened.keys()) this.#call(other, 'media.dropPeer', { roomId, peer: node }).catch(() => {});
	}

	#forgetProducer(producerId: string): void {
		this.#producers.delete(producerId);
		this.#pipes.forgetProducer(producerId);
	}

	/** A node's media event for this room; only a node that holds the participant may speak for it. */
	#event(e: MediaEvent, from: string): void {
		if (this.#closed) return;
		const on = (pid: string) => this.#where.get(pid) === from;
		switch (e.name) {
			case 'consumerClosed': if (on(e.participantId)) this.safeEmit('consumerClosed', e.participantId, e.consumerId); return;
			case 'producerClosed':
				if (this.#producers.get(e.producerId)?.node !== from || !on(e.participantId)) return;
				this.#forgetProducer(e.producerId);
				this.safeEmit('producerClosed', e.participantId, e.producerId);
				return;
			case 'activeSpeaker': if (from === this.#self && this.#where.has(e.participantId)) this.safeEmit('activeSpeaker', e.participantId); return;
			case 'workerLost': {
				const participants = e.participants.filter(on);
				const producers = e.producers.filter((id) => this.#producers.get(id)?.node === from);
				for (const pid of participants) this.#orphans.add(pid);
				for (const id of producers) this.#forgetProducer(id);
				// Where those producers were piped to, their consumers end silently (the loss covers them).
				const roomId = this.#o.roomId;
				if (producers.length > 0) for (const node of this.#opened.keys()) if (node !== from) this.#call(node, 'media.pipesLost', { roomId, peer: from, producers }).catch(() => {});
				if (participants.length + producers.length > 0) this.safeEmit('workerLost', { participants, producers });
				return;
			}
			case 'closed': return this.#nodeLost(from, false);
		}
	}

	/** The room's media on `node` is gone (the node died, or no worker there could keep it). */
	#nodeLost(node: string, died: boolean): void {
		if (this.#closed) return;
		if (died) this.#dead.add(node);
		if (!this.#opened.delete(node) && !died) return;
		const participants = [...this.#where].filter(([, n]) => n === node).map(([pid]) => pid);
		const producers = [...this.#producers].filter(([, p]) => p.node === node).map(([id]) => id);
		for (const pid of participants) {
			this.#orphans.add(pid);
			this.#stale.add(pid);
		}
		for (const id of producers) this.#forgetProducer(id);
		this.#pipes.forgetNode(node);
		if (participants.length + producers.length === 0) return;
		this.#o.log.warn({ participants: participants.length, producers: producers.length }, 'room lost a media node');
		this.safeEmit('workerLost', { participants, producers });
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		const roomId = this.#o.roomId;
		for (const node of this.#opened.keys()) this.#call(node, 'media.close', { roomId }).catch(() => {});
		this.#o.local.unsubscribe(roomId, this.#sink);
		this.#o.cluster.off('nodeDied', this.#onNodeDied);
		this.#opened.clear();
		this.#where.clear();
		this.#ready.clear();
		this.#producers.clear();
		this.#pipes.clear();
		this.safeEmit('closed', 'closed');
	}
}
