import { z } from 'zod';
import { ERRORS, type ErrorCode } from './errorCodes.js';
import { FEATURES, LIMITS, PARTICIPANT_KINDS, ROLES } from './limits.js';
import { ConsumerInfo, IceServer, ProducerInfo, TransportInfo } from './media.js';
import type { RequestName } from './requests.js';

/**
 * What the server sends back: one schema per answer, the types inferred from them (never a
 * hand-written twin). The client imports the types only; tests may parse real answers with the
 * schemas.
 */

export { ConsumerInfo, IceServer, ProducerInfo, TransportInfo };

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export const ParticipantKind = z.enum(PARTICIPANT_KINDS);
export type ParticipantKind = z.infer<typeof ParticipantKind>;

/** A participant as other participants see it. */
export const ParticipantInfo = z.object({
	id: z.string(),
	displayName: z.string(),
	/** 'phone' for dial-in callers (shown by the last four digits only). */
	kind: ParticipantKind,
	role: Role,
	/** Joined with an invitation (token): a moderator can ban that invitation. */
	invited: z.boolean(),
	/** When the hand went up (server ms clock), for the ordered hand list; null when down. */
	handRaisedAt: z.number().nullable(),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

/** One chat line, as kept in the room's memory and sent to participants. */
export const ChatMessage = z.object({
	id: z.string(),
	participantId: z.string(),
	displayName: z.string(),
	text: z.string(),
	sentAt: z.number(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A poll as participants see it while it runs. */
export const PollView = z.object({
	id: z.string(),
	question: z.string(),
	options: z.array(z.string()),
	open: z.boolean(),
});
export type PollView = z.infer<typeof PollView>;

/** A closed poll with its anonymous counts, one per option. */
export const PollResult = PollView.extend({ counts: z.array(z.number()) });
export type PollResult = z.infer<typeof PollResult>;

/** Who may come in, as everyone in the room sees it. */
export const RoomSettings = z.object({
	locked: z.boolean(),
	lobby: z.boolean(),
	hasPassword: z.boolean(),
});
export type RoomSettings = z.infer<typeof RoomSettings>;

/** What the stage shows: the video grid (none), a blank whiteboard, or a page of a presentation. */
export const StageShown = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('none') }),
	z.strictObject({ kind: z.literal('board'), board: z.number().int().min(0).max(LIMITS.BOARDS_MAX - 1) }),
	z.strictObject({
		kind: z.literal('pdf'),
		presentationId: z.string().min(1).max(LIMITS.ID_MAX),
		page: z.number().int().min(1).max(LIMITS.PDF_PAGES_MAX),
		/** The presenter's zoom (1: the whole page) and the page point at the middle of the view (fractions). */
		zoom: z.number().min(1).max(LIMITS.ZOOM_MAX).optional(),
		x: z.number().min(0).max(1).optional(),
		y: z.number().min(0).max(1).optional(),
	}),
]);
export type StageShown = z.infer<typeof StageShown>;

/** The stage as everyone sees it: what is shown, who presents, how many boards, who may draw. */
export const StageView = z.object({
	shown: StageShown,
	presenter: z.string().max(LIMITS.ID_MAX).nullable(),
	boards: z.number().int().min(1).max(LIMITS.BOARDS_MAX),
	drawEveryone: z.boolean(),
	drawers: z.array(z.string().max(LIMITS.ID_MAX)).max(LIMITS.DRAWERS_MAX),
});
export type StageView = z.infer<typeof StageView>;

/** A presentation the room holds (complete uploads only): its parts are read with presentationRead. */
export const PresentationView = z.object({ id: z.string(), name: z.string(), size: z.number(), pages: z.number(), parts: z.number() });
export type PresentationView = z.infer<typeof PresentationView>;

/** The breakout rooms of a meeting while they run: who is in which, and how long they have left. */
export const BreakoutsView = z.object({
	rooms: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.object({ id: z.string(), name: z.string() })) })),
	allowChoose: z.boolean(),
	/** Milliseconds left when this was sent (the client counts down from its own clock). */
	remainingMs: z.number(),
	/** Where the moderator's plan puts this participant (null: the main room, or none yet). */
	assigned: z.string().nullable(),
	/** The main room's id (a breakout room's participants go back there). */
	mainRoomId: z.string(),
});
export type BreakoutsView = z.infer<typeof BreakoutsView>;

/** The room as a (re)joining participant needs it: everyone else, their media, the chat. */
export const RoomSnapshot = z.object({
	settings: RoomSettings,
	polls: z.array(PollView),
	participants: z.array(ParticipantInfo),
	producers: z.array(ProducerInfo),
	chat: z.array(ChatMessage),
	stage: StageView,
	presentations: z.array(PresentationView),
	/** The meeting's breakout rooms while they run; null otherwise. */
	breakouts: BreakoutsView.nullable(),
	/** Which breakout room this is (null: the main room). */
	breakoutName: z.string().nullable(),
	/** Meeting features this server has on (FEATURES): the client offers only these. */
	features: z.array(z.enum(FEATURES)),
	/** The participant the SFU last named the active speaker; null before it named one. */
	activeSpeaker: z.string().nullable(),
	/** How to join by phone (number from config, the room's PIN); null when dial-in is off. */
	dialIn: z.object({ number: z.string(), pin: z.string() }).nullable(),
	/**
	 * This participant's transports went with a dead media worker while it could not be told
	 * (its connection was down): rebuild them, as for a mediaLost push with rebuild.
	 */
	mediaLost: z.boolean(),
	/** Public URLs of the cluster's other live nodes, to resume at when this one is unreachable; empty on a single node. */
	failoverUrls: z.array(z.string().url()),
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

/** An answer without data. */
const Empty = z.strictObject({});

/** What each request answers with on success; `satisfies` makes a missing or extra name fail the build. */
/** A join's answer: the room and who this participant is in it (a move to a breakout room says the same). */
export const Joined = RoomSnapshot.extend({ participantId: z.string(), role: Role, rtpCapabilities: z.unknown(), resumeToken: z.string() });

export const Responses = {
	join: Joined,
	resume: RoomSnapshot,
	leave: Empty,
	setRtpCapabilities: Empty,
	/** iceServers: TURN with fresh credentials, empty without TURN_URLS. */
	createTransport: TransportInfo.extend({ iceServers: z.array(IceServer) }),
	connectTransport: Empty,
	restartIce: z.object({ iceParameters: z.unknown(), iceServers: z.array(IceServer) }),
	produce: z.object({ producerId: z.string() }),
	pauseProducer: Empty,
	resumeProducer: Empty,
	closeProducer: Empty,
	consume: ConsumerInfo,
	pauseConsumer: Empty,
	resumeConsumer: Empty,
	setPreferredLayers: Empty,
	sendChat: z.object({ id: z.string(), sentAt: z.number() }),
	setHand: z.object({ raisedAt: z.number().nullable() }),
	sendReaction: Empty,
	muteParticipant: Empty,
	muteAll: Empty,
	askToUnmute: Empty,
	stopVideo: Empty,
	removeParticipant: Empty,
	makeModerator: Empty,
	lowerAllHands: Empty,
	endMeeting: Empty,
	knock: z.object({ entryId: z.string() }),
	createPoll: PollView,
	vote: Empty,
	closePoll: PollResult,
	setRoomLock: Empty,
	setLobby: Empty,
	setPassword: Empty,
	admit: Empty,
	deny: Empty,
	admitAll: Empty,
	/** Base64 Yjs: what the client lacks, the server's state vector, everyone's cursors. */
	docSync: z.object({ update: z.string(), stateVector: z.string(), cursors: z.string(), writable: z.boolean(), locked: z.boolean() }),
	docUpdate: Empty,
	docCursor: Empty,
	setNotesLocked: Empty,
	setStage: Empty,
	setPresenter: Empty,
	setDrawing: Empty,
	/** Where the upload goes and how large each part must be (the last may be shorter). */
	presentationStart: z.object({ presentationId: z.string(), partBytes: z.number() }),
	/** Whether the upload is complete with this part (then everyone is told). */
	presentationPart: z.object({ complete: z.boolean() }),
	/** One part of a presentation, base64. */
	presentationRead: z.object({ data: z.string() }),
	presentationRemove: Empty,
	breakoutStart: Empty,
	breakoutJoin: Empty,
	breakoutMove: Empty,
	breakoutExtend: Empty,
	breakoutBroadcast: Empty,
	breakoutEnd: Empty,
} as const satisfies Record<RequestName, z.ZodType>;

/** What each request answers with on success, inferred from `Responses`. */
export type Responses = { [N in RequestName]: z.infer<(typeof Responses)[N]> };

/** A catalogued error code (server/protocol/errorCodes.ts). */
export const ErrorCodeSchema = z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]);
/** A failed request's answer: a code the client switches on, and the server's English text. */
export const WireError = z.object({ code: ErrorCodeSchema, message: z.string() });
export type WireError = z.infer<typeof WireError>;
/** Every request is answered with exactly one ack of this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };
