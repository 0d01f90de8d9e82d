import type { Logger } from '../../sfu-workers/Logger.js';
import type {
	ConsumerInfo, Json, MediaKind, MediaSource, PlainTransportInfo, ProducerInfo, RoomMedia, RoomMediaEvents, TransportDirection, TransportInfo,
} from '../../sfu-workers/types.js';
import { PlenumError } from '../shared/errors.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { MediaAgent, MediaEventSink } from './MediaAgent.js';
import { MediaNodes } from './MediaNodes.js';
import { MEDIA_ANSWERS, type MediaEvent, parseAnswer as parse } from './mediaRpc.js';
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

/** The RoomRegistry's media provider in cluster mode: each room's media spans the nodes. */
export function clusterMediaProvider(o: Omit<ClusterRoomMediaOptions, 'roomId' | 'log'>): { createRoomMedia(log: Logger, roomId: string, restored?: boolean): Promise<RoomMedia> } {
	return { createRoomMedia: (log, roomId, restored) => ClusterRoomMedia.create({ ...o, roomId, log }, restored === true) };
}

/**
 * A room's media on the owner, spread over nodes: each participant's media lives on one node
 * (its home, or the least-loaded one when home is past ROOM_SPILL_LOAD; MediaNodes), and every
 * call goes to that node's MediaAgent (here directly, elsewhere over the bus). A consumer on
 * another node than its producer gets the producer piped there first, once per producer and
 * node (PipePlan). A node that dies takes its participants' media with it: one 'workerLost'.
 */
export class ClusterRoomMedia extends TypedEmitter<RoomMediaEvents> implements RoomMedia {
	readonly #o: ClusterRoomMediaOptions;
	readonly #self: string;
	readonly #rtpCapabilities: Json;
	readonly #workerIndex: number;
	readonly #nodes: MediaNodes;
	readonly #pipes: PipePlan;
	readonly #orphans = new Set<string>();
	/** Participants whose media a restore adopted, until their resume keeps it (or not). */
	readonly #adopted = new Set<string>();
	readonly #producers = new Map<string, { info: ProducerInfo; node: string }>();
	readonly #sink: MediaEventSink = (event, from) => this.#event(event, from);
	readonly #onNodeDied = (node: string) => this.#nodeLost(node, true);
	#closed = false;

	private constructor(o: ClusterRoomMediaOptions, nodes: MediaNodes, rtpCapabilities: Json, workerIndex: number) {
		super();
		this.#o = o;
		this.#self = nodes.self;
		this.#nodes = nodes;
		this.#rtpCapabilities = rtpCapabilities;
		this.#workerIndex = workerIndex;
		this.#pipes = new PipePlan({ roomId: o.roomId, call: (node, method, params) => nodes.call(node, method, params), open: (node) => nodes.open(node) });
		o.local.subscribe(o.roomId, this.#sink);
		o.cluster.on('nodeDied', this.#onNodeDied);
	}

	/**
	 * `restored`: the room comes back from its replicated state (its owner died or drained):
	 * first adopt its media where it still is (live nodes, not draining ones), so the
	 * participants there keep their transports, producers and consumers.
	 */
	static async create(o: ClusterRoomMediaOptions, restored = false): Promise<ClusterRoomMedia> {
		const nodes = new MediaNodes(o);
		const roomId = o.roomId;
		const from = restored ? o.nodes.live().filter((n) => !n.draining).map((n) => n.id) : [];
		const found = await Promise.all(from.map(async (node) => {
			try {
				return { node, participants: parse(MEDIA_ANSWERS.adopt, await nodes.call(node, 'media.adopt', { roomId, owner: nodes.self })).participants };
			} catch (err) {
				o.log.warn({ err, node }, 'room media not adopted; its participants there start again');
				return { node, participants: [] };
			}
		}));
		const { rtpCapabilities } = parse(MEDIA_ANSWERS.open, await nodes.open(nodes.self));
		const media = new ClusterRoomMedia(o, nodes, rtpCapabilities, (await o.local.local(roomId))?.workerIndex ?? 0);
		for (const { node, participants } of found) if (participants.length > 0) media.#adoptFrom(node, participants);
		return media;
	}

	#adoptFrom(node: string, participants: { participantId: string; producers: ProducerInfo[] }[]): void {
		this.#nodes.adopt(node, participants.map((p) => p.participantId));
		for (const { participantId, producers } of participants) {
			this.#adopted.add(participantId);
			for (const info of producers) {
				this.#producers.set(info.id, { info, node });
				if (node !== this.#self && info.kind === 'audio' && info.source === 'mic') void this.#observe(info.id, node);
			}
		}
	}

	/**
	 * A restored participant resumes through `home` (undefined: this node): true if its media
	 * was adopted there and stays. Adopted elsewhere, it goes (producers and all): it starts again.
	 */
	keepsMedia(participantId: string, home: string | undefined): boolean {
		if (!this.#adopted.delete(participantId)) return false;
		if (this.#nodes.nodeOf(participantId) === (home ?? this.#self)) return true;
		this.removeParticipant(participantId);
		return false;
	}

	get workerIndex(): number {
		return this.#workerIndex;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** The node a participant's media lives on (metrics, tests). */
	nodeOf(participantId: string): string | undefined {
		return this.#nodes.nodeOf(participantId);
	}

	rtpCapabilities(): Json {
		// Every node's routers are made from the same codec list (sfu-workers/mediaCodecs.ts).
		return this.#rtpCapabilities;
	}

	addParticipant(participantId: string, node?: string): void {
		this.#open();
		if (!this.#nodes.placed(participantId)) this.#nodes.register(participantId, node);
	}

	setRtpCapabilities(participantId: string, rtpCapabilities: Json): void {
		this.#open();
		this.#nodes.setCapabilities(participantId, rtpCapabilities);
	}

	#open(): void {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
	}

	async #on(participantId: string, method: Parameters<MediaNodes['on']>[1], params: Parameters<MediaNodes['on']>[2]): Promise<Json> {
		this.#open();
		try {
			return await this.#nodes.on(participantId, method, params);
		} catch (err) {
			if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
			throw err;
		}
	}

	async createTransport(participantId: string, direction: TransportDirection): Promise<TransportInfo> {
		const info = parse(MEDIA_ANSWERS.transport, await this.#on(participantId, 'media.createTransport', { direction }));
		this.#orphans.delete(participantId);
		return info;
	}

	async createPlainTransport(participantId: string, bridge: { ip: string; port: number }): Promise<PlainTransportInfo> {
		this.#open();
		const moved = await this.#nodes.pinHome(participantId);
		if (moved !== undefined) this.#pipes.forgetNode(moved);
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
		this.#open();
		const { node, answer } = await this.#nodes.onNode(participantId, 'media.produce', req);
		const info = parse(MEDIA_ANSWERS.producer, answer);
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		// Left (or moved) meanwhile: its node closed the producer with its transports.
		if (this.#nodes.nodeOf(participantId) !== node) throw new PlenumError('PLN_NOT_JOINED');
		this.#producers.set(info.id, { info, node });
		if (node !== this.#self && info.kind === 'audio' && info.source === 'mic') void this.#observe(info.id, node);
		return info;
	}

	// One active-speaker observer for the room, on the owner: mics on other nodes are piped here.
	async #observe(producerId: string, node: string): Promise<void> {
		try {
			await this.#pipes.ensure(producerId, node, this.#self);
			await this.#nodes.call(this.#self, 'media.observePiped', { roomId: this.#o.roomId, producerId });
		} catch (err) {
			if (this.#producers.has(producerId)) this.#o.log.warn({ err, producerId }, 'remote mic not observed for the active speaker');
		}
	}

	// A worker died here: the mics piped in for the observer may have gone with it; pipe them again
	// (a pipe still in place is kept, and a mic already observed is not added twice).
	#reobserve(): void {
		this.#pipes.forgetNode(this.#self);
		for (const [id, p] of this.#producers) if (p.node !== this.#self && p.info.kind === 'audio' && p.info.source === 'mic') void this.#observe(id, p.node);
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
		const to = this.#nodes.nodeOf(participantId);
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
		if (this.#nodes.nodeOf(participantId) === undefined) return;
		this.#orphans.delete(participantId);
		this.#adopted.delete(participantId);
		for (const [id, p] of this.#producers) if (p.info.participantId === participantId) this.#forgetProducer(id);
		if (this.#closed) return;
		const closed = this.#nodes.remove(participantId);
		if (closed !== undefined) this.#pipes.forgetNode(closed);
	}

	#forgetProducer(producerId: string): void {
		this.#producers.delete(producerId);
		this.#pipes.forgetProducer(producerId);
	}

	/** A node's media event for this room; only a node that holds the participant may speak for it. */
	#event(e: MediaEvent, from: string): void {
		if (this.#closed) return;
		const on = (pid: string) => this.#nodes.nodeOf(pid) === from;
		switch (e.name) {
			case 'consumerClosed': if (on(e.participantId)) this.safeEmit('consumerClosed', e.participantId, e.consumerId); return;
			case 'producerClosed':
				if (this.#producers.get(e.producerId)?.node !== from || !on(e.participantId)) return;
				this.#forgetProducer(e.producerId);
				this.safeEmit('producerClosed', e.participantId, e.producerId);
				return;
			case 'activeSpeaker': if (from === this.#self && this.#nodes.nodeOf(e.participantId) !== undefined) this.safeEmit('activeSpeaker', e.participantId); return;
			case 'workerLost': {
				const participants = e.participants.filter(on);
				const producers = e.producers.filter((id) => this.#producers.get(id)?.node === from);
				for (const pid of participants) this.#orphans.add(pid);
				for (const id of producers) this.#forgetProducer(id);
				// Where those producers were piped to, their consumers end silently (the loss covers them).
				const roomId = this.#o.roomId;
				if (producers.length > 0) for (const node of this.#nodes.opened()) if (node !== from) this.#nodes.call(node, 'media.pipesLost', { roomId, peer: from, producers }).catch(() => {});
				if (participants.length + producers.length > 0) this.safeEmit('workerLost', { participants, producers });
				if (from === this.#self) this.#reobserve();
				return;
			}
			case 'closed': return this.#nodeLost(from, false);
		}
	}

	/** The room's media on `node` is gone (the node died, or no worker there could keep it). */
	#nodeLost(node: string, died: boolean): void {
		if (this.#closed) return;
		const participants = this.#nodes.lose(node, died);
		const producers = [...this.#producers].filter(([, p]) => p.node === node).map(([id]) => id);
		for (const pid of participants) this.#orphans.add(pid);
		for (const id of producers) this.#forgetProducer(id);
		this.#pipes.forgetNode(node);
		if (participants.length + producers.length === 0) return;
		this.#o.log.warn({ participants: participants.length, producers: producers.length }, 'room lost a media node');
		this.safeEmit('workerLost', { participants, producers });
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#nodes.close();
		this.#o.local.unsubscribe(this.#o.roomId, this.#sink);
		this.#o.cluster.off('nodeDied', this.#onNodeDied);
		this.#producers.clear();
		this.#pipes.clear();
		this.#orphans.clear();
		this.#adopted.clear();
		this.safeEmit('closed', 'closed');
	}
}
