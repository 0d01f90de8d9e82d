import { z } from 'zod';
import { ChatTextSchema, DisplayNameSchema, IdSchema, MediaJsonSchema, RoomIdSchema } from './common.js';
import { StageShown } from './responses.js';
import { LIMITS, REACTIONS, SHARED_DOCS } from './limits.js';
import { MediaKind, MediaSource, TransportDirection, VideoSource } from './media.js';

const Password = z.string().min(1).max(LIMITS.PASSWORD_MAX);
const Secret = z.string().min(1).max(LIMITS.SECRET_MAX);
const Layer = z.number().int().min(0).max(LIMITS.LAYER_MAX);
const DocName = z.enum(SHARED_DOCS);
/** Yjs bytes as standard base64 (checked here; the Yjs decoder then checks the bytes). */
/**
 * The room a client made an edit in. A move to another room of the meeting (breakout rooms)
 * can overtake an edit already sent: one naming another room is dropped, never merged there.
 */
const RoomSeen = z.string().min(1).max(LIMITS.ROOM_ID_MAX).optional();
const Base64 = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 expected');

/** One schema per client → server request. The gateway parses before any handler runs. */
export const Requests = {
	join: z.strictObject({
		roomId: RoomIdSchema,
		displayName: DisplayNameSchema,
		/** A room token (JWT) from the operator's portal; required to create rooms in token mode. */
		token: z.string().min(1).max(LIMITS.TOKEN_MAX).optional(),
		password: Password.optional(),
		/** The single-use ticket a lobby admission handed out. */
		ticket: Secret.optional(),
	}),
	/** Waits in a room's lobby; the answer to a join that got PLN_LOBBY_REQUIRED. */
	knock: z.strictObject({ roomId: RoomIdSchema, displayName: DisplayNameSchema, password: Password.optional() }),
	leave: z.strictObject({}),
	/** After a dropped connection: the same participant on a new socket. */
	resume: z.strictObject({ roomId: RoomIdSchema, participantId: IdSchema, resumeToken: Secret }),
	setRtpCapabilities: z.strictObject({ rtpCapabilities: MediaJsonSchema }),
	createTransport: z.strictObject({ direction: TransportDirection }),
	connectTransport: z.strictObject({ transportId: IdSchema, dtlsParameters: MediaJsonSchema }),
	restartIce: z.strictObject({ transportId: IdSchema }),
	produce: z.strictObject({
		transportId: IdSchema,
		kind: MediaKind,
		source: MediaSource,
		rtpParameters: MediaJsonSchema,
		paused: z.boolean().default(false),
	}),
	pauseProducer: z.strictObject({ producerId: IdSchema }),
	resumeProducer: z.strictObject({ producerId: IdSchema }),
	closeProducer: z.strictObject({ producerId: IdSchema }),
	consume: z.strictObject({ producerId: IdSchema }),
	pauseConsumer: z.strictObject({ consumerId: IdSchema }),
	resumeConsumer: z.strictObject({ consumerId: IdSchema }),
	setPreferredLayers: z.strictObject({
		consumerId: IdSchema,
		spatialLayer: Layer,
		temporalLayer: Layer.optional(),
	}),
	sendChat: z.strictObject({ text: ChatTextSchema }),
	muteParticipant: z.strictObject({ participantId: IdSchema }),
	muteAll: z.strictObject({}),
	askToUnmute: z.strictObject({ participantId: IdSchema }),
	stopVideo: z.strictObject({ participantId: IdSchema, source: VideoSource }),
	/** `ban`: the same invitation (token) cannot rejoin while the room lives. */
	removeParticipant: z.strictObject({ participantId: IdSchema, ban: z.boolean().default(false) }),
	makeModerator: z.strictObject({ participantId: IdSchema }),
	lowerAllHands: z.strictObject({}),
	endMeeting: z.strictObject({}),
	setRoomLock: z.strictObject({ locked: z.boolean() }),
	setLobby: z.strictObject({ enabled: z.boolean() }),
	setPassword: z.strictObject({ password: Password.nullable() }),
	admit: z.strictObject({ entryId: IdSchema }),
	deny: z.strictObject({ entryId: IdSchema }),
	admitAll: z.strictObject({}),
	createPoll: z.strictObject({
		question: z.string().trim().min(1).max(LIMITS.POLL_QUESTION_MAX),
		options: z.array(z.string().trim().min(1).max(LIMITS.POLL_OPTION_MAX)).min(LIMITS.POLL_OPTIONS_MIN).max(LIMITS.POLL_OPTIONS_MAX),
	}),
	vote: z.strictObject({ pollId: IdSchema, option: z.number().int().min(0).max(LIMITS.POLL_OPTIONS_MAX - 1) }),
	closePoll: z.strictObject({ pollId: IdSchema }),
	setHand: z.strictObject({ raised: z.boolean() }),
	sendReaction: z.strictObject({ reaction: z.enum(REACTIONS) }),
	/** Opens a shared document: the client's Yjs state vector; the answer has what it lacks. */
	docSync: z.strictObject({ doc: DocName, stateVector: Base64(LIMITS.DOC_STATE_VECTOR_MAX_CHARS) }),
	/** A Yjs update the client made (or a catch-up after docSync). */
	docUpdate: z.strictObject({ doc: DocName, update: Base64(LIMITS.DOC_UPDATE_MAX_CHARS).min(1), room: RoomSeen }),
	/** This client's cursors and selection (a y-protocols awareness update). */
	docCursor: z.strictObject({ doc: DocName, update: Base64(LIMITS.DOC_UPDATE_MAX_CHARS).min(1), room: RoomSeen }),
	/** Moderators: the notes read-only for everyone else, or editable again. */
	setNotesLocked: z.strictObject({ locked: z.boolean() }),
	/** Moderators and the presenter: what the stage shows (a board one past the last adds one). */
	setStage: z.strictObject({ shown: StageShown }),
	/** Moderators: who presents besides them (null: nobody). */
	setPresenter: z.strictObject({ participantId: IdSchema.nullable() }),
	/** Moderators and the presenter: who may draw besides them. */
	setDrawing: z.strictObject({ everyone: z.boolean(), participantIds: z.array(IdSchema).max(LIMITS.DRAWERS_MAX) }),
	/**
	 * Moderators and the presenter: a PDF upload begins. `pages` is what the uploader's pdf.js
	 * counted (it bounds page numbers only; the server never parses the file).
	 */
	presentationStart: z.strictObject({
		name: z.string().trim().min(1).max(LIMITS.PRESENTATION_NAME_MAX),
		size: z.number().int().min(1).max(2 ** 31),
		pages: z.number().int().min(1).max(LIMITS.PDF_PAGES_MAX),
	}),
	/** Part `index` of an upload, base64: PRESENTATION_PART_BYTES each, in any order. */
	presentationPart: z.strictObject({ presentationId: IdSchema, index: z.number().int().min(0).max(1_000_000), data: Base64(LIMITS.DOC_UPDATE_MAX_CHARS).min(4) }),
	/** Part `index` of a presentation the room holds. */
	presentationRead: z.strictObject({ presentationId: IdSchema, index: z.number().int().min(0).max(1_000_000) }),
	/** Moderators and the presenter: the presentation goes (and from the stage, if shown). */
	presentationRemove: z.strictObject({ presentationId: IdSchema }),
	/**
	 * Moderators: opens breakout rooms and moves the participants named in each there; with
	 * `allowChoose` the others may pick one. They end after `durationSeconds` (or breakoutEnd).
	 */
	breakoutStart: z.strictObject({
		rooms: z.array(z.strictObject({
			name: z.string().trim().min(1).max(LIMITS.BREAKOUT_NAME_MAX),
			participantIds: z.array(IdSchema).max(1_000),
		})).min(LIMITS.BREAKOUTS_MIN).max(LIMITS.BREAKOUTS_MAX),
		allowChoose: z.boolean(),
		durationSeconds: z.number().int().min(LIMITS.BREAKOUT_SECONDS_MIN).max(LIMITS.BREAKOUT_SECONDS_MAX),
	}),
	/** Goes to a breakout room (null: back to the main room): moderators any, others their own or, when allowed, any. */
	breakoutJoin: z.strictObject({ breakoutId: IdSchema.nullable() }),
	/** Moderators: moves someone to a breakout room (null: to the main room). */
	breakoutMove: z.strictObject({ participantId: IdSchema, breakoutId: IdSchema.nullable() }),
	/** Moderators: the breakout rooms run this much longer. */
	breakoutExtend: z.strictObject({ seconds: z.number().int().min(1).max(LIMITS.BREAKOUT_SECONDS_MAX) }),
	/** Moderators: a message shown in every breakout room and the main room. */
	breakoutBroadcast: z.strictObject({ text: z.string().trim().min(1).max(LIMITS.CHAT_TEXT_MAX) }),
	/** Moderators: everyone back to the main room now; the breakout rooms and their contents go. */
	breakoutEnd: z.strictObject({}),
} as const;

export type RequestName = keyof typeof Requests;
export type RequestOf<N extends RequestName> = z.infer<(typeof Requests)[N]>;
/** What a client sends for `N` (before defaults and transforms): the client's request type. */
export type RequestInput<N extends RequestName> = z.input<(typeof Requests)[N]>;

export function isRequestName(name: string): name is RequestName {
	return Object.hasOwn(Requests, name);
}
