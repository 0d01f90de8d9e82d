import type { Logger } from '../../sfu-workers/Logger.js';
import type { PipeTraffic } from '../../sfu-workers/NodePipes.js';
import type { RoomMediaImpl } from '../../sfu-workers/RoomMediaImpl.js';
import type { Json } from '../../sfu-workers/types.js';
import { roomRef } from '../observability/redact.js';
import { PlenumError } from '../shared/errors.js';
import type { TypedEmitter } from '../shared/TypedEmitter.js';
import {
	MEDIA_CALLS, MEDIA_EVENT_TOPIC, type MediaEvent, MediaEventSchema, type MediaMethod, type MediaParams, PIPE_NEWS_TOPIC, PipeNewsSchema,
} from './mediaRpc.js';
import type { ClusterBus, ClusterEvents } from './types.js';

export interface MediaAgentOptions {
	bus: ClusterBus;
	/** This node's workers (WorkerPool, made with clusterAddress so rooms can pipe). */
	pool: { createRoomMedia(log: Logger): Promise<RoomMediaImpl> };
	/** The cluster's events; a dead node's rooms and pipes end here. */
	cluster: Pick<TypedEmitter<ClusterEvents>, 'on'>;
	/** The room's lease: a node that says it is the new owner must hold it. */
	leases: { owner(roomId: string): Promise<string | undefined> };
	/** This node drains: its media moves with its participants, a new owner adopts none of it. */
	draining(): boolean;
	/** How long a dead owner's room media waits here for a new owner (ADOPT_WAIT_MS). */
	adoptWaitMs?: number;
	log: Logger;
}

/** How long a room's media here outlives its dead owner, for a new owner to adopt it. */
const ADOPT_WAIT_MS = 20_000;

/** Where a room owner on this node hears its media events from every node (this one too). */
export type MediaEventSink = (event: MediaEvent, from: string) => void;

interface HostedRoom {
	/** Changes only when a new owner adopts the room (its lease checked). */
	owner: string;
	media: Promise<RoomMediaImpl>;
	/** Set while the owner is dead: the media ends unless adopted by then. */
	orphaned?: NodeJS.Timeout;
}

type Handler<M extends MediaMethod> = (m: RoomMediaImpl, p: MediaParams<M>) => Promise<Json> | Json;

/** A void call's answer. */
const none = (_: unknown): Json => null;

/** Each call on the room's local media; void calls answer null. */
const HANDLERS: { [M in Exclude<MediaMethod, 'media.open' | 'media.adopt' | 'media.close'>]: Handler<M> } = {
	'media.addParticipant': (m, p) => none(m.addParticipant(p.participantId)),
	'media.setRtpCapabilities': (m, p) => none(m.setRtpCapabilities(p.participantId, p.rtpCapabilities)),
	'media.createTransport': (m, p) => m.createTransport(p.participantId, p.direction),
	'media.createPlainTransport': (m, p) => m.createPlainTransport(p.participantId, p.bridge),
	'media.connectTransport': (m, p) => m.connectTransport(p.participantId, p.transportId, p.dtlsParameters).then(none),
	'media.restartIce': (m, p) => m.restartIce(p.participantId, p.transportId),
	'media.produce': (m, { participantId, transportId, kind, source, rtpParameters, paused }) => m.produce(participantId, { transportId, kind, source, rtpParameters, paused }),
	'media.setProducerPaused': (m, p) => m.setProducerPaused(p.participantId, p.producerId, p.paused),
	'media.closeProducer': (m, p) => none(m.closeProducer(p.participantId, p.producerId)),
	'media.consume': (m, p) => m.consume(p.participantId, p.producerId),
	'media.setConsumerPaused': (m, p) => m.setConsumerPaused(p.participantId, p.consumerId, p.paused).then(none),
	'media.setPreferredLayers': (m, p) => m.setPreferredLayers(p.participantId, p.consumerId, p.spatialLayer, p.temporalLayer).then(none),
	'media.removeParticipant': (m, p) => none(m.removeParticipant(p.participantId)),
	'media.pipeLink': (m, p) => m.pipeLink(p.peer),
	'media.pipeOut': (m, p) => m.pipeOut(p.producerId, p.peer, p.remote),
	'media.pipeIn': (m, p) => m.pipeIn(p.peer, p.remote, p.producer).then(none),
	'media.dropPeer': (m, p) => none(m.dropPeer(p.peer)),
	'media.pipesLost': (m, p) => none(m.pipesLost(p.peer, p.producers)),
	'media.observePiped': (m, p) => m.observePiped(p.producerId).then(none),
};

/**
 * This node's share of rooms owned anywhere: one RoomMediaImpl per room whose participants
 * have media here, driven by the room's owner through bus calls (mediaRpc.ts), its events
 * sent back to the owner. Only the owner that opened a room may drive it; a room ends here
 * when its owner says so, when another owner opens it, or when its owner died and no new
 * owner adopted it (media.adopt: the media stays, its participants keep sending and receiving).
 */
export class MediaAgent {
	readonly #bus: ClusterBus;
	readonly #pool: MediaAgentOptions['pool'];
	readonly #o: MediaAgentOptions;
	readonly #log: Logger;
	readonly #rooms = new Map<string, HostedRoom>();
	readonly #sinks = new Map<string, MediaEventSink>();
	#closed = false;

	constructor(o: MediaAgentOptions) {
		this.#bus = o.bus;
		this.#pool = o.pool;
		this.#o = o;
		this.#log = o.log;
		for (const method of Object.keys(MEDIA_CALLS) as MediaMethod[]) o.bus.serve(method, (params, from) => this.handle(method, params, from));
		o.bus.onMessage(MEDIA_EVENT_TOPIC, (data, from) => {
			const msg = MediaEventSchema.safeParse(data);
			if (msg.success) this.#sinks.get(msg.data.roomId)?.(msg.data.event, from);
		});
		o.bus.onMessage(PIPE_NEWS_TOPIC, (data, from) => {
			const msg = PipeNewsSchema.safeParse(data);
			const room = msg.success ? this.#rooms.get(msg.data.roomId) : undefined;
			if (!room || !msg.success) return;
			const { producerId, state, version } = msg.data;
			room.media.then((m) => m.pipeState(from, producerId, state, version)).catch((err) => this.#log.warn({ err }, 'pipe news not applied'));
		});
		o.cluster.on('nodeDied', (node) => this.#nodeDied(node));
	}

	get nodeId(): string {
		return this.#bus.nodeId;
	}

	/** Rooms with media on this node now. */
	get rooms(): number {
		return this.#rooms.size;
	}

	/** The room's local media, if this node holds some (tests, metrics). */
	local(roomId: string): Promise<RoomMediaImpl> | undefined {
		return this.#rooms.get(roomId)?.media;
	}

	/** Pipe transports, pipe consumers and piped-in producers of every room here (metrics). */
	async pipes(): Promise<{ links: number; outs: number; ins: number } & PipeTraffic> {
		const sum = { links: 0, outs: 0, ins: 0, bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0 };
		for (const room of this.#rooms.values()) {
			const m = await room.media.catch(() => undefined);
			if (!m || m.closed) continue;
			const counts = m.pipes.counts();
			const traffic = await m.pipes.traffic();
			for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += (counts as Record<string, number>)[k] ?? (traffic as Record<string, number>)[k] ?? 0;
		}
		return sum;
	}

	/** The owner on this node hears the room's media events (from this node and others). */
	subscribe(roomId: string, sink: MediaEventSink): void {
		this.#sinks.set(roomId, sink);
	}

	unsubscribe(roomId: string, sink: MediaEventSink): void {
		if (this.#sinks.get(roomId) === sink) this.#sinks.delete(roomId);
	}

	/** One bus call, from another node or (with `from` = this node) from the owner here. */
	async handle(method: MediaMethod, params: Json, from: string): Promise<Json> {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		const parsed = MEDIA_CALLS[method]?.safeParse(params);
		if (!parsed?.success) throw new PlenumError('PLN_INVALID_MESSAGE');
		if (method === 'media.open') return this.#open(parsed.data as MediaParams<'media.open'>, from);
		if (method === 'media.adopt') return this.#adopt(parsed.data as MediaParams<'media.adopt'>, from);
		const { roomId } = parsed.data;
		const room = this.#rooms.get(roomId);
		// Only the owner that opened the room drives it; anything else is stale or forged.
		if (!room || room.owner !== from) {
			if (method === 'media.close' || method === 'media.dropPeer' || method === 'media.removeParticipant') return null;
			throw new PlenumError('PLN_ROOM_NOT_FOUND');
		}
		if (method === 'media.close') {
			this.#end(roomId, room);
			return null;
		}
		const handler = HANDLERS[method] as Handler<typeof method>;
		return handler(await room.media, parsed.data as never);
	}

	async #open(p: MediaParams<'media.open'>, from: string): Promise<Json> {
		// A node opens a room only as its own owner (its lease); never on another's behalf.
		if (p.owner !== from) throw new PlenumError('PLN_ROOM_NOT_FOUND');
		let room = this.#rooms.get(p.roomId);
		if (room && room.owner !== p.owner) {
			this.#log.info({ room: roomRef(p.roomId) }, 'room media here ends: the room has a new owner');
			this.#end(p.roomId, room);
			room = undefined;
		}
		if (!room) room = this.#host(p.roomId, p.owner);
		const media = await room.media;
		return { rtpCapabilities: media.rtpCapabilities() };
	}

	/**
	 * A new owner (it restored the room) takes over the room's media here as it is, if the
	 * lease says it owns the room; answers who has media here. Nothing here: nothing to adopt.
	 */
	async #adopt(p: MediaParams<'media.adopt'>, from: string): Promise<Json> {
		const room = this.#rooms.get(p.roomId);
		if (p.owner !== from || !room || this.#o.draining()) return { participants: [] };
		if (room.owner !== from) {
			if ((await this.#o.leases.owner(p.roomId)) !== from || this.#rooms.get(p.roomId) !== room) throw new PlenumError('PLN_ROOM_NOT_FOUND');
			this.#log.info({ room: roomRef(p.roomId) }, 'room media here adopted by the room\'s new owner');
			room.owner = from;
			clearTimeout(room.orphaned);
			room.orphaned = undefined;
		}
		const media = await room.media;
		return { participants: media.inventory() };
	}

	#host(roomId: string, owner: string): HostedRoom {
		const media = this.#pool.createRoomMedia(this.#log).then((m) => {
			if (this.#rooms.get(roomId) !== room) {
				m.close();
				throw new PlenumError('PLN_ROOM_CLOSED');
			}
			try {
				this.#wire(roomId, room, m);
			} catch (err) {
				// A pool made without a cluster address has no pipes: a setup mistake, told once per room.
				this.#log.error({ err }, 'room media here cannot pipe');
				m.close();
				throw err;
			}
			return m;
		});
		const room: HostedRoom = { owner, media };
		media.catch(() => { if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId); });
		this.#rooms.set(roomId, room);
		return room;
	}

	#wire(roomId: string, room: HostedRoom, m: RoomMediaImpl): void {
		const tell = (event: MediaEvent) => this.#deliver(room.owner, roomId, event);
		m.on('consumerClosed', (participantId, consumerId) => tell({ name: 'consumerClosed', participantId, consumerId }));
		m.on('producerClosed', (participantId, producerId) => tell({ name: 'producerClosed', participantId, producerId }));
		m.on('activeSpeaker', (participantId) => tell({ name: 'activeSpeaker', participantId }));
		m.on('workerLost', (loss) => tell({ name: 'workerLost', ...loss }));
		m.on('closed', (reason) => {
			if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
			if (reason === 'workerDied') tell({ name: 'closed', reason });
		});
		m.pipes.on('state', (peer, producerId, state, version) => this.#bus.send(peer, PIPE_NEWS_TOPIC, { roomId, producerId, state, version }));
	}

	#deliver(owner: string, roomId: string, event: MediaEvent): void {
		if (owner === this.#bus.nodeId) this.#sinks.get(roomId)?.(event, owner);
		else this.#bus.send(owner, MEDIA_EVENT_TOPIC, { roomId, event });
	}

	#end(roomId: string, room: HostedRoom): void {
		clearTimeout(room.orphaned);
		if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
		room.media.then((m) => m.close(), () => {});
	}

	#nodeDied(node: string): void {
		for (const [roomId, room] of [...this.#rooms]) {
			room.media.then((m) => m.dropPeer(node), () => {});
			if (room.owner !== node || room.orphaned) continue;
			room.orphaned = setTimeout(() => { if (room.owner === node) this.#end(roomId, room); }, this.#o.adoptWaitMs ?? ADOPT_WAIT_MS);
			room.orphaned.unref();
		}
	}

	/** The node stops: every room's media here ends (the owners hear it from the cluster). */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const [roomId, room] of [...this.#rooms]) this.#end(roomId, room);
		this.#sinks.clear();
	}
}
