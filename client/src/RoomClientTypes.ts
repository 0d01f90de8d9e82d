import type { ClientCloseReason } from '../../server/protocol/closeReasons.js';
import type { Reaction } from '../../server/protocol/limits.js';
import type { MediaSource } from '../../server/protocol/media.js';
import type { ServerEvents } from '../../server/protocol/events.js';
import type { RequestInput, RequestName } from '../../server/protocol/requests.js';
import type { ChatMessage, ParticipantInfo, Responses } from '../../server/protocol/responses.js';

/** RoomClient's public shapes: its events, what it reports of received tracks, its join extras. */
export type Source = MediaSource;

/** A track someone else sends, as this client receives it. */
export interface RemoteTrack {
	consumerId: string;
	producerId: string;
	participantId: string;
	source: Source;
	kind: 'audio' | 'video';
	track: MediaStreamTrack;
}

/** What the browser received and decoded for one track so far (cumulative counters). */
export interface InboundStat {
	consumerId: string;
	participantId: string;
	source: Source;
	kind: string;
	framesDecoded: number;
	totalSamplesReceived: number;
	packetsReceived: number;
	packetsLost: number;
	/** Sum of squared sample levels received (audio); rises only while the audio is not silent. */
	totalAudioEnergy: number;
	frameWidth: number;
	/** Paused here (hidden tile) or at the sender (muted): no packets expected. */
	paused: boolean;
}

export type RoomClientEvents = {
	participantJoined: [ParticipantInfo];
	participantLeft: [participantId: string];
	trackAdded: [RemoteTrack];
	trackRemoved: [consumerId: string];
	/** Remote producers were added, closed, paused or resumed; read `remoteProducers()`. */
	producersChanged: [];
	chat: [ChatMessage];
	/** Someone's hand went up or down (also this client's own). */
	handChanged: [participantId: string, raisedAt: number | null];
	reaction: [participantId: string, reaction: Reaction];
	/** Someone's role changed (also this client's own: see `role`). */
	participantUpdated: [ParticipantInfo];
	/** Room settings, the lobby list or the polls changed (see `settings`, `lobby`, `polls`). */
	roomChanged: [];
	/** A moderator muted this client, or asks it to unmute, or stopped its camera/screen. */
	moderated: [action: 'muted' | 'askedToUnmute' | 'cameraStopped' | 'screenStopped'];
	activeSpeaker: [participantId: string];
	/** Once: the room ended or this client left; `reason` is what the server said, 'left' or 'disconnected'. */
	closed: [reason: EndReason];
	/** Once: the server drains for a restart; the meeting goes on until it ends or until `deadlineAt`. */
	draining: [deadlineAt: number];
	/** The signalling connection dropped ('reconnecting') or came back and resynced ('connected'). */
	connection: [state: 'reconnecting' | 'connected'];
	/** This client is now in another room of the meeting (a breakout room or back): everything room-bound starts anew. */
	moved: [];
	/** A moderator's message to all rooms of the meeting (breakout rooms). */
	breakoutMessage: [text: string];
};

/** Why this client's meeting ended: what the server said (`roomClosed`), or this client's own reason. */
export type EndReason = ClientCloseReason | 'left' | 'disconnected';

/** Extra join inputs: a room token, a password, and a callback for "now waiting in the lobby". */
export interface JoinExtras {
	token?: string;
	password?: string;
	onLobby?: () => void;
}


/**
 * Requests and pushes on a meeting's connection, for modules loaded only when used (notes,
 * whiteboard). `on` answers the function that stops listening. The connection stays the same
 * across a resume: listeners keep working; `connection` events say when to catch up.
 */
export interface MeetingChannel {
	request<N extends RequestName>(name: N, payload: RequestInput<N>): Promise<Responses[N]>;
	on<K extends keyof ServerEvents>(event: K, fn: (data: ServerEvents[K]) => void): () => void;
}
