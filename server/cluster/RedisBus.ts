import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../observability/log.js';
import type { Json } from '../protocol/media.js';
import { ERRORS, type ErrorCode, PlenumError } from '../shared/errors.js';
import { keys } from './roomKey.js';
import { CALL_TIMEOUT_MS, type ClusterBus } from './types.js';

/** How a call ended, for plenum_cluster_calls_total{result}. */
export type CallResult = 'ok' | 'error' | 'unavailable' | 'timeout';

export interface RedisBusOptions {
	nodeId: string;
	/** The command connection (publishes). */
	pub: Redis;
	/** The subscriber connection (subscribed to this node's channel by the caller). */
	sub: Redis;
	/** False while Redis is unreachable: calls fail at once. */
	isUp: () => boolean;
	log: Logger;
	onCall: (result: CallResult) => void;
}

/** Far above any relay payload or room state; a bigger message is dropped unread. */
const MAX_MESSAGE_CHARS = 4_000_000;
const NodeId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const Name = z.string().min(1).max(100);
const CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];
const Envelope = z.discriminatedUnion('t', [
	z.object({ t: z.literal('call'), id: z.number().int().min(0), from: NodeId, method: Name, params: z.unknown() }),
	z.object({ t: z.literal('answer'), id: z.number().int().min(0), from: NodeId, result: z.unknown(), code: z.enum(CODES).optional() }),
	z.object({ t: z.literal('msg'), from: NodeId, topic: Name, data: z.unknown() }),
]);
type Envelope = z.infer<typeof Envelope>;

interface Pending {
	to: string;
	ok: (v: Json) => void;
	fail: (e: PlenumError) => void;
	timer: NodeJS.Timeout;
}

/**
 * Node-to-node calls and one-way messages over Redis pub/sub: every node listens on
 * `pln:to:<id>`; a call is answered on the caller's channel by id. Owned by Cluster.
 */
export class RedisBus implements ClusterBus {
	readonly nodeId: string;
	readonly #o: RedisBusOptions;
	readonly #pending = new Map<number, Pending>();
	readonly #served = new Map<string, (params: Json, from: string) => Promise<Json>>();
	readonly #topics = new Map<string, Array<(data: Json, from: string) => void>>();
	#seq = 0;

	constructor(o: RedisBusOptions) {
		this.#o = o;
		this.nodeId = o.nodeId;
		o.sub.on('message', (channel: string, text: string) => {
			if (channel === keys.channel(o.nodeId)) this.#receive(text);
		});
	}

	call(to: string, method: string, params: Json): Promise<Json> {
		if (!this.#o.isUp()) return this.#failNow('unavailable');
		const id = this.#seq++;
		return new Promise<Json>((ok, fail) => {
			const timer = setTimeout(() => this.#settle(id, 'timeout'), CALL_TIMEOUT_MS);
			this.#pending.set(id, { to, ok, fail, timer });
			this.#publish(to, { t: 'call', id, from: this.nodeId, method, params })
				// PUBLISH answers with the number of receivers: none means the node is gone.
				.then((n) => { if (n === 0) this.#settle(id, 'unavailable'); })
				.catch(() => this.#settle(id, 'unavailable'));
		});
	}

	serve(method: string, fn: (params: Json, from: string) => Promise<Json>): void {
		this.#served.set(method, fn);
	}

	send(to: string, topic: string, data: Json): void {
		this.#publish(to, { t: 'msg', from: this.nodeId, topic, data }).catch((err: unknown) => {
			this.#o.log.warn({ topic, code: 'PLN_CLUSTER_UNAVAILABLE', err }, 'cluster message not sent');
		});
	}

	onMessage(topic: string, fn: (data: Json, from: string) => void): void {
		this.#topics.set(topic, [...(this.#topics.get(topic) ?? []), fn]);
	}

	/** Fails every call still waiting (Redis went down, or the cluster closes). */
	failPending(): void {
		for (const id of [...this.#pending.keys()]) this.#settle(id, 'unavailable');
	}

	#failNow(result: CallResult): Promise<never> {
		this.#o.onCall(result);
		return Promise.reject(new PlenumError('PLN_CLUSTER_UNAVAILABLE'));
	}

	#publish(to: string, msg: Envelope): Promise<number> {
		return this.#o.pub.publish(keys.channel(to), JSON.stringify(msg));
	}

	#settle(id: number, result: CallResult, value?: Json, code?: ErrorCode): void {
		const p = this.#pending.get(id);
		if (!p) return;
		this.#pending.delete(id);
		clearTimeout(p.timer);
		this.#o.onCall(result);
		if (result === 'ok') p.ok(value);
		else p.fail(new PlenumError(code ?? 'PLN_CLUSTER_UNAVAILABLE'));
	}

	#receive(text: string): void {
		let parsed: z.ZodSafeParseResult<Envelope> | undefined;
		try {
			parsed = text.length <= MAX_MESSAGE_CHARS ? Envelope.safeParse(JSON.parse(text)) : undefined;
		} catch {
			parsed = undefined;
		}
		if (!parsed?.success) {
			this.#o.log.warn({ code: 'PLN_INVALID_MESSAGE' }, 'cluster message refused: not a valid envelope');
			return;
		}
		const m = parsed.data;
		if (m.t === 'answer') {
			// Only the node called may answer the call.
			if (this.#pending.get(m.id)?.to !== m.from) return;
			this.#settle(m.id, m.code ? 'error' : 'ok', m.result, m.code);
		} else if (m.t === 'call') {
			void this.#serve(m.id, m.from, m.method, m.params);
		} else {
			for (const fn of this.#topics.get(m.topic) ?? []) {
				try {
					fn(m.data, m.from);
				} catch (err) {
					this.#o.log.error({ topic: m.topic, err }, 'cluster message handler threw');
				}
			}
		}
	}

	async #serve(id: number, from: string, method: string, params: Json): Promise<void> {
		const fn = this.#served.get(method);
		let answer: Envelope;
		try {
			if (!fn) throw new PlenumError('PLN_INTERNAL');
			answer = { t: 'answer', id, from: this.nodeId, result: await fn(params, from) };
		} catch (err) {
			const code = err instanceof PlenumError ? err.code : 'PLN_INTERNAL';
			if (!(err instanceof PlenumError) || !fn) this.#o.log.error({ method, node: from, err }, 'cluster call failed here');
			answer = { t: 'answer', id, from: this.nodeId, result: null, code };
		}
		this.#publish(from, answer).catch((err: unknown) => {
			this.#o.log.warn({ method, code: 'PLN_CLUSTER_UNAVAILABLE', err }, 'cluster answer not sent');
		});
	}
}
