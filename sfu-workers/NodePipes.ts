import type { types } from 'mediasoup';
import { PlenumError } from '../server/shared/errors.js';
import { TypedEmitter } from '../server/shared/TypedEmitter.js';
import type { AppData } from './participantMedia.js';
import type { RouterSlot } from './RouterSet.js';
import type { Json, MediaKind, MediaSource } from './types.js';

/** Where this node's pipe transports listen, and the address other nodes send to (CLUSTER_ADDRESS). */
export interface PipeListen {
	ip: string;
	announcedAddress: string;
	/** Ports for pipe transports; absent = the worker's own range. */
	portRange?: { min: number; max: number };
}

/** One end of a node-to-node pipe: what the other end connects to. */
export type PipeTuple = { ip: string; port: number; srtpParameters: Json };

/** A producer as the far node re-creates it (same id), from the pipe consumer's parameters. */
export type PipedProducer = { id: string; kind: MediaKind; rtpParameters: Json; paused: boolean; participantId: string; source: MediaSource; version: number };

/** What the producer's node tells the consumer's node about a piped producer. */
export type PipeState = 'paused' | 'resumed' | 'closed';

/** What went through a room's pipes on this node, for metrics. */
export type PipeTraffic = { bytesSent: number; bytesReceived: number; packetsSent: number; packetsReceived: number };

export type NodePipesEvents = {
	/** The origin producer of a pipe to `peer` paused, resumed or closed; the peer must follow. */
	state: [peer: string, producerId: string, state: PipeState, version: number];
};

interface PipedIn {
	peer: string;
	producer: types.Producer<AppData>;
	slot: RouterSlot;
	/** Heard by the room's active-speaker observer (on the owner's node). */
	observed: boolean;
	/** The origin's count of pause/resume news this producer's state reflects. */
	version: number;
}

/** News for producers not piped in yet, kept for when they are; at most this many. */
const MAX_EARLY_NEWS = 500;

interface Link {
	transport: types.PipeTransport;
	/** The far end this transport was connected to (a transport connects once). */
	remote: string | undefined;
}

/**
 * One room's pipes to other nodes: one PipeTransport per peer node (SRTP, RTX) on the room's
 * primary router, one pipe consumer per producer and peer on the producer's node, one piped
 * producer (same id) on the consumer's node. Owned by RoomMediaImpl; everything here lives
 * on its routers, so a router's close takes it along. A pipe ends when its producer closes,
 * when the peer is dropped (its room media ended or it died), or with the router.
 */
export class NodePipes extends TypedEmitter<NodePipesEvents> {
	readonly #listen: PipeListen;
	readonly #links = new Map<string, Promise<Link>>();
	/** "<producerId>><peer>" → the pipe consumer on this (the producer's) node. */
	readonly #outs = new Map<string, Promise<types.Consumer>>();
	/** Piped-in producers on this (a consumer's) node, by id, with the peer they come from. */
	readonly #ins = new Map<string, PipedIn>();
	readonly #incoming = new Map<string, Promise<void>>();
	/** Producer's node: "<producerId>><peer>" → news sent so far (the version a pipeOut answer carries). */
	readonly #versions = new Map<string, number>();
	/** Consumer's node: the latest news about a producer before its pipeIn (it may overtake the pipeIn). */
	readonly #early = new Map<string, { peer: string; state: PipeState; version: number }>();

	constructor(listen: PipeListen) {
		super();
		this.#listen = listen;
	}

	/** This node's end of the pipe to `peer` in the room (made once, on `slot`). */
	async link(peer: string, slot: RouterSlot): Promise<PipeTuple> {
		return tupleOf((await this.#link(peer, slot)).transport);
	}

	#link(peer: string, slot: RouterSlot): Promise<Link> {
		let link = this.#links.get(peer);
		if (!link) {
			const { ip, announcedAddress, portRange } = this.#listen;
			link = slot.router
				.createPipeTransport({ listenInfo: { protocol: 'udp', ip, announcedAddress, portRange }, enableSrtp: true, enableRtx: true })
				.then((transport) => {
					transport.observer.once('close', () => { if (this.#links.get(peer) === link) this.#links.delete(peer); });
					return { transport, remote: undefined };
				});
			link.catch(() => { if (this.#links.get(peer) === link) this.#links.delete(peer); });
			this.#links.set(peer, link);
		}
		return link;
	}

	/**
	 * Connects this end to `remote` once. On the producer's node a stale end (the peer made a
	 * new one) is replaced; on the consumer's node it is dropped and the caller starts over.
	 */
	async #connected(peer: string, slot: RouterSlot, remote: PipeTuple, replaceStale: boolean): Promise<Link> {
		const key = `${remote.ip}:${remote.port}`;
		let made = this.#link(peer, slot);
		let link = await made;
		if (link.remote !== undefined && link.remote !== key) {
			// Only the stale end goes: a concurrent call may have replaced it already.
			if (this.#links.get(peer) === made) this.dropPeer(peer);
			if (!replaceStale) throw new PlenumError('PLN_STATE_CLOSED');
			made = this.#link(peer, slot);
			link = await made;
			if (link.remote !== undefined && link.remote !== key) throw new PlenumError('PLN_STATE_CLOSED');
		}
		if (link.remote === undefined) {
			link.remote = key;
			try {
				await link.transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtpParameters as types.SrtpParameters });
			} catch (err) {
				if (this.#links.get(peer) === made) this.dropPeer(peer);
				throw err;
			}
		}
		return link;
	}

	/** Producer's node: sends `producer` (on `slot`) to `peer`; once per producer and peer. */
	async out(producer: types.Producer<AppData>, peer: string, slot: RouterSlot, remote: PipeTuple): Promise<{ tuple: PipeTuple; producer: PipedProducer }> {
		const link = await this.#connected(peer, slot, remote, true);
		const key = `${producer.id}>${peer}`;
		let out = this.#outs.get(key);
		if (!out) {
			out = link.transport.consume({ producerId: producer.id });
			this.#outs.set(key, out);
			out.then((c) => this.#watchOut(c, key, peer, producer.id), () => this.#outs.delete(key));
		}
		const consumer = await out;
		if (consumer.closed) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		const { participantId, source } = producer.appData;
		return {
			tuple: tupleOf(link.transport),
			producer: { id: producer.id, kind: consumer.kind, rtpParameters: consumer.rtpParameters, paused: consumer.producerPaused, participantId, source: source ?? 'mic', version: this.#versions.get(key) ?? 0 },
		};
	}

	#watchOut(c: types.Consumer, key: string, peer: string, producerId: string): void {
		// Numbered: the peer applies news newer than the paused flag its pipeIn carried, in either order.
		const tell = (state: PipeState) => {
			const version = (this.#versions.get(key) ?? 0) + 1;
			this.#versions.set(key, version);
			this.safeEmit('state', peer, producerId, state, version);
		};
		c.on('producerpause', () => tell('paused'));
		c.on('producerresume', () => tell('resumed'));
		// Only the producer's own close is news to the peer; a dropped link is known there.
		c.on('producerclose', () => tell('closed'));
		c.observer.once('close', () => {
			this.#outs.delete(key);
			this.#versions.delete(key);
		});
	}

	/** Consumer's node: re-creates the piped producer (same id) on `slot`, fed from `peer`. */
	async in(peer: string, slot: RouterSlot, remote: PipeTuple, p: PipedProducer): Promise<void> {
		// Two calls for one producer at once share the first (a second produce of the id would fail).
		const pending = this.#incoming.get(p.id);
		if (pending) return pending;
		const made = this.#in(peer, slot, remote, p).finally(() => this.#incoming.delete(p.id));
		this.#incoming.set(p.id, made);
		return made;
	}

	async #in(peer: string, slot: RouterSlot, remote: PipeTuple, p: PipedProducer): Promise<void> {
		const link = await this.#connected(peer, slot, remote, false);
		const have = this.#ins.get(p.id);
		if (have && !have.producer.closed) return;
		const producer = await link.transport.produce<AppData>({
			id: p.id, kind: p.kind, rtpParameters: p.rtpParameters as types.RtpParameters, paused: p.paused,
			appData: { participantId: p.participantId, source: p.source },
		});
		if (link.transport.closed) {
			producer.close();
			throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		}
		const entry: PipedIn = { peer, producer, slot, observed: false, version: p.version };
		this.#ins.set(p.id, entry);
		producer.observer.once('close', () => { if (this.#ins.get(p.id) === entry) this.#ins.delete(p.id); });
		const early = this.#early.get(p.id);
		this.#early.delete(p.id);
		if (early?.peer === peer) await this.#apply(entry, early.state, early.version);
	}

	/** Consumer's node: the origin producer's news from `peer` (ignored unless it fed that producer). */
	async state(peer: string, producerId: string, state: PipeState, version: number): Promise<void> {
		const entry = this.#ins.get(producerId);
		if (entry) return entry.peer === peer ? this.#apply(entry, state, version) : undefined;
		if (this.#early.size >= MAX_EARLY_NEWS) this.#early.delete(this.#early.keys().next().value as string);
		const known = this.#early.get(producerId);
		if (!known || known.peer !== peer || known.version < version) this.#early.set(producerId, { peer, state, version });
	}

	async #apply(entry: PipedIn, state: PipeState, version: number): Promise<void> {
		if (version <= entry.version && state !== 'closed') return;
		entry.version = Math.max(entry.version, version);
		if (state === 'closed') entry.producer.close();
		else await (state === 'paused' ? entry.producer.pause() : entry.producer.resume());
	}

	/** A piped-in producer and the router it lives on, for consume(). */
	piped(producerId: string): PipedIn | undefined {
		const entry = this.#ins.get(producerId);
		return entry && !entry.producer.closed ? entry : undefined;
	}

	/** Pipe consumers and piped producers now (for metrics and tests). */
	counts(): { links: number; outs: number; ins: number } {
		return { links: this.#links.size, outs: this.#outs.size, ins: this.#ins.size };
	}

	/**
	 * Closes the pipe to `peer`: its consumers here, and the producers it fed (their consumers
	 * close as the transport closes). Returns the ids of those producers.
	 */
	dropPeer(peer: string): string[] {
		const link = this.#links.get(peer);
		this.#links.delete(peer);
		for (const key of [...this.#outs.keys()]) if (key.endsWith(`>${peer}`)) this.#outs.delete(key);
		const fed: string[] = [];
		for (const [id, entry] of this.#ins) {
			if (entry.peer !== peer) continue;
			this.#ins.delete(id);
			fed.push(id);
		}
		link?.then((l) => l.transport.close(), () => {});
		return fed;
	}

	/** Which of `ids` are piped-in producers that `peer` feeds. */
	fedBy(peer: string, ids: string[]): string[] {
		return ids.filter((id) => this.#ins.get(id)?.peer === peer);
	}

	/** Closes piped-in producers (their consumers close). */
	closeIn(ids: string[]): void {
		for (const id of ids) this.#ins.get(id)?.producer.close();
	}

	/** Bytes through this room's pipe transports, packets through its pipe consumers and piped producers. */
	async traffic(): Promise<PipeTraffic> {
		const t: PipeTraffic = { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0 };
		const links = await Promise.allSettled([...this.#links.values()]);
		const outs = await Promise.allSettled([...this.#outs.values()]);
		const stats = async <S>(o: { closed: boolean; getStats(): Promise<S[]> }): Promise<S[]> => (o.closed ? [] : o.getStats().catch(() => []));
		for (const r of links) {
			if (r.status !== 'fulfilled') continue;
			for (const s of await stats(r.value.transport)) {
				t.bytesSent += s.bytesSent;
				t.bytesReceived += s.bytesReceived;
			}
		}
		for (const r of outs) if (r.status === 'fulfilled') for (const s of await stats(r.value)) if (s.type === 'outbound-rtp') t.packetsSent += s.packetCount;
		for (const { producer } of this.#ins.values()) for (const s of await stats(producer)) t.packetsReceived += s.packetCount;
		return t;
	}

	/** The routers closed (room end): forget everything, say nothing. */
	clear(): void {
		this.#links.clear();
		this.#outs.clear();
		this.#ins.clear();
		this.#early.clear();
		this.#versions.clear();
	}
}

function tupleOf(t: types.PipeTransport): PipeTuple {
	return { ip: t.tuple.localAddress, port: t.tuple.localPort, srtpParameters: t.srtpParameters };
}
