import type { Logger } from '../../sfu-workers/Logger.js';
import type { Json } from '../../sfu-workers/types.js';
import { PlenumError } from '../shared/errors.js';
import type { MediaAgent } from './MediaAgent.js';
import type { MediaMethod } from './mediaRpc.js';
import type { ClusterBus, NodeTable } from './types.js';

export interface MediaNodesOptions {
	bus: ClusterBus;
	roomId: string;
	local: MediaAgent;
	nodes: NodeTable;
	spillLoad: number;
	log: Logger;
}

/**
 * For one room's owner: which node each participant's media lives on, and the way there.
 * The room's media is opened on a node once; a participant is registered there (with its
 * capabilities) before its first call; a participant whose node lost the room's media is
 * registered again on its next call (on a live node if its own died).
 */
export class MediaNodes {
	readonly #o: MediaNodesOptions;
	readonly self: string;
	/** Participant → the node its media lives on. */
	readonly #where = new Map<string, string>();
	/** Participant → its registration (and capabilities) on that node; later calls wait for it. */
	readonly #ready = new Map<string, Promise<unknown>>();
	readonly #caps = new Map<string, Json>();
	/** Participant → the home node the room named for it (its socket's node). */
	readonly #homes = new Map<string, string>();
	/** Participants to register again on their next call. */
	readonly #stale = new Set<string>();
	/** Nodes where the room's media is open (or opening). */
	readonly #opened = new Map<string, Promise<unknown>>();
	readonly #dead = new Set<string>();

	constructor(o: MediaNodesOptions) {
		this.#o = o;
		this.self = o.bus.nodeId;
	}

	nodeOf(participantId: string): string | undefined {
		return this.#where.get(participantId);
	}

	/** Whether the participant is known here on a node that has not died. */
	placed(participantId: string): boolean {
		const at = this.#where.get(participantId);
		return at !== undefined && !this.#dead.has(at);
	}

	/** Nodes where the room's media is open. */
	opened(): string[] {
		return [...this.#opened.keys()];
	}

	/** A new owner adopted the room's media on `node`: these participants' media is there, registered. */
	adopt(node: string, participantIds: string[]): void {
		this.#opened.set(node, Promise.resolve());
		for (const pid of participantIds) {
			this.#where.set(pid, node);
			this.#homes.set(pid, node);
			this.#ready.set(pid, Promise.resolve());
		}
	}

	/** Places the participant (home node, or another past the spill load) and registers it there. */
	register(participantId: string, home: string | undefined, spill = true): string {
		if (home !== undefined) this.#homes.set(participantId, home);
		const at = spill ? this.#place(home) : (home ?? this.self);
		this.#where.set(participantId, at);
		this.#stale.delete(participantId);
		const caps = this.#caps.get(participantId);
		const roomId = this.#o.roomId;
		const ready = this.open(at)
			.then(() => this.call(at, 'media.addParticipant', { roomId, participantId }))
			.then(() => caps !== undefined && this.call(at, 'media.setRtpCapabilities', { roomId, participantId, rtpCapabilities: caps }));
		ready.catch((err) => {
			// Tried again on the participant's next call.
			if (this.#ready.get(participantId) === ready) this.#stale.add(participantId);
			this.#o.log.warn({ err, participantId }, 'participant media not registered on its node');
		});
		this.#ready.set(participantId, ready);
		return at;
	}

	/** The home node, unless it is past the spill load (then the least-loaded live node below it). */
	#place(home: string | undefined): string {
		const live = this.#o.nodes.live().filter((n) => !n.draining && !this.#dead.has(n.id));
		const target = live.find((n) => n.id === (home ?? this.self));
		if (!target) return this.self;
		if (target.load <= this.#o.spillLoad) return target.id;
		return live.find((n) => n.id !== target.id && n.load < this.#o.spillLoad)?.id ?? target.id;
	}

	open(node: string): Promise<unknown> {
		let opened = this.#opened.get(node);
		if (!opened) {
			opened = this.call(node, 'media.open', { roomId: this.#o.roomId, owner: this.self });
			const mine = opened;
			mine.catch(() => { if (this.#opened.get(node) === mine) this.#opened.delete(node); });
			this.#opened.set(node, opened);
		}
		return opened;
	}

	call(node: string, method: MediaMethod, params: Record<string, Json>): Promise<Json> {
		if (node === this.self) return this.#o.local.handle(method, params, this.self);
		return this.#o.bus.call(node, method, params);
	}

	/** A participant's call on its media node, after its registration there. */
	async on(participantId: string, method: MediaMethod, params: Record<string, Json>): Promise<Json> {
		return (await this.onNode(participantId, method, params)).answer;
	}

	/** The same, with the node that answered. */
	async onNode(participantId: string, method: MediaMethod, params: Record<string, Json>): Promise<{ node: string; answer: Json }> {
		let node = this.#where.get(participantId);
		if (node === undefined) throw new PlenumError('PLN_NOT_JOINED');
		if (this.#stale.has(participantId)) node = this.register(participantId, this.#dead.has(node) ? undefined : node);
		await this.#ready.get(participantId);
		if (this.#where.get(participantId) !== node) throw new PlenumError('PLN_NOT_JOINED');
		return { node, answer: await this.call(node, method, { roomId: this.#o.roomId, participantId, ...params }) };
	}

	/**
	 * A bridge in the home node's process (the SIP bridge's RTP socket) needs the participant's
	 * media on that node, past the spill load or not: moved there before its first transport.
	 * Returns the node whose room media ended with the move, if any.
	 */
	async pinHome(participantId: string): Promise<string | undefined> {
		const at = this.#where.get(participantId);
		const home = this.#homes.get(participantId) ?? this.self;
		if (at === undefined || at === home || this.#dead.has(home)) return undefined;
		const caps = this.#caps.get(participantId);
		const closed = this.remove(participantId);
		if (caps !== undefined) this.#caps.set(participantId, caps);
		this.register(participantId, home, false);
		await this.#ready.get(participantId);
		return closed;
	}

	setCapabilities(participantId: string, rtpCapabilities: Json): void {
		const node = this.#where.get(participantId);
		const ready = this.#ready.get(participantId);
		if (node === undefined || !ready) throw new PlenumError('PLN_NOT_JOINED');
		this.#caps.set(participantId, rtpCapabilities);
		const next = ready.then(() => this.call(node, 'media.setRtpCapabilities', { roomId: this.#o.roomId, participantId, rtpCapabilities }));
		next.catch((err) => {
			if (this.#ready.get(participantId) === next) this.#stale.add(participantId);
			this.#o.log.warn({ err, participantId }, 'capabilities not set on the media node');
		});
		this.#ready.set(participantId, next);
	}

	/**
	 * Forgets the participant and removes its media on its node; when it was the last one on
	 * another node, the room's media there ends and the other nodes drop their pipes to it.
	 * Returns that node when it was closed.
	 */
	remove(participantId: string): string | undefined {
		const node = this.#where.get(participantId);
		if (node === undefined) return undefined;
		const ready = this.#ready.get(participantId);
		this.#where.delete(participantId);
		this.#ready.delete(participantId);
		this.#caps.delete(participantId);
		this.#homes.delete(participantId);
		this.#stale.delete(participantId);
		if (this.#dead.has(node)) return undefined;
		const roomId = this.#o.roomId;
		void Promise.resolve(ready).catch(() => {}).then(() => this.call(node, 'media.removeParticipant', { roomId, participantId }))
			.catch((err) => this.#o.log.warn({ err, participantId }, 'participant media not removed on its node'));
		if (node === this.self || [...this.#where.values()].includes(node)) return undefined;
		this.#opened.delete(node);
		this.call(node, 'media.close', { roomId }).catch(() => {});
		for (const other of this.#opened.keys()) this.call(other, 'media.dropPeer', { roomId, peer: node }).catch(() => {});
		return node;
	}

	/**
	 * The room's media on `node` is gone (it died, or no worker there could keep it): its
	 * participants, now registered again on their next call. Empty when nothing was there.
	 */
	lose(node: string, died: boolean): string[] {
		if (died) this.#dead.add(node);
		if (!this.#opened.delete(node) && !died) return [];
		const participants = [...this.#where].filter(([, n]) => n === node).map(([pid]) => pid);
		for (const pid of participants) this.#stale.add(pid);
		return participants;
	}

	/** The room closes: its media ends on every node. */
	close(): void {
		const roomId = this.#o.roomId;
		for (const node of this.#opened.keys()) this.call(node, 'media.close', { roomId }).catch(() => {});
		this.#opened.clear();
		this.#where.clear();
		this.#ready.clear();
		this.#caps.clear();
		this.#homes.clear();
		this.#stale.clear();
	}
}
