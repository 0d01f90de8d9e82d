/**
 * The protocol's zod-free constants: limits, reactions and the room-id pattern. Server schemas
 * and the browser client import them from here, so the client never copies a number by hand and
 * its bundle stays free of zod (only type imports reach the other protocol modules).
 */

/** Limits every inbound string and object carries (STYLE.md §6). */
export const LIMITS = {
	ROOM_ID_MAX: 64,
	DISPLAY_NAME_MAX: 64,
	CHAT_TEXT_MAX: 1000,
	/** Chat messages a room keeps for late joiners (memory only, gone at close). */
	CHAT_HISTORY_MAX: 100,
	ID_MAX: 64,
	/** rtpParameters / capabilities / dtlsParameters as JSON; generous for simulcast + many codecs. */
	MEDIA_JSON_MAX_BYTES: 32 * 1024,
	/** A room token (JWT) as the join request may carry it, in UTF-16 units. */
	TOKEN_MAX: 8192,
	PASSWORD_MAX: 128,
	/** Lobby tickets and resume tokens: server-made, base64url. */
	SECRET_MAX: 64,
	POLL_QUESTION_MAX: 300,
	POLL_OPTION_MAX: 100,
	POLL_OPTIONS_MIN: 2,
	POLL_OPTIONS_MAX: 10,
	/** Simulcast layers are 0…2: the three the client sends. */
	LAYER_MAX: 2,
	/** The shared notes' encoded Yjs state (memory only, gone at close). */
	NOTES_MAX_BYTES: 512 * 1024,
	/** The whiteboard's encoded Yjs state, and how many shapes it may hold. */
	BOARD_MAX_BYTES: 2 * 1024 * 1024,
	BOARD_OBJECTS_MAX: 5_000,
	/** One document or cursor update as base64: stays inside socket.io's 64 KiB message. */
	DOC_UPDATE_MAX_CHARS: 60_000,
	DOC_STATE_VECTOR_MAX_CHARS: 8_192,
	/** Cursor (awareness) client ids one participant may use per document: one per open tab is plenty. */
	DOC_CURSORS_PER_PARTICIPANT: 4,
	/** Blank whiteboards a room may have (each one a page of the board document). */
	BOARDS_MAX: 20,
	/** Pages a presentation may have: page numbers are 1…this. */
	PDF_PAGES_MAX: 2_000,
	/** Participants a presenter may name as drawers at once. */
	DRAWERS_MAX: 50,
	/** Presentations a room may hold at once (each at most PRESENTATION_MAX_BYTES, memory only). */
	PRESENTATIONS_MAX: 5,
	/** A presentation's file name as the uploader's browser gave it (shown, never logged). */
	PRESENTATION_NAME_MAX: 200,
	/** Bytes per upload or download part: its base64 (60,000 characters) fits a 64 KiB message. */
	PRESENTATION_PART_BYTES: 45_000,
	/** The presenter's zoom on a page. */
	ZOOM_MAX: 4,
	/** Breakout rooms a meeting may open at once, and the length of their names. */
	BREAKOUTS_MIN: 2,
	BREAKOUTS_MAX: 50,
	BREAKOUT_NAME_MAX: 60,
	/** How long breakout rooms may run (seconds), and by how much one extension may lengthen them. */
	BREAKOUT_SECONDS_MIN: 10,
	BREAKOUT_SECONDS_MAX: 8 * 3600,
} as const;

/** What a meeting can use besides audio, video, chat and polls; FEATURES in the config turns each on or off. */
export const FEATURES = ['notes', 'whiteboard', 'presentation'] as const;
export type Feature = (typeof FEATURES)[number];

/** The collaborative documents of a room: the notes and the whiteboard (Yjs, memory only). */
export const SHARED_DOCS = ['notes', 'board'] as const;
export type SharedDocName = (typeof SHARED_DOCS)[number];

/** Room ids in links: 22-char random by default, or a name a user picked (URL-safe only). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9._~-]+$/;

/** Whether `s` is a valid room id (pattern and length), the same test as the server's schema. */
export function isRoomId(s: string): boolean {
	return s.length >= 1 && s.length <= LIMITS.ROOM_ID_MAX && ROOM_ID_PATTERN.test(s);
}

export const REACTIONS = ['applause', 'thumbsUp', 'laugh', 'heart', 'surprised'] as const;
export type Reaction = (typeof REACTIONS)[number];

export const MEDIA_KINDS = ['audio', 'video'] as const;
/** What a producer carries, as the participant labelled it. */
export const MEDIA_SOURCES = ['mic', 'camera', 'screen', 'screenAudio'] as const;
export const TRANSPORT_DIRECTIONS = ['send', 'recv'] as const;
export const ROLES = ['moderator', 'participant'] as const;
/** 'phone' for dial-in callers (shown by the last four digits only). */
export const PARTICIPANT_KINDS = ['browser', 'phone'] as const;
