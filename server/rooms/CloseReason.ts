/** Why a participant or a room ended; one enum for logs, metrics and what clients are told. */
export type CloseReason =
	| 'clientLeft' // the participant left or closed the tab
	| 'callHungUp' // a phone caller hung up (or the call failed)
	| 'kicked' // a moderator removed the participant
	| 'disconnected' // the connection dropped
	| 'roomEmpty' // the last participant left and the grace period passed
	| 'roomEnded' // the room was ended for everyone
	| 'maxDuration' // the room reached ROOM_MAX_DURATION_MS
	| 'workerDied' // the media worker process died
	| 'shutdown'; // the server is stopping
