import type { Socket } from 'socket.io';
import type { TokenVerifier } from '../auth/TokenVerifier.js';
import type { Logger } from '../observability/log.js';
import type { IceServer } from '../protocol/media.js';
import type { ServerPush } from '../protocol/events.js';
import type { CloseReason } from '../rooms/CloseReason.js';
import type { Participant } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { PlenumError } from '../shared/errors.js';
import { TokenBucket } from '../shared/TokenBucket.js';

// Generous for a real client (a join with simulcast and 25 tiles sends ~60 requests at once),
// tight enough that one connection cannot keep the server busy.
const REQUEST_BURST = 200;
const REQUESTS_PER_SECOND = 50;
const CHAT_BURST = 5;
const CHAT_PER_SECOND = 1;

export interface SignallingDeps {
	registry: RoomRegistry;
	log: Logger;
	auth: { mode: 'open' | 'token'; verifier: TokenVerifier | undefined };
	/** The dial-in number shown with each room's PIN; undefined when dial-in is off. */
	dialInNumber?: string;
	/** TURN servers with fresh credentials for one transport; absent without TURN. */
	iceServers?: () => IceServer[];
}

/**
 * One socket.io connection's state: which room and participant it is, if any. The room owns
 * the participant; the session only points at it and lets go when the room closes.
 */
export class Session {
	readonly socket: Socket;
	readonly deps: SignallingDeps;
	readonly log: Logger;
	room: Room | undefined;
	participant: Participant | undefined;
	/** Set while a join is in flight, so a second join on the same socket is refused. */
	joining = false;
	/** Set while this connection waits in a room's lobby. */
	knocking: { room: Room; entryId: string } | undefined;
	/** Per-connection limits: every request, and chat lines on top. */
	readonly requests = new TokenBucket(REQUEST_BURST, REQUESTS_PER_SECOND);
	readonly chat = new TokenBucket(CHAT_BURST, CHAT_PER_SECOND);

	constructor(socket: Socket, deps: SignallingDeps) {
		this.socket = socket;
		this.deps = deps;
		this.log = deps.log;
	}

	/** The room and participant, or PLN_NOT_JOINED. */
	joined(): { room: Room; participant: Participant } {
		if (!this.room || !this.participant) throw new PlenumError('PLN_NOT_JOINED');
		if (this.room.closed) throw new PlenumError('PLN_ROOM_CLOSED');
		return { room: this.room, participant: this.participant };
	}

	/** Delivers a room push over the socket; a closed room detaches the session. */
	push(p: ServerPush): void {
		this.socket.emit(p.event, p.data);
		if (p.event === 'roomClosed') this.#detach();
	}

	leave(reason: CloseReason): void {
		if (this.room && this.participant) this.room.leave(this.participant.id, reason);
		this.#detach();
	}

	/** The socket went away without a leave: the room keeps the participant for a resume. */
	dropped(): void {
		const k = this.knocking;
		if (k && k.room.access.cancel(k.entryId)) k.room.toModerators({ event: 'lobbyChanged', data: { waiting: k.room.access.waiting() } });
		this.knocking = undefined;
		if (this.room && this.participant) this.room.disconnect(this.participant.id);
		this.#detach();
	}

	#detach(): void {
		this.room = undefined;
		this.participant = undefined;
	}
}
