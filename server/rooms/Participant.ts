import type { Room } from './Room.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerPush } from '../protocol/events.js';
import type { ParticipantInfo } from '../protocol/responses.js';
import type { Role } from '../auth/tokenClaims.js';
import type { ParticipantId } from '../shared/ids.js';

/** Delivers a push to this participant's connection; supplied by signalling. */
export type Notify = (push: ServerPush) => void;

/**
 * One live connection a participant is bound to. A participant has at most one: a resume on
 * another connection replaces it, and from then on nothing the old one does (a late close, a
 * ping timeout, a late request) reaches the participant. Compared by identity.
 */
export interface Connection {
	readonly notify: Notify;
	/** Once, when a resume bound the participant to another connection: close this one. */
	readonly replaced?: () => void;
	/** The cluster node the client's socket is on (its home node); undefined on a single node. */
	readonly node?: string;
	/**
	 * Takes the participant to another room of the meeting (a breakout room, or back): it leaves
	 * this room and joins `to` as a new participant, with `role`, on the same connection.
	 */
	readonly move?: (to: Room, role: Role) => Promise<Participant>;
}

const asConnection = (c: Notify | Connection): Connection => (typeof c === 'function' ? { notify: c } : c);

export type ParticipantKind = 'browser' | 'phone';

/**
 * A browser or phone leg in one room. Memory only: its display name lives here
 * and nowhere else, and goes when the room drops the participant.
 */
export class Participant {
	readonly id: ParticipantId;
	readonly displayName: string;
	readonly kind: ParticipantKind;
	role: Role;
	/** When the hand went up; undefined while it is down. */
	handRaisedAt: number | undefined;
	/** Lets the same participant come back on a new connection after a drop; never logged. */
	readonly resumeToken: string;
	/** A digest of the token this participant joined with, for bans; undefined without a token. */
	tokenDigest: string | undefined;
	/** Set while the connection is gone and the room waits for a resume. */
	reconnectTimer: NodeJS.Timeout | undefined;
	/** The node this participant's media was registered on (its home node then). */
	mediaNode: string | undefined;
	/** False for a participant restored from saved state until its resume registers its media. */
	mediaRegistered = true;
	/** Set by the last resume: the media was registered anew (another node), so the client rebuilds. */
	mediaReset = false;
	/** The one live connection; undefined while disconnected. */
	#connection: Connection | undefined;

	/** `connection` undefined and `resumeToken` given: a participant restored from replicated state, waiting for its resume. */
	constructor(id: ParticipantId, displayName: string, connection: Notify | Connection | undefined, role: Role = 'participant', kind: ParticipantKind = 'browser', resumeToken?: string) {
		this.id = id;
		this.kind = kind;
		this.displayName = displayName;
		this.#connection = connection === undefined ? undefined : asConnection(connection);
		this.role = role;
		this.resumeToken = resumeToken ?? randomBytes(16).toString('base64url');
	}

	/** The node of the bound connection (undefined while disconnected or on a single node). */
	get node(): string | undefined {
		return this.#connection?.node;
	}

	/** Moves the participant to another room of the meeting: who it is there; undefined when it cannot be moved now (disconnected). */
	async moveTo(to: Room): Promise<Participant | undefined> {
		const move = this.#connection?.move;
		return move ? move(to, this.role) : undefined;
	}

	/** Pushes to the connection; dropped while disconnected (the resume answer resyncs). */
	notify(push: ServerPush): void {
		this.#connection?.notify(push);
	}

	get connected(): boolean {
		return this.#connection !== undefined;
	}

	/** Whether `connection` (the object, or the Notify it was bound with) is the live one. */
	isBoundTo(connection: Notify | Connection): boolean {
		const c = this.#connection;
		return c !== undefined && (c === connection || c.notify === connection);
	}

	/**
	 * The connection went away. With `from`, only if that connection is still the bound one:
	 * the close of a connection a resume replaced changes nothing. True if it unbound.
	 */
	disconnect(from?: Notify | Connection): boolean {
		if (!this.#connection || (from !== undefined && !this.isBoundTo(from))) return false;
		this.#connection = undefined;
		return true;
	}

	/**
	 * Binds `connection` if `token` is this participant's resume token. A connection still
	 * bound (a frozen client whose old TCP connection stays open) is replaced: told once, then
	 * ignored.
	 */
	resume(token: string, connection: Notify | Connection): boolean {
		const a = Buffer.from(token);
		const b = Buffer.from(this.resumeToken);
		if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
		clearTimeout(this.reconnectTimer);
		this.reconnectTimer = undefined;
		const old = this.#connection;
		const next = asConnection(connection);
		this.#connection = next;
		// NOTE: after the rebind, so whatever the old connection does while it closes is ignored.
		if (old && old !== next && old.notify !== next.notify) old.replaced?.();
		return true;
	}

	info(): ParticipantInfo {
		return { id: this.id, displayName: this.displayName, kind: this.kind, role: this.role, invited: this.tokenDigest !== undefined, handRaisedAt: this.handRaisedAt ?? null };
	}
}
