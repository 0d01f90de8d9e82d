import type { ErrorCode } from '../shared/errors.js';
import type { ConsumerInfo, IceServer, ProducerInfo, TransportInfo } from './media.js';
import type { RequestName } from './requests.js';

export type { ConsumerInfo, IceServer, ProducerInfo, TransportInfo };

/** A participant as other participants see it. */
export interface ParticipantInfo {
	id: string;
	displayName: string;
	/** 'phone' for dial-in callers (shown by the last four digits only). */
	kind: 'browser' | 'phone';
	role: 'moderator' | 'participant';
	/** Joined with an invitation (token): a moderator can ban that invitation. */
	invited: boolean;
	/** When the hand went up (server ms clock), for the ordered hand list; null when down. */
	handRaisedAt: number | null;
}

/** One chat line, as kept in the room's memory and sent to participants. */
export interface ChatMessage {
	id: string;
	participantId: string;
	displayName: string;
	text: string;
	sentAt: number;
}

/** A poll as participants see it while it runs. */
export interface PollView {
	id: string;
	question: string;
	options: string[];
	open: boolean;
}

/** A closed poll with its anonymous counts, one per option. */
export interface PollResult extends PollView {
	counts: number[];
}

/** Who may come in, as everyone in the room sees it. */
export interface RoomSettings {
	locked: boolean;
	lobby: boolean;
	hasPassword: boolean;
}

/** The room as a (re)joining participant needs it: everyone else, their media, the chat. */
export interface RoomSnapshot {
	settings: RoomSettings;
	polls: PollView[];
	participants: ParticipantInfo[];
	producers: ProducerInfo[];
	chat: ChatMessage[];
	/** The participant the SFU last named the active speaker; null before it named one. */
	activeSpeaker: string | null;
	/** How to join by phone (number from config, the room's PIN); null when dial-in is off. */
	dialIn: { number: string; pin: string } | null;
}

/** What each request answers with on success. */
export interface Responses {
	join: RoomSnapshot & { participantId: string; role: 'moderator' | 'participant'; rtpCapabilities: unknown; resumeToken: string };
	resume: RoomSnapshot;
	leave: Record<string, never>;
	setRtpCapabilities: Record<string, never>;
	/** iceServers: TURN with fresh credentials, empty without TURN_URLS. */
	createTransport: TransportInfo & { iceServers: IceServer[] };
	connectTransport: Record<string, never>;
	restartIce: { iceParameters: unknown; iceServers: IceServer[] };
	produce: { producerId: string };
	pauseProducer: Record<string, never>;
	resumeProducer: Record<string, never>;
	closeProducer: Record<string, never>;
	consume: ConsumerInfo;
	pauseConsumer: Record<string, never>;
	resumeConsumer: Record<string, never>;
	setPreferredLayers: Record<string, never>;
	sendChat: { id: string; sentAt: number };
	setHand: { raisedAt: number | null };
	sendReaction: Record<string, never>;
	muteParticipant: Record<string, never>;
	muteAll: Record<string, never>;
	askToUnmute: Record<string, never>;
	stopVideo: Record<string, never>;
	removeParticipant: Record<string, never>;
	makeModerator: Record<string, never>;
	lowerAllHands: Record<string, never>;
	endMeeting: Record<string, never>;
	knock: { entryId: string };
	createPoll: PollView;
	vote: Record<string, never>;
	closePoll: PollResult;
	setRoomLock: Record<string, never>;
	setLobby: Record<string, never>;
	setPassword: Record<string, never>;
	admit: Record<string, never>;
	deny: Record<string, never>;
	admitAll: Record<string, never>;
}

export type WireError = { code: ErrorCode; message: string };
/** Every request is answered with exactly one ack of this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

// Compile-time check: every request has a response type and nothing else does.
type Missing = Exclude<RequestName, keyof Responses>;
type Extra = Exclude<keyof Responses, RequestName>;
export const responsesCoverRequests: [Missing, Extra] extends [never, never] ? true : false = true;
