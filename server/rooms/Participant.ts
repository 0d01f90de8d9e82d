import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerPush } from '../protocol/events.js';
import type { ParticipantInfo } from '../protocol/responses.js';
import type { Role } from '../auth/tokenClaims.js';
import type { ParticipantId } from '../shared/ids.js';

/** Delivers a push to this participant's connection; supplied by signalling. */
export type Notify = (push: ServerPush) => void;

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
	readonly resumeToken = randomBytes(16).toString('base64url');
	/** A digest of the token this participant joined with, for bans; undefined without a token. */
	tokenDigest: string | undefined;
	/** Set while the connection is gone and the room waits for a resume. */
	reconnectTimer: NodeJS.Timeout | undefined;
	#notify: Notify | undefined;

	constructor(id: ParticipantId, displayName: string, notify: Notify, role: Role = 'participant', kind: ParticipantKind = 'browser') {
		this.id = id;
		this.kind = kind;
		this.displayName = displayName;
		this.#notify = notify;
		this.role = role;
	}

	/** Pushes to the connection; dropped while disconnected (the resume answer resyncs). */
	notify(push: ServerPush): void {
		this.#notify?.(push);
	}

	get connected(): boolean {
		return this.#notify !== undefined;
	}

	disconnect(): void {
		this.#notify = undefined;
	}

	/** Binds a new connection if `token` is this participant's resume token. */
	resume(token: string, notify: Notify): boolean {
		const a = Buffer.from(token);
		const b = Buffer.from(this.resumeToken);
		if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
		clearTimeout(this.reconnectTimer);
		this.reconnectTimer = undefined;
		this.#notify = notify;
		return true;
	}

	info(): ParticipantInfo {
		return { id: this.id, displayName: this.displayName, kind: this.kind, role: this.role, invited: this.tokenDigest !== undefined, handRaisedAt: this.handRaisedAt ?? null };
	}
}
