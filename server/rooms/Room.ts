import type { MediaKind, MediaSource, ProducerInfo, RoomMedia } from '../../sfu-workers/types.js';
import type { Role } from '../auth/tokenClaims.js';
import type { Logger } from '../observability/log.js';
import { randomBytes } from 'node:crypto';
import { LIMITS, type Reaction } from '../protocol/common.js';
import type { ServerPush } from '../protocol/events.js';
import type { ChatMessage } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';
import { type ParticipantId, type RoomId, newParticipantId } from '../shared/ids.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { type CloseReason, toClientReason } from './CloseReason.js';
import { type Connection, type Notify, Participant, type ParticipantKind } from './Participant.js';
import type { Poll } from './Poll.js';
import type { Breakouts } from './Breakouts.js';
import { RoomAccess } from './RoomAccess.js';
import { RoomDocs } from './RoomDocs.js';
import { RoomPresentations } from './RoomPresentations.js';
import { RoomStage } from './RoomStage.js';

export interface RoomOptions {
	emptyGraceMs: number;
	maxParticipants: number;
	/** How long a participant whose connection dropped keeps its place (and media) for a resume. */
	reconnectGraceMs: number;
	/** A room closes this long after it opened, whatever happens (0 = never). */
	maxDurationMs?: number;
	/** The largest PDF a presenter may upload (PRESENTATION_MAX_BYTES). */
	presentationMaxBytes?: number;
}

export const DEFAULT_PRESENTATION_MAX_BYTES = 30 * 1024 * 1024;

export type RoomEvents = {
	/** Once, after every participant was told and the media (router) is closed. */
	closed: [reason: CloseReason];
	/**
	 * After every change of the state a cluster replicates (RoomState): join, leave, role, hand,
	 * chat, poll open/vote/close, access settings, ban. Not for media or connections.
	 */
	changed: [];
};

/** How long a restored participant (its owner node died) may take to resume. */
const FAILOVER_GRACE_MS = 15_000;
/**
 * One meeting, in memory only. Owns its participants and its RoomMedia; close() drops both,
 * and with them every name and id the room held. Knows nothing of socket.io: participants
 * are reached through their Notify callback.
 */
export class Room extends TypedEmitter<RoomEvents> {
	readonly id: RoomId;
	readonly media: RoomMedia;
	readonly #participants = new Map<ParticipantId, Participant>();
	/** Lock, password, lobby: who may come in. */
	readonly access = new RoomAccess();
	/** Polls of this meeting (memory only, gone at close). */
	readonly polls = new Map<string, Poll>();
	/** What the stage shows, who presents and who may draw. */
	readonly stage: RoomStage = new RoomStage(this);
	/** Shared notes and whiteboard (memory only, destroyed at close). */
	readonly docs: RoomDocs = new RoomDocs(this, (p) => this.stage.mayDraw(p));
	/** Uploaded PDFs (memory only, zeroed at close). */
	readonly presentations: RoomPresentations;
	/** The main room's breakout rooms, once a moderator opened some. */
	breakouts: Breakouts | undefined;
	/** For a breakout room: the main room of its meeting (no one joins it but by a move). */
	parent: Room | undefined;
	/** Digits a phone caller enters to reach this room; set by the registry when dial-in is on. */
	dialInPin: string | undefined;
	// Memory only, bounded, dropped with the room (invariant 1).
	#chat: ChatMessage[] = [];
	readonly #opts: RoomOptions;
	readonly #log: Logger;
	#emptyTimer: NodeJS.Timeout | undefined;
	#maxDurationTimer: NodeJS.Timeout | undefined;
	#closed = false;
	/** When the room opened (ms since epoch) and the most participants it had at once: for metrics. */
	openedAt = Date.now();
	#peakSize = 0;
	/** Who the SFU last named the active speaker, so a newcomer learns it at once (it may not change for a while). */
	#activeSpeaker: ParticipantId | undefined;

	constructor(id: RoomId, media: RoomMedia, opts: RoomOptions, log: Logger) {
		super();
		this.id = id;
		this.media = media;
		this.#opts = opts;
		this.presentations = new RoomPresentations({ broadcast: (push) => this.broadcast(push), presentationGone: (id) => this.stage.presentationGone(id) }, opts.presentationMaxBytes ?? DEFAULT_PRESENTATION_MAX_BYTES);
		this.#log = log;
		media.on('consumerClosed', (pid, consumerId) => this.#to(pid, { event: 'consumerClosed', data: { consumerId } }));
		media.on('producerClosed', (_pid, producerId) => this.broadcast({ event: 'producerClosed', data: { producerId } }));
		media.on('activeSpeaker', (participantId) => {
			this.#activeSpeaker = participantId as ParticipantId;
			this.broadcast({ event: 'activeSpeaker', data: { participantId } });
		});
		// One push per participant for a dead worker; the room and its state go on.
		media.on('workerLost', ({ participants, producers }) => {
			const rebuild = new Set(participants);
			for (const p of this.#participants.values()) {
				p.notify({ event: 'mediaLost', data: { rebuild: rebuild.has(p.id), producerIds: producers } });
			}
		});
		media.on('closed', (reason) => this.close(reason === 'workerDied' ? 'workerDied' : 'roomEnded'));
		this.#armEmptyTimer(); // a room nobody manages to join must not linger
		if (opts.maxDurationMs) {
			this.#maxDurationTimer = setTimeout(() => this.close('maxDuration'), opts.maxDurationMs);
			this.#maxDurationTimer.unref();
		}
	}

	get closed(): boolean {
		return this.#closed;
	}

	get size(): number {
		return this.#participants.size;
	}

	get activeSpeaker(): ParticipantId | undefined {
		return this.#activeSpeaker;
	}

	get peakSize(): number {
		return this.#peakSize;
	}

	join(displayName: string, notify: Notify | Connection, role: Role = 'participant', kind: ParticipantKind = 'browser'): Participant {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		if (this.#participants.size >= this.#opts.maxParticipants) throw new PlenumError('PLN_ROOM_FULL');
		clearTimeout(this.#emptyTimer);
		// Someone is in the meeting again: a breakout room's join stops the main room's grace too.
		if (this.parent) clearTimeout(this.parent.#emptyTimer);
		const p = new Participant(newParticipantId(), displayName, notify, role, kind);
		p.mediaNode = p.node;
		this.media.addParticipant(p.id, p.node);
		this.broadcast({ event: 'participantJoined', data: p.info() });
		this.#participants.set(p.id, p);
		this.#peakSize = Math.max(this.#peakSize, this.#participants.size);
		(this.parent ?? this).breakouts?.touch();
		this.#log.info({ participantId: p.id, participants: this.size }, 'participant joined');
		this.noteChanged();
		return p;
	}

	/** Everyone but `self`, for the join answer. */
	others(self: ParticipantId): Participant[] {
		return [...this.#participants.values()].filter((p) => p.id !== self);
	}

	/**
	 * The connection dropped: keep the participant and its media (ICE may still be up) for
	 * the grace period, then let it go as 'disconnected'. With `from`, only if that is still
	 * the participant's connection: a connection a resume replaced changes nothing.
	 */
	disconnect(pid: ParticipantId, from?: Notify | Connection): void {
		const p = this.#participants.get(pid);
		if (!p?.disconnect(from)) return;
		p.reconnectTimer = setTimeout(() => this.leave(pid, 'disconnected'), this.#opts.reconnectGraceMs);
		p.reconnectTimer.unref();
		this.#log.info({ participantId: pid }, 'participant disconnected, waiting for resume');
	}

	/**
	 * Binds a participant to a new connection, replacing the old one if it is still open;
	 * PLN_RESUME_FAILED if unknown or wrong token.
	 */
	resume(pid: ParticipantId, token: string, notify: Notify | Connection): Participant {
		if (this.#closed) throw new PlenumError('PLN_RESUME_FAILED');
		const p = this.#participants.get(pid);
		if (!p?.resume(token, notify)) throw new PlenumError('PLN_RESUME_FAILED');
		// Restored by a new owner that adopted its media where it was: it keeps it, if back through that node.
		if (!p.mediaRegistered) {
			const adopted = this.media.producers().filter((x) => x.participantId === pid).map((x) => x.id);
			if (this.media.keepsMedia?.(pid, p.node)) {
				p.mediaRegistered = true;
				p.mediaNode = p.node;
			} else for (const producerId of adopted) this.broadcast({ event: 'producerClosed', data: { producerId } }, pid);
		}
		// Back on another node (or restored by a new owner): the media starts again there.
		p.mediaReset = !p.mediaRegistered || p.mediaNode !== p.node;
		if (p.mediaReset) {
			if (p.mediaRegistered) this.#dropMedia(pid);
			p.mediaNode = p.node;
			this.media.addParticipant(pid, p.node);
			p.mediaRegistered = true;
		}
		this.#log.info({ participantId: pid }, 'participant resumed');
		return p;
	}

	leave(pid: ParticipantId, reason: CloseReason): void {
		const p = this.#participants.get(pid);
		if (p) clearTimeout(p.reconnectTimer);
		if (!this.#participants.delete(pid)) return;
		if (this.#activeSpeaker === pid) this.#activeSpeaker = undefined;
		if (reason === 'kicked') p?.notify({ event: 'roomClosed', data: { reason: toClientReason(reason) } });
		this.media.removeParticipant(pid);
		this.docs.left(pid);
		this.stage.left(pid);
		this.presentations.left(pid);
		(this.parent ?? this).breakouts?.touch();
		this.broadcast({ event: 'participantLeft', data: { participantId: pid } });
		this.#log.info({ participantId: pid, reason, participants: this.size }, 'participant left');
		this.noteChanged();
		if (this.#participants.size === 0) this.#armEmptyTimer();
	}

	/** The participant's media goes (it moves to another node): the others drop its tracks. */
	#dropMedia(pid: ParticipantId): void {
		const gone = this.media.producers().filter((x) => x.participantId === pid).map((x) => x.id);
		this.media.removeParticipant(pid);
		for (const producerId of gone) this.broadcast({ event: 'producerClosed', data: { producerId } }, pid);
	}

	/** Makes this a breakout room of `main`'s meeting: it stays open while the meeting has anyone in it. */
	setParent(main: Room): void {
		this.parent = main;
		clearTimeout(this.#emptyTimer);
	}

	/** Arms the empty-room grace if nobody is here (after the breakout rooms that held it open ended). */
	closeIfEmpty(): void {
		if (this.#participants.size === 0 && !this.#closed) this.#armEmptyTimer();
	}

	#armEmptyTimer(): void {
		// With breakout rooms the meeting is empty only when the main room and all of them are;
		// then the main room's grace runs, and its close closes the breakout rooms.
		const main = this.parent ?? this;
		if (main !== this || main.breakouts?.running) {
			// A breakout room its meeting no longer lists (ended, or the meeting closed) goes by itself.
			if (main !== this && (main.#closed || !main.breakouts?.rooms().includes(this))) return this.#armGrace();
			const rooms = [main, ...(main.breakouts?.rooms() ?? [])];
			if (rooms.every((r) => r.size === 0)) main.#armGrace();
			return;
		}
		this.#armGrace();
	}

	#armGrace(): void {
		clearTimeout(this.#emptyTimer);
		// Grace period: a participant reloading the page should find the room still there.
		this.#emptyTimer = setTimeout(() => this.close('roomEmpty'), this.#opts.emptyGraceMs);
		this.#emptyTimer.unref();
	}

	async produce(pid: ParticipantId, req: { transportId: string; kind: MediaKind; source: MediaSource; rtpParameters: unknown; paused: boolean }): Promise<ProducerInfo> {
		this.member(pid);
		const info = await this.media.produce(pid, req);
		this.broadcast({ event: 'producerAdded', data: info }, pid);
		return info;
	}

	async setProducerPaused(pid: ParticipantId, producerId: string, paused: boolean): Promise<void> {
		this.member(pid);
		await this.media.setProducerPaused(pid, producerId, paused);
		this.broadcast({ event: paused ? 'producerPaused' : 'producerResumed', data: { producerId } }, pid);
	}

	closeProducer(pid: ParticipantId, producerId: string): void {
		this.member(pid);
		this.media.closeProducer(pid, producerId);
		this.broadcast({ event: 'producerClosed', data: { producerId } }, pid);
	}

	/** Adds a chat line for everyone (the sender included, so all see one order). */
	chat(pid: ParticipantId, text: string): ChatMessage {
		const p = this.member(pid);
		const msg: ChatMessage = { id: randomBytes(6).toString('base64url'), participantId: p.id, displayName: p.displayName, text, sentAt: Date.now() };
		this.#chat.push(msg);
		if (this.#chat.length > LIMITS.CHAT_HISTORY_MAX) this.#chat.shift();
		this.broadcast({ event: 'chatMessage', data: msg });
		this.noteChanged();
		return msg;
	}

	/** The chat so far, for a late joiner. */
	chatHistory(): ChatMessage[] {
		return [...this.#chat];
	}

	/** Raises or lowers a hand; raising twice keeps the first time (the queue order). */
	setHand(pid: ParticipantId, raised: boolean): number | null {
		const p = this.member(pid);
		const before = p.handRaisedAt;
		p.handRaisedAt = raised ? (p.handRaisedAt ?? Date.now()) : undefined;
		if (p.handRaisedAt !== before) {
			this.broadcast({ event: 'handChanged', data: { participantId: p.id, raisedAt: p.handRaisedAt ?? null } });
			this.noteChanged();
		}
		return p.handRaisedAt ?? null;
	}

	react(pid: ParticipantId, reaction: Reaction): void {
		this.member(pid);
		this.broadcast({ event: 'reaction', data: { participantId: pid, reaction } });
	}

	/** Replicated state changed (see RoomEvents.changed); moderation calls it too. */
	noteChanged(): void {
		if (!this.#closed) this.safeEmit('changed');
	}

	/** Only for restoreRoom (RoomState.ts): a saved participant back, disconnected, waiting for its resume. */
	restoreParticipant(p: Participant): void {
		clearTimeout(this.#emptyTimer);
		this.#participants.set(p.id, p);
		// Longer than a dropped connection's grace: the client must first find a live node.
		p.reconnectTimer = setTimeout(() => this.leave(p.id, 'disconnected'), Math.max(this.#opts.reconnectGraceMs, FAILOVER_GRACE_MS));
		p.reconnectTimer.unref();
	}

	/** Only for restoreRoom: the saved chat. */
	restoreChat(chat: ChatMessage[]): void {
		this.#chat = chat.slice(-LIMITS.CHAT_HISTORY_MAX);
	}

	participants(): Participant[] {
		return [...this.#participants.values()];
	}

	/** A participant of this room, or PLN_NOT_JOINED / PLN_ROOM_CLOSED. */
	member(pid: ParticipantId): Participant {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		const p = this.#participants.get(pid);
		if (!p) throw new PlenumError('PLN_NOT_JOINED');
		return p;
	}

	#to(pid: string, push: ServerPush): void {
		this.#participants.get(pid as ParticipantId)?.notify(push);
	}

	/** Sends a push to the moderators only (lobby names are for them alone). */
	toModerators(push: ServerPush): void {
		for (const p of this.#participants.values()) if (p.role === 'moderator') p.notify(push);
	}

	/** Sends a push to every participant, except `except`. */
	broadcast(push: ServerPush, except?: ParticipantId): void {
		for (const p of this.#participants.values()) if (p.id !== except) p.notify(push);
	}

	/** Tells everyone, drops every participant, closes the router. Idempotent. */
	close(reason: CloseReason): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#emptyTimer);
		clearTimeout(this.#maxDurationTimer);
		this.broadcast({ event: 'roomClosed', data: { reason: toClientReason(reason) } });
		this.access.close();
		this.polls.clear();
		for (const p of this.#participants.values()) clearTimeout(p.reconnectTimer);
		this.#participants.clear();
		this.#chat = [];
		this.docs.close();
		this.presentations.close();
		this.breakouts?.close();
		this.media.close();
		this.#log.info({ reason }, 'room closed');
		this.safeEmit('closed', reason);
	}
}
