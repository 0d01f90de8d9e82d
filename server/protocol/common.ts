import { z } from 'zod';
import { LIMITS, ROOM_ID_PATTERN } from './limits.js';

// The zod-free constants moved to limits.ts (the client imports them); re-exported for the server.
export { LIMITS, REACTIONS, type Reaction } from './limits.js';

/** Room ids in links: 22-char random by default, or a name a user picked (URL-safe only). */
export const RoomIdSchema = z.string().regex(ROOM_ID_PATTERN, 'letters, digits and . _ ~ - only').min(1).max(LIMITS.ROOM_ID_MAX);

// Control characters (incl. bidi overrides) would let a name spoof others in the UI.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const DisplayNameSchema = z
	.string()
	.transform((s) => s.replace(CONTROL, '').trim())
	.pipe(z.string().min(1, 'must not be empty').max(LIMITS.DISPLAY_NAME_MAX));

/** Server-made ids (transports, producers, consumers): opaque, bounded. */
export const IdSchema = z.string().min(1).max(LIMITS.ID_MAX);

/**
 * mediasoup parameters (rtpParameters, rtpCapabilities, dtlsParameters): we check that they
 * are bounded JSON objects; mediasoup validates their contents and we map its rejection to
 * PLN_INVALID_MEDIA.
 */
export const MediaJsonSchema = z
	.record(z.string(), z.unknown())
	.refine((v) => JSON.stringify(v).length <= LIMITS.MEDIA_JSON_MAX_BYTES, 'too large');

/** Chat text: trimmed, non-empty, bounded; control characters other than newline removed. */
export const ChatTextSchema = z
	.string()
	// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
	.transform((s) => s.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim())
	.pipe(z.string().min(1, 'must not be empty').max(LIMITS.CHAT_TEXT_MAX));
