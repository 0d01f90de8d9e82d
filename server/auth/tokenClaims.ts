import { z } from 'zod';
import { DisplayNameSchema, RoomIdSchema } from '../protocol/common.js';

/** Tokens larger than this are refused before any parsing (headers + claims fit in far less). */
export const MAX_TOKEN_BYTES = 4096;

/** The claims Plenum reads from a room token; `exp`, `nbf`, `iss`, `aud` are checked by jose. */
export const TokenClaimsSchema = z.object({
	/** A room id, or '*' for any room. */
	room: z.union([z.literal('*'), RoomIdSchema]),
	name: DisplayNameSchema.optional(),
	role: z.enum(['moderator', 'participant']).default('participant'),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;
export type Role = TokenClaims['role'];
