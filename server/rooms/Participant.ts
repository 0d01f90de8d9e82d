import type { ServerPush } from '../protocol/events.js';
import type { ParticipantInfo } from '../protocol/responses.js';
import type { ParticipantId } from '../shared/ids.js';

/** Delivers a push to this participant's connection; supplied by signalling. */
export type Notify = (push: ServerPush) => void;

/**
 * A browser (later also phone) leg in one room. Memory only: its display name lives here
 * and nowhere else, and goes when the room drops the participant.
 */
export class Participant {
	readonly id: ParticipantId;
	readonly displayName: string;
	readonly kind: 'browser' | 'phone' = 'browser';
	/** When the hand went up; undefined while it is down. */
	handRaisedAt: number | undefined;
	readonly #notify: Notify;

	constructor(id: ParticipantId, displayName: string, notify: Notify) {
		this.id = id;
		this.displayName = displayName;
		this.#notify = notify;
	}

	notify(push: ServerPush): void {
		this.#notify(push);
	}

	info(): ParticipantInfo {
		return { id: this.id, displayName: this.displayName, kind: this.kind, handRaisedAt: this.handRaisedAt ?? null };
	}
}
