import type { TokenVerifier } from '../auth/TokenVerifier.js';
import type { Logger } from '../observability/log.js';
import type { IceServer } from '../protocol/media.js';
import type { ServerPush } from '../protocol/events.js';
import type { CloseReason } from '../rooms/CloseReason.js';
import type { Connection, Participant } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { PlenumError } from '../shared/errors.js';
import { TokenBucket } from '../shared/TokenBucket.js';
import { moveSession } from './handlers/breakout.js';
import type { Feature } from '../protocol/limits.js';

// Generous for a real client: a join into a full room (99 others with camera and microphone)
// sends ~200 consume and ~200 resumeConsumer requests, then layer and pause requests for its
// tiles, within seconds; a rebuild after a worker death sends them again. Tight enough that
// one connection cannot keep the server busy.
const REQUEST_BURST = 600;
const REQUESTS_PER_SECOND = 100;
const CHAT_BURST = 5;
const CHAT_PER_SECOND = 1;
// Presentation parts (45 KB each) have their own bucket, so a 30 MiB upload or download
// (~700 parts) neither starves the connection's other requests nor runs faster than ~4.5 MB/s.
const TRANSFER_BURST = 200;
const TRANSFER_PER_SECOND = 100;
/**
 * Requests of one connection awaiting their answer at once. Above the burst, so a client that
 * joins a full room (one consume per producer, all at once) never meets it; it bounds what a
 * connection can queue while the server (or a media worker) is slow, which the rate alone
 * does not: tokens refill whether or not earlier requests were answered.
 */
export const MAX_PENDING_REQUESTS = 512;

export interface SignallingDeps {
	registry: RoomRegistry;
	log: Logger;
	auth: { mode: 'open' | 'token'; verifier: TokenVerifier | undefined };
	/** The dial-in number shown with each room's PIN; undefined when dial-in is off. */
	dialInNumber?: string;
	/** TURN servers with fresh credentials for one transport; absent without TURN. */
	iceServers?: () => IceServer[];
	/** Cluster mode: public URLs of the other live nodes, for the join and resume answers. */
	failoverUrls?: () => string[];
	/** Meeting features turned on (FEATURES); undefined: all. */
	features?: readonly Feature[];
}

/** What a Session needs of its socket.io socket (a test gives a fake). */
export interface SessionSocket {
	readonly connected: boolean;
	emit(event: string, ...args: unknown[]): unknown;
	/** `true` closes the underlying connection, not only the namespace. */
	disconnect(close?: boolean): unknown;
}

/**
 * One socket.io connection's state: which room and participant it is, if any. The room owns
 * the participant; the session only points at it and lets go when the room closes, when the
 * participant leaves, or when a resume binds the participant to another connection.
 *
 * Closed once the socket went away (`dropped`) or a resume elsewhere replaced it: every
 * request after that is refused with PLN_STATE_CLOSED and nothing it does reaches the room.
 */
export class Session {
	readonly socket: SessionSocket;
	readonly deps: SignallingDeps;
	readonly log: Logger;
	#room: Room | undefined;
	#participant: Participant | undefined;
	#closed = false;
	#pending = 0;
	/** Set while a join is in flight, so a second join on the same socket is refused. */
	joining = false;
	/** Set while this connection waits in a room's lobby. */
	knocking: { room: Room; entryId: string } | undefined;
	/** Per-connection limits: every request (presentation parts apart), and chat lines on top. */
	readonly requests = new TokenBucket(REQUEST_BURST, REQUESTS_PER_SECOND);
	readonly chat = new TokenBucket(CHAT_BURST, CHAT_PER_SECOND);
	readonly transfer = new TokenBucket(TRANSFER_BURST, TRANSFER_PER_SECOND);
	/** This connection as the room sees it; its identity is what binds a participant to it. */
	readonly connection: Connection;

	/** `node`: the client's home node when its socket is relayed from another node (cluster mode). */
	constructor(socket: SessionSocket, deps: SignallingDeps, node?: string) {
		this.connection = { notify: (p) => this.push(p), replaced: () => this.#replaced(), node, move: (to, role) => moveSession(this, to, role) };
		this.socket = socket;
		this.deps = deps;
		this.log = deps.log;
	}

	get room(): Room | undefined {
		return this.#room;
	}

	get participant(): Participant | undefined {
		return this.#participant;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Requests awaiting their answer right now. */
	get pending(): number {
		return this.#pending;
	}

	/** After a join or resume: this connection now speaks for `participant`. */
	bind(room: Room, participant: Participant): void {
		if (this.#closed) throw new PlenumError('PLN_STATE_CLOSED');
		this.#room = room;
		this.#participant = participant;
	}

	/**
	 * Runs one request's handler, counted against MAX_PENDING_REQUESTS until it settles;
	 * PLN_STATE_CLOSED after close, PLN_TOO_MANY_PENDING past the bound.
	 */
	async run<T>(handler: () => Promise<T>): Promise<T> {
		if (this.#closed) throw new PlenumError('PLN_STATE_CLOSED');
		if (this.#pending >= MAX_PENDING_REQUESTS) throw new PlenumError('PLN_TOO_MANY_PENDING');
		this.#pending++;
		try {
			return await handler();
		} finally {
			this.#pending--;
		}
	}

	/**
	 * The room and participant, or PLN_STATE_CLOSED / PLN_NOT_JOINED / PLN_ROOM_CLOSED. A
	 * participant that is no longer bound to this connection (resumed elsewhere) is let go.
	 */
	joined(): { room: Room; participant: Participant } {
		if (this.#closed) throw new PlenumError('PLN_STATE_CLOSED');
		const room = this.#room;
		const participant = this.#participant;
		if (!room || !participant) throw new PlenumError('PLN_NOT_JOINED');
		if (room.closed) throw new PlenumError('PLN_ROOM_CLOSED');
		if (!participant.isBoundTo(this.connection)) {
			this.#detach();
			throw new PlenumError('PLN_NOT_JOINED');
		}
		return { room, participant };
	}

	/** Delivers a room push over the socket; a closed room (or a kick) detaches the session. */
	push(p: ServerPush): void {
		if (this.#closed) return;
		this.socket.emit(p.event, p.data);
		if (p.event === 'roomClosed') this.#detach();
	}

	/** The client left on purpose: the participant goes now, no grace period. */
	leave(reason: CloseReason): void {
		const { room, participant } = this.joined();
		this.#detach();
		room.leave(participant.id, reason);
	}

	/**
	 * The socket went away without a leave: the room keeps the participant for a resume, if
	 * this is still the participant's connection. Closes the session; idempotent.
	 */
	dropped(): void {
		if (this.#closed) return;
		this.#closed = true;
		const k = this.knocking;
		if (k?.room.access.cancel(k.entryId)) k.room.toModerators({ event: 'lobbyChanged', data: { waiting: k.room.access.waiting() } });
		this.knocking = undefined;
		if (this.#room && this.#participant) this.#room.disconnect(this.#participant.id, this.connection);
		this.#detach();
	}

	/**
	 * A resume on another connection took the participant over (its client froze or lost the
	 * network while this TCP connection stayed open). Let go first, then close the socket: its
	 * disconnect, now or after a ping timeout, finds nothing to disconnect.
	 */
	#replaced(): void {
		if (this.#closed) return;
		const participantId = this.#participant?.id;
		this.#detach();
		this.#closed = true;
		this.log.info({ participantId }, 'participant resumed on another connection, closing the old one');
		this.socket.disconnect(true);
	}

	#detach(): void {
		this.#room = undefined;
		this.#participant = undefined;
	}
}
