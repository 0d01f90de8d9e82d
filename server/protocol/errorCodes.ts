/**
 * The error codes a client can be told, with their category and a short, neutral English
 * message (the server's text; clients show their own text per code, in the user's language).
 * Zod-free, so the browser client imports the code list from here. Every code is listed in
 * docs/errors.md (server/shared/errors.test.ts checks both directions). `PlenumError` and the
 * mapping to the wire live in server/shared/errors.ts.
 */
export type ErrorCategory = 'invalid' | 'forbidden' | 'notFound' | 'conflict' | 'unavailable' | 'internal';

export const ERRORS = {
	PLN_INVALID_MESSAGE: { category: 'invalid', message: 'The request is malformed.' },
	PLN_UNKNOWN_REQUEST: { category: 'invalid', message: 'Unknown request.' },
	PLN_NOT_FOUND: { category: 'notFound', message: 'Not found.' },
	PLN_METRICS_TOKEN_REQUIRED: { category: 'forbidden', message: 'Metrics need the bearer token.' },
	PLN_NOT_JOINED: { category: 'conflict', message: 'Join a room first.' },
	PLN_ALREADY_JOINED: { category: 'conflict', message: 'Already in a room.' },
	PLN_ROOM_CLOSED: { category: 'conflict', message: 'The meeting has ended.' },
	PLN_RESUME_FAILED: { category: 'notFound', message: 'The session could not be resumed; join again.' },
	PLN_RATE_LIMITED: { category: 'unavailable', message: 'Too many requests; slow down.' },
	PLN_TOO_MANY_PENDING: { category: 'unavailable', message: 'Too many requests are waiting for an answer.' },
	PLN_ORIGIN_NOT_ALLOWED: { category: 'forbidden', message: 'Connections from this web page are not allowed.' },
	PLN_TOO_MANY_ROOMS: { category: 'unavailable', message: 'This server hosts its maximum number of meetings.' },
	PLN_DRAINING: { category: 'unavailable', message: 'This server is restarting; new meetings cannot start now.' },
	PLN_BANNED: { category: 'forbidden', message: 'A moderator removed you from this meeting.' },
	PLN_ROOM_LOCKED: { category: 'forbidden', message: 'The meeting is locked.' },
	PLN_PASSWORD_REQUIRED: { category: 'forbidden', message: 'This meeting needs a password.' },
	PLN_WRONG_PASSWORD: { category: 'forbidden', message: 'The password is wrong.' },
	PLN_LOBBY_REQUIRED: { category: 'forbidden', message: 'Please wait in the lobby until a moderator lets you in.' },
	PLN_ROOM_NOT_FOUND: { category: 'notFound', message: 'There is no such meeting right now.' },
	PLN_POLL_NOT_FOUND: { category: 'notFound', message: 'There is no such poll.' },
	PLN_POLL_CLOSED: { category: 'conflict', message: 'The poll is closed.' },
	PLN_ALREADY_VOTED: { category: 'conflict', message: 'You already voted in this poll.' },
	PLN_ROOM_FULL: { category: 'unavailable', message: 'The meeting is full.' },
	PLN_TRANSPORT_NOT_FOUND: { category: 'notFound', message: 'No such transport.' },
	PLN_PRODUCER_NOT_FOUND: { category: 'notFound', message: 'No such media source.' },
	PLN_CONSUMER_NOT_FOUND: { category: 'notFound', message: 'No such media subscription.' },
	PLN_CANNOT_CONSUME: { category: 'invalid', message: 'This browser cannot receive that media.' },
	PLN_CAPABILITIES_MISSING: { category: 'conflict', message: 'Send the media capabilities first.' },
	PLN_INVALID_MEDIA: { category: 'invalid', message: 'The media parameters were rejected.' },
	PLN_QUOTA_EXCEEDED: { category: 'unavailable', message: 'Too many media streams or connections for one participant or meeting.' },
	PLN_NO_WORKER: { category: 'unavailable', message: 'No media server is available.' },
	PLN_CLUSTER_UNAVAILABLE: { category: 'unavailable', message: 'The server cluster is not reachable right now.' },
	PLN_NOT_MODERATOR: { category: 'forbidden', message: 'Only moderators can do that.' },
	PLN_PARTICIPANT_NOT_FOUND: { category: 'notFound', message: 'That participant is not in the meeting.' },
	PLN_TOKEN_REQUIRED: { category: 'forbidden', message: 'This meeting needs an invitation token.' },
	PLN_TOKEN_INVALID: { category: 'forbidden', message: 'The invitation token is not valid.' },
	PLN_TOKEN_TOO_LARGE: { category: 'invalid', message: 'The invitation token is too large.' },
	PLN_TOKEN_EXPIRED: { category: 'forbidden', message: 'The invitation token has expired.' },
	PLN_TOKEN_NOT_YET_VALID: { category: 'forbidden', message: 'The invitation token is not valid yet.' },
	PLN_TOKEN_WRONG_AUDIENCE: { category: 'forbidden', message: 'The invitation token is for another service.' },
	PLN_TOKEN_WRONG_ISSUER: { category: 'forbidden', message: 'The invitation token comes from an unknown issuer.' },
	PLN_TOKEN_BAD_SIGNATURE: { category: 'forbidden', message: 'The invitation token signature is wrong.' },
	PLN_TOKEN_ALG_NOT_ALLOWED: { category: 'forbidden', message: 'The invitation token uses a refused algorithm.' },
	PLN_TOKEN_UNKNOWN_KEY: { category: 'forbidden', message: 'The invitation token is signed with an unknown key.' },
	PLN_TOKEN_KEYS_UNAVAILABLE: { category: 'unavailable', message: 'Invitation keys cannot be loaded right now.' },
	PLN_TOKEN_WRONG_ROOM: { category: 'forbidden', message: 'The invitation token is for another meeting.' },
	PLN_STATE_CLOSED: { category: 'conflict', message: 'The object is already closed.' },
	PLN_SIP_NO_AUDIO: { category: 'invalid', message: 'The call offers no audio stream.' },
	PLN_SIP_NO_CODEC: { category: 'invalid', message: 'The call offers no codec the bridge speaks (G.711 PCMU or PCMA).' },
	PLN_SIP_BAD_SDP: { category: 'invalid', message: 'The call describes its audio in a way the bridge cannot use.' },
	PLN_SIP_BAD_ROOM_HEADER: { category: 'invalid', message: 'The call names a meeting that is not a valid meeting id.' },
	PLN_DIAL_IN_PIN_UNAVAILABLE: { category: 'unavailable', message: 'No dial-in PIN is free right now.' },
	PLN_FEATURE_OFF: { category: 'forbidden', message: 'This server has that feature turned off.' },
	PLN_NOT_PRESENTER: { category: 'forbidden', message: 'Only the presenter or a moderator can do that.' },
	PLN_DOC_READ_ONLY: { category: 'forbidden', message: 'You cannot edit this right now.' },
	PLN_DOC_TOO_LARGE: { category: 'invalid', message: 'The document has reached its size limit.' },
	PLN_NOT_A_PDF: { category: 'invalid', message: 'Only PDF files can be presented; export the slides as PDF first.' },
	PLN_PRESENTATION_TOO_LARGE: { category: 'invalid', message: 'The file is larger than this server accepts.' },
	PLN_BREAKOUTS_RUNNING: { category: 'conflict', message: 'Breakout rooms are already running; end them first.' },
	PLN_BREAKOUTS_NOT_RUNNING: { category: 'conflict', message: 'No breakout rooms are running.' },
	PLN_TOO_MANY_PRESENTATIONS: { category: 'invalid', message: 'The room holds as many presentations as it may; remove one first.' },
	PLN_INTERNAL: { category: 'internal', message: 'Something went wrong on the server.' },
} as const satisfies Record<string, { category: ErrorCategory; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Codes the browser client makes itself (never sent by the server); listed in docs/errors.md
 * under "Client-side only".
 */
export const CLIENT_ERRORS = {
	PLN_TIMEOUT: { message: 'The server did not answer in time.' },
	PLN_LOBBY_DENIED: { message: 'A moderator did not let you in.' },
} as const satisfies Record<string, { message: string }>;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;
