import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A room's id as it appears in links: unguessable by default, or a name a user chose. */
export type RoomId = Brand<string, 'RoomId'>;
/** A participant's id inside one room; random, never derived from personal data. */
export type ParticipantId = Brand<string, 'ParticipantId'>;

/** 16 random bytes (128 bits) as base64url: 22 characters. */
export function newRoomId(): RoomId {
	return randomBytes(16).toString('base64url') as RoomId;
}

export function newParticipantId(): ParticipantId {
	return randomBytes(9).toString('base64url') as ParticipantId;
}

/** Room ids pass the protocol schema first; this only attaches the brand. */
export function asRoomId(value: string): RoomId {
	return value as RoomId;
}

export function asParticipantId(value: string): ParticipantId {
	return value as ParticipantId;
}
