import type { types } from 'mediasoup';

/** A router on one worker, with that worker's WebRtcServer for its transports. */
export interface RouterHandle {
	router: types.Router;
	webRtcServer: types.WebRtcServer;
	workerIndex: number;
}

/** How a room grows onto more workers; absent = the room stays on its first router. */
export interface SpillPolicy {
	/** Producers + consumers of this room on one router before newcomers go to another. */
	maxLoadPerRouter: number;
	/** A router on a worker not in `exclude`, or undefined when there is none. */
	addRouter(exclude: number[]): Promise<RouterHandle | undefined>;
}

export interface RouterSlot extends RouterHandle {
	/** Producers + consumers of this room on this router. */
	load: number;
}

/**
 * The routers of one room: the first one (which also hosts the active-speaker observer) and
 * those added when the room outgrew it. Media crosses routers with pipeToRouter, once per
 * producer and target router. Owned by RoomMediaImpl; close() closes every router.
 */
export class RouterSet {
	readonly primary: RouterSlot;
	readonly #slots: RouterSlot[];
	readonly #spill: SpillPolicy | undefined;
	// "<producerId>><workerIndex>" → the pipe in progress or done.
	readonly #pipes = new Map<string, Promise<void>>();
	#adding: Promise<RouterSlot> | undefined;

	constructor(first: RouterHandle, spill: SpillPolicy | undefined) {
		this.primary = { ...first, load: 0 };
		this.#slots = [this.primary];
		this.#spill = spill;
	}

	get size(): number {
		return this.#slots.length;
	}

	routers(): types.Router[] {
		return this.#slots.map((s) => s.router);
	}

	/** Where a newcomer's transports go: the first router below the limit, else a new one. */
	async slotForNewcomer(): Promise<RouterSlot> {
		const spill = this.#spill;
		if (!spill) return this.primary;
		const open = this.#slots.find((s) => s.load < spill.maxLoadPerRouter);
		if (open) return open;
		// One addition at a time: a burst of joins shares the new router.
		this.#adding ??= this.#add(spill).finally(() => { this.#adding = undefined; });
		return this.#adding;
	}

	async #add(spill: SpillPolicy): Promise<RouterSlot> {
		const handle = await spill.addRouter(this.#slots.map((s) => s.workerIndex));
		if (!handle) return this.#slots.reduce((a, b) => (b.load < a.load ? b : a));
		const slot: RouterSlot = { ...handle, load: 0 };
		this.#slots.push(slot);
		return slot;
	}

	/** Makes `producerId` (living on `from`) consumable on `to`; idempotent and shared. */
	async pipe(producerId: string, from: RouterSlot, to: RouterSlot): Promise<void> {
		if (from === to) return;
		const key = `${producerId}>${to.workerIndex}`;
		let done = this.#pipes.get(key);
		if (!done) {
			done = from.router.pipeToRouter({ producerId, router: to.router, keepId: true }).then(({ pipeProducer }) => {
				pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
			});
			done.catch(() => this.#pipes.delete(key));
			this.#pipes.set(key, done);
		}
		await done;
	}

	/** Counts a producer or consumer against its router's load until it closes. */
	track(slot: RouterSlot, o: { observer: { once(e: 'close', f: () => void): unknown } }): void {
		slot.load++;
		o.observer.once('close', () => slot.load--);
	}

	close(): void {
		for (const s of this.#slots) s.router.close();
		this.#pipes.clear();
	}
}
