import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ClusterBus } from '../cluster/types.js';
import type { Logger } from '../observability/log.js';
import type { Ack } from '../protocol/responses.js';
import { PlenumError, toWireError } from '../shared/errors.js';
import type { SessionSocket } from './Session.js';

/**
 * The socket relay between a client's home node and its room's owner (docs/cluster.md): the
 * home node forwards every request of the socket as it came; the owner runs it through the
 * same gateway checks on a Session whose socket is a RelaySocket, and sends answers and
 * pushes back. Messages are RelayMessage (server/cluster/types.ts), validated on arrival.
 */
export const RELAY_TOPIC = 'relay';
/** Relayed connections one home node may hold open at another node. */
const MAX_RELAYED_PER_HOME = 5_000;
/** A relayed request unanswered this long fails (the owner is gone or overloaded). */
const RELAY_TIMEOUT_MS = 15_000;

const Conn = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const Message = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('request'), conn: Conn, id: z.number().int().min(0), event: z.string().max(64), payload: z.unknown() }),
	z.object({ kind: z.literal('answer'), conn: Conn, id: z.number().int().min(0), answer: z.unknown() }),
	z.object({ kind: z.literal('push'), conn: Conn, event: z.string().max(64), data: z.unknown() }),
	z.object({ kind: z.literal('closed'), conn: Conn }),
]);
type Message = z.infer<typeof Message>;

/** The home side of one relayed socket. */
export class RelayedSocket {
	readonly conn = randomBytes(12).toString('base64url');
	readonly owner: string;
	#nextId = 0;
	readonly #pending = new Map<number, { done: (a: Ack<unknown>) => void; timer: NodeJS.Timeout }>();
	#closed = false;
	readonly #bus: ClusterBus;
	readonly #socket: SessionSocket;
	readonly #onClose: () => void;

	constructor(bus: ClusterBus, owner: string, socket: SessionSocket, onClose: () => void) {
		this.#bus = bus;
		this.owner = owner;
		this.#socket = socket;
		this.#onClose = onClose;
	}

	forward(event: string, payload: unknown): Promise<Ack<unknown>> {
		if (this.#closed) return Promise.resolve({ ok: false, error: toWireError(new PlenumError('PLN_STATE_CLOSED')) });
		const id = this.#nextId++;
		return new Promise((done) => {
			const timer = setTimeout(() => this.#answer(id, { ok: false, error: toWireError(new PlenumError('PLN_CLUSTER_UNAVAILABLE')) }), RELAY_TIMEOUT_MS);
			this.#pending.set(id, { done, timer });
			this.#bus.send(this.owner, RELAY_TOPIC, { kind: 'request', conn: this.conn, id, event, payload: payload ?? {} });
		});
	}

	/** A message of the owner for this socket. */
	receive(m: Message): void {
		if (m.kind === 'answer') this.#answer(m.id, m.answer as Ack<unknown>);
		else if (m.kind === 'push') this.#socket.emit(m.event, m.data);
		else if (m.kind === 'closed') this.close(false);
	}

	/** The client went away (tell the owner) or the owner did (close the client's socket: it resumes). */
	close(tellOwner: boolean): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const id of [...this.#pending.keys()]) this.#answer(id, { ok: false, error: toWireError(new PlenumError('PLN_CLUSTER_UNAVAILABLE')) });
		if (tellOwner) this.#bus.send(this.owner, RELAY_TOPIC, { kind: 'closed', conn: this.conn });
		else this.#socket.disconnect(true);
		this.#onClose();
	}

	#answer(id: number, a: Ack<unknown>): void {
		const p = this.#pending.get(id);
		if (!p) return;
		this.#pending.delete(id);
		clearTimeout(p.timer);
		p.done(a);
	}
}

/** What the owner side needs of the gateway: a Session on a socket, and one request run through it. */
export interface RelayHostDeps {
	bus: ClusterBus;
	log: Logger;
	open(socket: SessionSocket, home: string): { handle(event: string, payload: unknown): Promise<Ack<unknown>>; dropped(): void };
}

/** Both sides of the relay on one node: the sockets it relays out, the sessions it hosts for others. */
export class Relay {
	readonly #out = new Map<string, RelayedSocket>();
	readonly #hosted = new Map<string, { session: ReturnType<RelayHostDeps['open']>; socket: HostSocket }>();
	readonly #d: RelayHostDeps;

	constructor(d: RelayHostDeps) {
		this.#d = d;
		d.bus.onMessage(RELAY_TOPIC, (data, from) => {
			const m = Message.safeParse(data);
			if (!m.success) return d.log.warn({ node: from }, 'relay message refused');
			const key = `${from}/${m.data.conn}`;
			if (m.data.kind === 'request') this.#request(key, from, m.data);
			else if (m.data.kind === 'closed' && this.#hosted.has(key)) this.#hostedClosed(key);
			else this.#out.get(m.data.conn)?.receive(m.data);
		});
	}

	/** Starts relaying `socket` to `owner`. */
	relay(owner: string, socket: SessionSocket): RelayedSocket {
		const r = new RelayedSocket(this.#d.bus, owner, socket, () => this.#out.delete(r.conn));
		this.#out.set(r.conn, r);
		return r;
	}

	/** The owner `nodeId` died or gave its rooms away: close those sockets, their clients resume. */
	ownerGone(nodeId: string, roomFilter?: (r: RelayedSocket) => boolean): void {
		for (const r of [...this.#out.values()]) if (r.owner === nodeId && (!roomFilter || roomFilter(r))) r.close(false);
	}

	/** A home node died: the sessions it relayed here drop (their participants wait for a resume). */
	homeGone(nodeId: string): void {
		for (const key of [...this.#hosted.keys()]) if (key.startsWith(`${nodeId}/`)) this.#hostedClosed(key);
	}

	/** Every relayed-out socket (for a drain or a dead owner). */
	get relayed(): number {
		return this.#out.size;
	}

	#request(key: string, home: string, m: Extract<Message, { kind: 'request' }>): void {
		let h = this.#hosted.get(key);
		if (!h) {
			// Refused at once (not left to the home node's timeout): the client hears why.
			if ([...this.#hosted.keys()].filter((k) => k.startsWith(`${home}/`)).length >= MAX_RELAYED_PER_HOME) {
				return void this.#d.bus.send(home, RELAY_TOPIC, { kind: 'answer', conn: m.conn, id: m.id, answer: { ok: false, error: toWireError(new PlenumError('PLN_CLUSTER_UNAVAILABLE')) } });
			}
			const socket = new HostSocket(this.#d.bus, home, m.conn, () => this.#hostedClosed(key));
			h = { socket, session: this.#d.open(socket, home) };
			this.#hosted.set(key, h);
		}
		const { socket, session } = h;
		void session.handle(m.event, m.payload).then((answer) => socket.answer(m.id, answer));
	}

	#hostedClosed(key: string): void {
		const h = this.#hosted.get(key);
		if (!h) return;
		this.#hosted.delete(key);
		h.socket.connected = false;
		h.session.dropped();
	}
}

/** The owner's stand-in for a client socket on another node. */
class HostSocket implements SessionSocket {
	connected = true;
	readonly #bus: ClusterBus;
	readonly #home: string;
	readonly #conn: string;
	readonly #onClosed: () => void;

	constructor(bus: ClusterBus, home: string, conn: string, onClosed: () => void) {
		this.#bus = bus;
		this.#home = home;
		this.#conn = conn;
		this.#onClosed = onClosed;
	}

	emit(event: string, data?: unknown): boolean {
		if (this.connected) this.#bus.send(this.#home, RELAY_TOPIC, { kind: 'push', conn: this.#conn, event, data: data ?? {} });
		return this.connected;
	}

	answer(id: number, answer: Ack<unknown>): void {
		this.#bus.send(this.#home, RELAY_TOPIC, { kind: 'answer', conn: this.#conn, id, answer });
	}

	disconnect(): this {
		if (!this.connected) return this;
		this.connected = false;
		this.#bus.send(this.#home, RELAY_TOPIC, { kind: 'closed', conn: this.#conn });
		this.#onClosed();
		return this;
	}
}
