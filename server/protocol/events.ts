import { z } from 'zod';
import { CLIENT_CLOSE_REASONS } from './closeReasons.js';
import { REACTIONS, SHARED_DOCS } from './limits.js';
import { ProducerInfo, VideoSource } from './media.js';
import { BreakoutsView, ChatMessage, Joined, ParticipantInfo, PollResult, PollView, PresentationView, RoomSettings, StageView } from './responses.js';

/**
 * Server → client pushes: one schema per socket.io event (one payload object each); the types
 * are inferred from them. The client imports the types only.
 */
export const Pushes = {
	participantJoined: ParticipantInfo,
	participantLeft: z.object({ participantId: z.string() }),
	producerAdded: ProducerInfo,
	producerClosed: z.object({ producerId: z.string() }),
	producerPaused: z.object({ producerId: z.string() }),
	producerResumed: z.object({ producerId: z.string() }),
	consumerClosed: z.object({ consumerId: z.string() }),
	activeSpeaker: z.object({ participantId: z.string() }),
	chatMessage: ChatMessage,
	/** A hand went up (raisedAt) or down (null). */
	handChanged: z.object({ participantId: z.string(), raisedAt: z.number().nullable() }),
	/** A short-lived reaction; clients show it for a few seconds, the server keeps nothing. */
	reaction: z.object({ participantId: z.string(), reaction: z.enum(REACTIONS) }),
	/** Someone's name, role or hand changed (e.g. made moderator). */
	participantUpdated: ParticipantInfo,
	/** A moderator muted this participant (the SFU already paused the producer). */
	mutedByModerator: z.object({ source: z.literal('mic') }),
	/** A moderator asks this participant to unmute; only the participant can. */
	askedToUnmute: z.strictObject({}),
	/** A moderator stopped this participant's camera or screen share (the producer is closed). */
	videoStoppedByModerator: z.object({ source: VideoSource }),
	/** A moderator opened a poll; participants may vote once. */
	pollOpened: PollView,
	/** A moderator closed a poll: the anonymous counts, to everyone. */
	pollClosed: PollResult,
	/** Lock, lobby or password changed (to everyone). */
	roomSettings: RoomSettings,
	/** Who waits in the lobby (to moderators only; names are shown to them alone). */
	lobbyChanged: z.object({ waiting: z.array(z.object({ id: z.string(), displayName: z.string() })) }),
	/** To a knocker: let in (join with the single-use ticket) or not. */
	lobbyDecision: z.object({ admitted: z.boolean(), ticket: z.string().optional() }),
	/**
	 * The server drains for a restart: running meetings go on until they end or until
	 * `deadlineAt` (epoch ms); new meetings are refused. Sent once to every connection.
	 */
	serverDraining: z.object({ deadlineAt: z.number() }),
	/**
	 * A media worker died; the meeting goes on. `producerIds`: others' media that went with it
	 * (drop those tracks; they come back as producerAdded). `rebuild`: this participant's own
	 * transports were on that worker: create transports, publish and subscribe again. Sent once
	 * per participant per worker death.
	 */
	mediaLost: z.object({ rebuild: z.boolean(), producerIds: z.array(z.string()) }),
	/**
	 * The server moves this meeting (cluster drain): reconnect now, to `url` or (null) to any
	 * failover URL, and resume; the media is rebuilt there.
	 */
	reconnect: z.object({ url: z.string().url().nullable() }),
	/**
	 * The room closed (or this participant was removed); the client should leave. `reason` is
	 * the internal CloseReason mapped by `toClientReason` (server/protocol/closeReasons.ts).
	 */
	roomClosed: z.object({ reason: z.enum(CLIENT_CLOSE_REASONS) }),
	/** The stage changed: what it shows, the presenter, the boards or who may draw (to everyone). */
	stageChanged: StageView,
	/** The meeting's breakout rooms started, changed (someone moved, the time was extended) or ended (null). */
	breakoutsChanged: z.object({ breakouts: BreakoutsView.nullable() }),
	/** A moderator's message to every room of the meeting. */
	breakoutMessage: z.object({ text: z.string() }),
	/**
	 * This participant is now in another room of the meeting (a breakout room, or back in the
	 * main one), on the same connection: a new participant there, with that room's state; the
	 * client rebuilds its media on the new room's transports.
	 */
	moved: Joined.extend({ roomId: z.string() }),
	/** The room's presentations changed: one was uploaded or removed (to everyone). */
	presentationsChanged: z.object({ presentations: z.array(PresentationView) }),
	/** Someone changed a shared document (base64 Yjs update; not to its author). */
	docUpdate: z.object({ doc: z.enum(SHARED_DOCS), update: z.string() }),
	/** Someone's cursor moved or went (base64 awareness update). */
	docCursor: z.object({ doc: z.enum(SHARED_DOCS), update: z.string() }),
	/** Whether this participant may edit a document now (notes locked or unlocked, drawing granted or not). */
	docAccess: z.object({ doc: z.enum(SHARED_DOCS), writable: z.boolean(), locked: z.boolean() }),
} as const;

/** Server → client pushes, inferred from `Pushes`. */
export type ServerEvents = { [K in keyof typeof Pushes]: z.infer<(typeof Pushes)[K]> };
export type ServerEventName = keyof ServerEvents;
/** A push as the room hands it to a participant's connection. */
export type ServerPush = { [K in ServerEventName]: { event: K; data: ServerEvents[K] } }[ServerEventName];
