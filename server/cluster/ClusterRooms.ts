import { z } from 'zod';
import type { Logger } from '../observability/log.js';
import { roomRef } from '../observability/redact.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { RoomStateSchema, exportRoomState } from '../rooms/RoomState.js';
import { PlenumError } from '../shared/errors.js';
import { type RoomId, asRoomId } from '../shared/ids.js';
import type { Cluster } from './Cluster.js';

/** Changes within this window are saved once: a join sends several at once. */
const SAVE_DEBOUNCE_MS = 50;
/** Rounds of "read the owner, act" before a placement gives up (two nodes racing for a room). */
const PLACEMENT_TRIES = 4;
const RoomOpen = z.object({ roomId: z.string().min(1).max(128) });

/**
 * Which node owns which room, decided by leases in Redis only (never by a client): places a
 * new room on the least-loaded live node, takes over a dead owner's room from its replicated
 * state, keeps that state current while the room is open here, and releases every key of the
 * room at its close.
 */
export class ClusterRooms {
	readonly #cluster: Cluster;
	readonly #registry: RoomRegistry;
	readonly #log: Logger;
	/** Rooms given to another node (a drain): their close here must not release the new owner's keys. */
	readonly #handedOver = new Set<string>();

	constructor(cluster: Cluster, registry: RoomRegistry, log: Logger) {
		this.#cluster = cluster;
		this.#registry = registry;
		this.#log = log;
		registry.hooks = { stateOf: (id) => this.#stateOf(id), opened: (room) => this.#watch(room) };
		cluster.serve('room.open', async (params) => {
			const { roomId } = RoomOpen.parse(params);
			return { owner: await this.#openHere(asRoomId(roomId)) };
		});
	}

	/**
	 * Where a join, resume or knock for `roomId` goes: undefined = this node (it owns the room,
	 * or the local path answers with the right error), else the owner's node id.
	 */
	async where(roomId: string, create: boolean): Promise<string | undefined> {
		const c = this.#cluster;
		for (let i = 0; i < PLACEMENT_TRIES; i++) {
			const owner = await c.owner(roomId);
			if (owner === c.nodeId) {
				// Ours (a hand-over, or a call that failed half-way) but not open here: open it.
				if (!this.#registry.get(asRoomId(roomId))) await this.#registry.getOrCreate(asRoomId(roomId));
				return undefined;
			}
			if (owner) {
				if (await c.isAlive(owner)) return owner;
				if (await c.takeOver(roomId, owner)) {
					c.countFailover();
					this.#log.info({ room: roomRef(roomId) }, 'room taken over from a dead node');
					await this.#registry.getOrCreate(asRoomId(roomId));
					return undefined;
				}
				continue;
			}
			if (!create && (await c.load(roomId)) === undefined) return undefined;
			const target = c.live().find((n) => !n.draining);
			if (!target || target.id === c.nodeId) {
				const owner = await this.#openHere(asRoomId(roomId));
				if (owner === c.nodeId) return undefined;
				continue;
			}
			let answer: { owner: string };
			try {
				answer = z.object({ owner: z.string() }).parse(await c.call(target.id, 'room.open', { roomId }));
			} catch (err) {
				// The target died and is not yet known dead (its heartbeat lives 5 s): open the room here.
				this.#log.info({ err, node: target.id }, 'room not opened on the least-loaded node; opening it here');
				const owner = await this.#openHere(asRoomId(roomId));
				if (owner === c.nodeId) return undefined;
				continue;
			}
			return answer.owner === c.nodeId ? undefined : answer.owner;
		}
		throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
	}

	/** Claims the room and opens it here (restoring its state if it has one); the owner either way. */
	async #openHere(id: RoomId): Promise<string | undefined> {
		const c = this.#cluster;
		if (!(await c.claim(id))) {
			const owner = await c.owner(id);
			if (owner !== c.nodeId) return owner;
		}
		await this.#registry.getOrCreate(id);
		return c.nodeId;
	}

	async #stateOf(id: RoomId) {
		const json = await this.#cluster.load(id);
		if (json === undefined) return undefined;
		const state = RoomStateSchema.safeParse(json);
		if (!state.success) this.#log.warn({ room: roomRef(id) }, 'replicated room state refused');
		return state.success ? state.data : undefined;
	}

	#watch(room: Room): void {
		let timer: NodeJS.Timeout | undefined;
		const save = () => {
			timer = undefined;
			if (!room.closed) void this.#cluster.save(room.id, exportRoomState(room)).catch((err: unknown) => this.#log.warn({ err, room: roomRef(room.id) }, 'room state not saved'));
		};
		room.on('changed', () => {
			timer ??= setTimeout(save, SAVE_DEBOUNCE_MS);
		});
		save();
		room.once('closed', () => {
			clearTimeout(timer);
			if (this.#handedOver.delete(room.id)) return;
			void this.#cluster.release(room.id).catch((err: unknown) => this.#log.warn({ err, room: roomRef(room.id) }, 'room keys not released'));
		});
	}

	/** Saves a room's state now and gives its lease to `to` (a drain); true if `to` owns it now. */
	async handOver(room: Room, to: string): Promise<boolean> {
		await this.#cluster.save(room.id, exportRoomState(room));
		if (!(await this.#cluster.handOver(room.id, to))) return false;
		this.#handedOver.add(room.id);
		this.#cluster.countMigration();
		await this.#cluster.call(to, 'room.open', { roomId: room.id });
		return true;
	}
}
