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
	/** A router on a live worker not in `exclude`, or undefined when there is none. */
	addRouter(exclude: number[]): Promise<RouterHandle | undefined>;
}

export interface RouterSlot extends RouterHandle {
	/** Producers + consumers of this room on this router. */
	load: number;
}

/**
 * The routers of one room: the primary one (which also hosts the active-speaker observer) and
 * those added when the room outgrew it. Media crosses routers with pipeToRouter, once per
 * producer and target router. Owned by RoomMediaImpl; close() closes every router. When a
 * worker dies its router is removed, and a new primary is chosen if it was the primary.
 */
export class RouterSet {
	#primary: RouterSlot;
	readonly #slots: RouterSlot[];
	readonly #spill: SpillPolicy | undefined;
	// "<producerId>><routerId>" → the pipe in progress or done.
	readonly #pipes = new Map<string, Promise<void>>();
	#adding: Promise<RouterSlot> | undefined;

	constructor(first: RouterHandle, spill: SpillPolicy | undefined) {
		this.#primary = { ...first, load: 0 };
		this.#slots = [this.#primary];
		this.#spill = spill;
	}

	get primary(): RouterSlot {
		return this.#primary;
	}

	get size(): number {
		return this.#slots.length;
	}

	has(slot: RouterSlot): boolean {
		return this.#slots.includes(slot);
	}

	/** Where a newcomer's transports go: the first router below the limit, else a new one. */
	async slotForNewcomer(): Promise<RouterSlot> {
		const spill = this.#spill;
		if (!spill) return this.#primary;
		const open = this.#slots.find((s) => s.load < spill.maxLoadPerRouter);
		if (open) return open;
		// One addition at a time: a burst of joins shares the new router.
		this.#adding ??= this.#add(spill).finally(() => { this.#adding = undefined; });
		return this.#adding;
	}

	async #add(spill: SpillPolicy): Promise<RouterSlot> {
		const handle = await spill.addRouter(this.#slots.map((s) => s.workerIndex));
		if (!handle) return this.#slots.reduce((a, b) => (b.load < a.load ? b : a));
		return this.#push(handle);
	}

	#push(handle: RouterHandle): RouterSlot {
		const slot: RouterSlot = { ...handle, load: 0 };
		this.#slots.push(slot);
		return slot;
	}

	/**
	 * Forgets a router whose worker died (its pipes went with it). Returns false when the room
	 * has no router left.
	 */
	remove(slot: RouterSlot): boolean {
		const i = this.#slots.indexOf(slot);
		if (i < 0) return this.#slots.length > 0;
		this.#slots.splice(i, 1);
		const suffix = `>${slot.router.id}`;
		for (const key of [...this.#pipes.keys()]) if (key.endsWith(suffix)) this.#pipes.delete(key);
		if (slot === this.#primary && this.#slots[0]) this.#primary = this.#slots[0];
		return this.#slots.length > 0;
	}

	/**
	 * After the last router died: a router on a live worker becomes the primary. With one worker,
	 * its replacement takes a moment to start, so this retries every `retryMs` until `deadlineMs`;
	 * undefined when none came (or without a spill policy, or once `cancelled`).
	 */
	async replaceLost(o: { deadlineMs: number; retryMs: number; cancelled: () => boolean }): Promise<RouterSlot | undefined> {
		if (this.#slots.length > 0) return this.#primary;
		const spill = this.#spill;
		if (!spill) return undefined;
		const deadline = Date.now() + o.deadlineMs;
		while (!o.cancelled() && Date.now() < deadline) {
			const handle = await spill.addRouter([]).catch(() => undefined);
			if (handle) {
				this.#primary = this.#push(handle);
				return this.#primary;
			}
			await new Promise((ok) => setTimeout(ok, o.retryMs));
		}
		return undefined;
	}

	/** Makes `producerId` (living on `from`) consumable on `to`; idempotent and shared. */
	async pipe(producerId: string, from: RouterSlot, to: RouterSlot): Promise<void> {
		if (from === to) return;
		const key = `${producerId}>${to.router.id}`;
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
