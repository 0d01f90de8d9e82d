/**
 * Why a participant or a room ended, inside the server (logs, metrics) and on the wire.
 * `toClientReason` is the one place an internal reason becomes what a client is told
 * (livekit `ParticipantCloseReason.ToDisconnectReason`). Zod-free: the client imports it.
 */

export const CLOSE_REASONS = [
	'clientLeft', // the participant left or closed the tab
	'callHungUp', // a phone caller hung up (or the call failed)
	'kicked', // a moderator removed the participant
	'disconnected', // the connection dropped
	'roomEmpty', // the last participant left and the grace period passed
	'roomEnded', // the room was ended for everyone
	'maxDuration', // the room reached ROOM_MAX_DURATION_MS
	'workerDied', // the media worker process died
	'shutdown', // the server is stopping
	'moved', // the participant went to a breakout room or back (it is in the other room now)
	'breakoutEnded', // a breakout room ended (its participants went back to the main room first)
] as const;
/** Why a participant or a room ended; one enum for logs, metrics and (mapped) clients. */
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** What `roomClosed` tells a client: each value has its own text in the client's languages. */
export const CLIENT_CLOSE_REASONS = [
	'kicked', // a moderator removed you
	'roomEnded', // a moderator ended the meeting for everyone
	'maxDuration', // the meeting reached its time limit
	'workerDied', // a server fault ended the meeting
	'shutdown', // the server stopped (after a drain)
	'closed', // the meeting closed for another reason
] as const;
export type ClientCloseReason = (typeof CLIENT_CLOSE_REASONS)[number];

// A Record, not a switch: a new CloseReason fails the build until it is mapped here.
const TO_CLIENT: Record<CloseReason, ClientCloseReason> = {
	clientLeft: 'closed',
	callHungUp: 'closed',
	kicked: 'kicked',
	disconnected: 'closed',
	roomEmpty: 'closed',
	roomEnded: 'roomEnded',
	maxDuration: 'maxDuration',
	moved: 'closed',
	breakoutEnded: 'closed',
	workerDied: 'workerDied',
	shutdown: 'shutdown',
};

/** The reason a client is told for an internal close reason. */
export function toClientReason(reason: CloseReason): ClientCloseReason {
	return TO_CLIENT[reason];
}
