import { randomInt } from 'node:crypto';
import type { RoomMedia } from '../../sfu-workers/types.js';
import type { Logger } from '../observability/log.js';
import { roomRef } from '../observability/redact.js';
import type { RoomId } from '../shared/ids.js';
import { PlenumError } from '../shared/errors.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { CloseReason } from './CloseReason.js';
import type { Participant } from './Participant.js';
import { Room, type RoomOptions } from './Room.js';
import { type RoomState, restoreRoom } from './RoomState.js';

/** What metrics learn of a closed room: counts and times only, never its id. */
export interface RoomSummary {
	reason: CloseReason;
	openSeconds: number;
	peakParticipants: number;
}

export type RoomRegistryObserverEvents = {
	/** After a room was created and registered. */
	roomOpened: [];
	/** After a room closed and left the registry. */
	roomClosed: [summary: RoomSummary];
};

/** Where rooms get their media; the WorkerPool in production (ClusterRoomMedia's provider in cluster mode), a fake in unit tests. */
export interface MediaProvider {
	/** `restored`: the room comes back from replicated state (cluster mode: its media may be adopted). */
	createRoomMedia(log: Logger, roomId: RoomId, restored?: boolean): Promise<RoomMedia>;
}

/** Random draws for a free dial-in PIN before giving up. */
const PIN_TRIES = 32;

/** Cluster mode: a room's state may come from Redis (a dead or draining owner's), and an opened room is watched. */
export interface RegistryHooks {
	/** The replicated state of `id`, if another owner left one. */
	stateOf(id: RoomId): Promise<RoomState | undefined>;
	/** Right after a room opened here (registered, not yet joined). */
	opened(room: Room): void;
}

/** Cluster mode: PINs unique across the nodes (server/cluster/RoomKeys.ts; claim is SET NX, renewed until release). */
export interface ClusterPinStore {
	/** Takes `pin` for `roomId` (or keeps it: a restored room); false if another open room has it. */
	claim(pin: string, roomId: string): Promise<boolean>;
	release(pin: string): Promise<void>;
}

export interface RegistryLimits {
	maxRooms: number;
	/** Digits of each room's dial-in PIN; undefined when dial-in is off. */
	dialInPinDigits?: number;
}

/**
 * All open rooms, in memory. A room is created by its first join and removed from the map
 * when it closes: after that nothing in the process refers to it.
 */
export class RoomRegistry {
	readonly #rooms = new Map<RoomId, Room>();
	// One pending creation per room id, so two simultaneous first joins share one room.
	readonly #creating = new Map<RoomId, Promise<Room>>();
	readonly #media: MediaProvider;
	readonly #opts: RoomOptions;
	readonly #log: Logger;

	readonly #limits: RegistryLimits;
	// Dial-in PIN → open room; a PIN is unique among open rooms and freed when its room closes.
	readonly #pins = new Map<string, Room>();
	/** For metrics only: never acts on rooms (STYLE.md §3). */
	readonly observer = new TypedEmitter<RoomRegistryObserverEvents>();
	/** Set by drain(): no new rooms; resolved once the last room has closed. */
	#drained: { promise: Promise<void>; resolve: () => void } | undefined;
	/** Set in cluster mode (server/cluster/ClusterRooms.ts). */
	hooks: RegistryHooks | undefined;
	/** Set in cluster mode (server/cluster/clusterNode.ts); unset, PINs are unique on this node only. */
	clusterPins: ClusterPinStore | undefined;

	constructor(media: MediaProvider, opts: RoomOptions, log: Logger, limits: RegistryLimits = { maxRooms: Number.POSITIVE_INFINITY }) {
		this.#media = media;
		this.#opts = opts;
		this.#limits = limits;
		this.#log = log;
	}

	/** The open room, or the one being opened (a take-over restoring it): never opens one. */
	async find(id: RoomId): Promise<Room | undefined> {
		const open = this.get(id);
		if (open) return open;
		return this.#creating.get(id)?.catch(() => undefined);
	}

	async getOrCreate(id: RoomId): Promise<Room> {
		const open = this.#rooms.get(id);
		if (open && !open.closed) return open;
		const pending = this.#creating.get(id);
		if (pending) return pending;
		const creation = this.#create(id).finally(() => {
			this.#creating.delete(id);
			this.#checkDrained();
		});
		this.#creating.set(id, creation);
		return creation;
	}

	async #create(id: RoomId): Promise<Room> {
		if (this.#drained) throw new PlenumError('PLN_DRAINING');
		if (this.#rooms.size >= this.#limits.maxRooms) throw new PlenumError('PLN_TOO_MANY_ROOMS');
		// The room id may be a name a user chose: logs get a keyed hash instead.
		const log = this.#log.child({ room: roomRef(id) });
		const state = await this.hooks?.stateOf(id);
		const media = await this.#media.createRoomMedia(log, id, state !== undefined);
		// The PIN comes before the Room (and its timers): a room refused for want of one leaves nothing.
		let pin: string | undefined;
		try {
			pin = this.clusterPins ? await this.#clusterPin(id, state?.dialInPin ?? undefined, state !== undefined)
				: state ? (state.dialInPin ?? undefined) : this.#limits.dialInPinDigits ? this.#newPin(this.#limits.dialInPinDigits) : undefined;
		} catch (err) {
			media.close();
			throw err;
		}
		const room = state ? restoreRoom(id, media, this.#opts, log, state) : new Room(id, media, this.#opts, log);
		this.#rooms.set(id, room);
		if (pin) {
			room.dialInPin = pin;
			this.#pins.set(pin, room);
		}
		room.once('closed', (reason) => {
			if (this.#rooms.get(id) === room) this.#rooms.delete(id);
			if (room.dialInPin) {
				this.#pins.delete(room.dialInPin);
				// A handed-over room keeps its PIN in Redis (RoomKeys' release checks the owner).
				this.clusterPins?.release(room.dialInPin).catch((err: unknown) => log.warn({ err }, 'dial-in PIN not released'));
			}
			this.observer.safeEmit('roomClosed', { reason, openSeconds: (Date.now() - room.openedAt) / 1000, peakParticipants: room.peakSize });
			this.#checkDrained();
		});
		log.info({ worker: media.workerIndex }, 'room opened');
		if (state) log.info('room state restored from the cluster');
		this.hooks?.opened(room);
		this.observer.safeEmit('roomOpened');
		return room;
	}

	/**
	 * A random PIN no open room has, or PLN_DIAL_IN_PIN_UNAVAILABLE. A try fails with the share
	 * of PINs taken; the config keeps MAX_ROOMS far below the PIN space (server/sip/pinStrength.ts),
	 * so PIN_TRIES failures in a row mean the space is nearly full, never bad luck.
	 */
	#newPin(digits: number): string {
		const space = 9 * 10 ** (digits - 1);
		for (let i = 0; i < PIN_TRIES && this.#pins.size < space; i++) {
			const pin = String(randomInt(10 ** (digits - 1), 10 ** digits));
			if (!this.#pins.has(pin)) return pin;
		}
		throw new PlenumError('PLN_DIAL_IN_PIN_UNAVAILABLE');
	}

	/**
	 * Cluster mode: a restored room keeps its PIN (claimed again, so this node renews it); a new
	 * room draws PINs until one is free in the whole cluster. A restored room whose PIN another
	 * room took meanwhile (its key expired) gets a new one.
	 */
	async #clusterPin(id: RoomId, kept: string | undefined, restored: boolean): Promise<string | undefined> {
		const store = this.clusterPins;
		if (!store) return undefined;
		if (kept && (await store.claim(kept, id))) return kept;
		const digits = this.#limits.dialInPinDigits;
		if (!digits || (restored && !kept)) return undefined;
		for (let i = 0; i < PIN_TRIES; i++) {
			const pin = this.#newPin(digits);
			if (await store.claim(pin, id)) return pin;
		}
		throw new PlenumError('PLN_DIAL_IN_PIN_UNAVAILABLE');
	}

	/** The open room with this dial-in PIN. */
	byPin(pin: string): Room | undefined {
		const room = this.#pins.get(pin);
		return room && !room.closed ? room : undefined;
	}

	/** An open room, without creating one (resume must not resurrect a closed room). */
	get(id: RoomId): Room | undefined {
		const room = this.#rooms.get(id);
		return room && !room.closed ? room : undefined;
	}

	/**
	 * Stops creating rooms (new ones get PLN_DRAINING; joins to open rooms still work) and
	 * resolves once every open room has closed. Idempotent: later calls get the same promise.
	 */
	drain(): Promise<void> {
		if (!this.#drained) {
			let resolve = () => {};
			const promise = new Promise<void>((ok) => { resolve = ok; });
			this.#drained = { promise, resolve };
			this.#checkDrained();
		}
		return this.#drained.promise;
	}

	get draining(): boolean {
		return this.#drained !== undefined;
	}

	/** False when MAX_ROOMS rooms are open: a new room would be refused. */
	get hasCapacity(): boolean {
		return this.#rooms.size < this.#limits.maxRooms;
	}

	// A room still being created counts: it will open and must be waited for.
	#checkDrained(): void {
		if (this.#drained && this.#rooms.size === 0 && this.#creating.size === 0) this.#drained.resolve();
	}

	get size(): number {
		return this.#rooms.size;
	}

	/** Participants in open rooms, by kind. */
	participants(): Record<Participant['kind'], number> {
		const n = { browser: 0, phone: 0 };
		for (const r of this.#rooms.values()) for (const p of r.participants()) n[p.kind]++;
		return n;
	}

	/** The open rooms (a cluster drain hands them over). */
	openRooms(): Room[] {
		return [...this.#rooms.values()].filter((r) => !r.closed);
	}

	closeAll(reason: CloseReason): void {
		for (const r of [...this.#rooms.values()]) r.close(reason);
	}
}
