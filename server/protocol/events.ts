import type { CloseReason } from '../rooms/CloseReason.js';
import type { Reaction } from './common.js';
import type { ChatMessage, ParticipantInfo, PollResult, PollView, ProducerInfo, RoomSettings } from './responses.js';

/** Server → client pushes. Each is a socket.io event with one payload object. */
export interface ServerEvents {
	participantJoined: ParticipantInfo;
	participantLeft: { participantId: string };
	producerAdded: ProducerInfo;
	producerClosed: { producerId: string };
	producerPaused: { producerId: string };
	producerResumed: { producerId: string };
	consumerClosed: { consumerId: string };
	activeSpeaker: { participantId: string };
	chatMessage: ChatMessage;
	/** A hand went up (raisedAt) or down (null). */
	handChanged: { participantId: string; raisedAt: number | null };
	/** A short-lived reaction; clients show it for a few seconds, the server keeps nothing. */
	reaction: { participantId: string; reaction: Reaction };
	/** Someone's name, role or hand changed (e.g. made moderator). */
	participantUpdated: ParticipantInfo;
	/** A moderator muted this participant (the SFU already paused the producer). */
	mutedByModerator: { source: 'mic' };
	/** A moderator asks this participant to unmute; only the participant can. */
	askedToUnmute: Record<string, never>;
	/** A moderator stopped this participant's camera or screen share (the producer is closed). */
	videoStoppedByModerator: { source: 'camera' | 'screen' };
	/** A moderator opened a poll; participants may vote once. */
	pollOpened: PollView;
	/** A moderator closed a poll: the anonymous counts, to everyone. */
	pollClosed: PollResult;
	/** Lock, lobby or password changed (to everyone). */
	roomSettings: RoomSettings;
	/** Who waits in the lobby (to moderators only; names are shown to them alone). */
	lobbyChanged: { waiting: Array<{ id: string; displayName: string }> };
	/** To a knocker: let in (join with the single-use ticket) or not. */
	lobbyDecision: { admitted: boolean; ticket?: string };
	/**
	 * The server drains for a restart: running meetings go on until they end or until
	 * `deadlineAt` (epoch ms); new meetings are refused. Sent once to every connection.
	 */
	serverDraining: { deadlineAt: number };
	/**
	 * A media worker died; the meeting goes on. `producerIds`: others' media that went with it
	 * (drop those tracks; they come back as producerAdded). `rebuild`: this participant's own
	 * transports were on that worker: create transports, publish and subscribe again. Sent once
	 * per participant per worker death.
	 */
	mediaLost: { rebuild: boolean; producerIds: string[] };
	/** The room closed (or this participant was removed); the client should leave. */
	roomClosed: { reason: CloseReason };
}

export type ServerEventName = keyof ServerEvents;
/** A push as the room hands it to a participant's connection. */
export type ServerPush = { [K in ServerEventName]: { event: K; data: ServerEvents[K] } }[ServerEventName];
