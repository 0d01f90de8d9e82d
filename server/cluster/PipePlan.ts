import type { Json } from '../../sfu-workers/types.js';
import { PlenumError } from '../shared/errors.js';
import { MEDIA_ANSWERS, type MediaMethod, parseAnswer as parse } from './mediaRpc.js';

export interface PipePlanOptions {
	roomId: string;
	/** A bus call on `node` (on this node: the local agent). */
	call(node: string, method: MediaMethod, params: Record<string, Json>): Promise<Json>;
	/** The room's media is open on `node`. */
	open(node: string): Promise<unknown>;
}

/**
 * The owner's record of a room's pipes between nodes: which producer is piped to which node,
 * each set up once (concurrent consumes share it). Setting one up takes three calls: the
 * consumer's node opens its end, the producer's node connects to it and sends the producer,
 * the consumer's node connects back and re-creates the producer under the same id.
 */
export class PipePlan {
	readonly #o: PipePlanOptions;
	/** "<producerId>><node>" → the pipe of that producer to that node, made or in progress. */
	readonly #pipes = new Map<string, Promise<void>>();

	constructor(o: PipePlanOptions) {
		this.#o = o;
	}

	/** Pipes `producerId` from node `from` to node `to`, once. */
	ensure(producerId: string, from: string, to: string): Promise<void> {
		const key = `${producerId}>${to}`;
		let pipe = this.#pipes.get(key);
		if (!pipe) {
			// A stale end on the consumer's node is dropped there (PLN_STATE_CLOSED): start over once.
			pipe = this.#setUp(producerId, from, to).catch((err) => {
				if (err instanceof PlenumError && err.code === 'PLN_STATE_CLOSED') return this.#setUp(producerId, from, to);
				throw err;
			});
			const mine = pipe;
			mine.catch(() => { if (this.#pipes.get(key) === mine) this.#pipes.delete(key); });
			this.#pipes.set(key, pipe);
		}
		return pipe;
	}

	async #setUp(producerId: string, from: string, to: string): Promise<void> {
		const { roomId, call, open } = this.#o;
		await Promise.all([open(from), open(to)]);
		const remote = parse(MEDIA_ANSWERS.pipeTuple, await call(to, 'media.pipeLink', { roomId, peer: from }));
		const out = parse(MEDIA_ANSWERS.pipeOut, await call(from, 'media.pipeOut', { roomId, producerId, peer: to, remote }));
		await call(to, 'media.pipeIn', { roomId, peer: from, remote: out.tuple, producer: out.producer });
	}

	/** The pipe ended on `to` (its link dropped); the next consume makes it again. */
	forget(producerId: string, to: string): void {
		this.#pipes.delete(`${producerId}>${to}`);
	}

	forgetProducer(producerId: string): void {
		for (const key of [...this.#pipes.keys()]) if (key.startsWith(`${producerId}>`)) this.#pipes.delete(key);
	}

	/** Pipes to `node` (its media of the room ended, or it died). */
	forgetNode(node: string): void {
		for (const key of [...this.#pipes.keys()]) if (key.endsWith(`>${node}`)) this.#pipes.delete(key);
	}

	clear(): void {
		this.#pipes.clear();
	}
}
