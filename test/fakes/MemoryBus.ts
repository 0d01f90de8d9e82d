import { type ErrorCode, PlenumError } from '../../server/shared/errors.js';
import type { ClusterBus } from '../../server/cluster/types.js';
import type { Json } from '../../server/protocol/media.js';

type Served = (params: Json, from: string) => Promise<Json>;

/**
 * Unit tests only: the ClusterBus of several nodes in one process. Every call and message goes
 * through JSON (as over Redis) and is delivered asynchronously, in order per sender and
 * receiver; a thrown PlenumError comes back as its code. A cut node answers nothing.
 */
export class MemoryHub {
	readonly #served = new Map<string, Map<string, Served>>();
	readonly #topics = new Map<string, Map<string, Array<(data: Json, from: string) => void>>>();
	readonly #cut = new Set<string>();

	bus(nodeId: string): ClusterBus {
		this.#served.set(nodeId, new Map());
		this.#topics.set(nodeId, new Map());
		return {
			nodeId,
			call: (to, method, params) => this.#call(nodeId, to, method, params),
			serve: (method, fn) => { this.#served.get(nodeId)?.set(method, fn); },
			send: (to, topic, data) => this.#send(nodeId, to, topic, data),
			onMessage: (topic, fn) => {
				const topics = this.#topics.get(nodeId) as Map<string, Array<(data: Json, from: string) => void>>;
				topics.set(topic, [...(topics.get(topic) ?? []), fn]);
			},
		};
	}

	/** The node is gone: nothing reaches it, nothing it sends arrives. */
	cut(nodeId: string): void {
		this.#cut.add(nodeId);
	}

	async #call(from: string, to: string, method: string, params: Json): Promise<Json> {
		const wire = JSON.stringify(params ?? null);
		await new Promise((ok) => setImmediate(ok));
		const fn = this.#served.get(to)?.get(method);
		if (!fn || this.#cut.has(to) || this.#cut.has(from)) throw new PlenumError('PLN_NO_WORKER');
		try {
			const answer = await fn(JSON.parse(wire), from);
			return JSON.parse(JSON.stringify(answer ?? null));
		} catch (err) {
			if (err instanceof PlenumError) throw new PlenumError(err.code as ErrorCode);
			throw new PlenumError('PLN_INTERNAL');
		}
	}

	#send(from: string, to: string, topic: string, data: Json): void {
		const wire = JSON.stringify(data ?? null);
		setImmediate(() => {
			if (this.#cut.has(to) || this.#cut.has(from)) return;
			for (const fn of this.#topics.get(to)?.get(topic) ?? []) fn(JSON.parse(wire), from);
		});
	}
}
