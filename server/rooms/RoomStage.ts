import type { ServerPush } from '../protocol/events.js';
import { LIMITS } from '../protocol/limits.js';
import type { StageShown, StageView } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';
import { type ParticipantId, asParticipantId } from '../shared/ids.js';
import type { Participant } from './Participant.js';

/** What RoomStage needs of its room. */
export interface StageHost {
	participants(): Participant[];
	broadcast(push: ServerPush): void;
	/** The stage is part of the room's replicated state (cluster failover). */
	noteChanged(): void;
}

/**
 * What a room shows on its stage — nothing (the video grid), a blank whiteboard or a page of
 * a presentation — who presents, and who may draw. Moderators and the presenter change it;
 * everyone follows. Memory only, gone with the room.
 */
export class RoomStage {
	#shown: StageShown = { kind: 'none' };
	#presenter: ParticipantId | undefined;
	#boards = 1;
	#drawEveryone = false;
	readonly #drawers = new Set<ParticipantId>();
	readonly #host: StageHost;

	constructor(host: StageHost) {
		this.#host = host;
	}

	view(): StageView {
		return { shown: this.#shown, presenter: this.#presenter ?? null, boards: this.#boards, drawEveryone: this.#drawEveryone, drawers: [...this.#drawers] };
	}

	/** Whether `p` may draw on the whiteboard and annotate pages now. */
	mayDraw(p: Participant): boolean {
		if (p.kind !== 'browser') return false;
		return this.mayPresent(p) || this.#drawEveryone || this.#drawers.has(p.id);
	}

	mayPresent(p: Participant): boolean {
		return p.role === 'moderator' || this.#presenter === p.id;
	}

	/** Shows something else; a board number one past the last adds a board. */
	show(by: Participant, shown: StageShown, known: (presentationId: string, page: number) => boolean): void {
		this.mustPresent(by);
		if (shown.kind === 'board') {
			if (shown.board > this.#boards || shown.board >= LIMITS.BOARDS_MAX) throw new PlenumError('PLN_NOT_FOUND');
			this.#boards = Math.max(this.#boards, shown.board + 1);
		}
		if (shown.kind === 'pdf' && !known(shown.presentationId, shown.page)) throw new PlenumError('PLN_NOT_FOUND');
		this.#shown = shown;
		this.#changed();
	}

	/** A moderator hands presenting to a participant (or takes it back: null). */
	setPresenter(by: Participant, target: Participant | null): void {
		if (by.role !== 'moderator') throw new PlenumError('PLN_NOT_MODERATOR');
		if (target && target.kind !== 'browser') throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
		this.#presenter = target?.id;
		this.#changed();
	}

	/** The presenter lets everyone draw, or only the participants named. */
	setDrawing(by: Participant, everyone: boolean, drawers: Participant[]): void {
		this.mustPresent(by);
		this.#drawEveryone = everyone;
		this.#drawers.clear();
		for (const p of drawers) this.#drawers.add(p.id);
		this.#changed();
	}

	/** A participant left: it no longer presents or draws. */
	left(pid: ParticipantId): void {
		const was = this.#presenter === pid || this.#drawers.has(pid);
		if (this.#presenter === pid) this.#presenter = undefined;
		this.#drawers.delete(pid);
		if (was) this.#changed();
	}

	/** A presentation was removed: the stage stops showing it. */
	presentationGone(presentationId: string): void {
		if (this.#shown.kind === 'pdf' && this.#shown.presentationId === presentationId) {
			this.#shown = { kind: 'none' };
			this.#changed();
		}
	}

	/** PLN_NOT_PRESENTER unless `by` is a moderator or the presenter. */
	mustPresent(by: Participant): void {
		if (!this.mayPresent(by)) throw new PlenumError('PLN_NOT_PRESENTER');
	}

	/** Only for restoreRoom: the stage as the old owner last saved it (participants resume later). */
	restore(view: StageView): void {
		// Presentations are not replicated: a page of one the room no longer holds is not shown.
		this.#shown = view.shown.kind === 'pdf' ? { kind: 'none' } : view.shown;
		this.#presenter = view.presenter ? asParticipantId(view.presenter) : undefined;
		this.#boards = Math.min(Math.max(view.boards, 1), LIMITS.BOARDS_MAX);
		this.#drawEveryone = view.drawEveryone;
		for (const id of view.drawers) this.#drawers.add(asParticipantId(id));
	}

	#changed(): void {
		this.#host.noteChanged();
		this.#host.broadcast({ event: 'stageChanged', data: this.view() });
		// Drawing rights decide who may edit the board document: tell each participant its own.
		for (const p of this.#host.participants()) p.notify({ event: 'docAccess', data: { doc: 'board', writable: this.mayDraw(p), locked: false } });
	}
}
