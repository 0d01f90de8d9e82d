import { z } from 'zod';
import type { RoomMedia } from '../../sfu-workers/types.js';
import type { Logger } from '../observability/log.js';
import { LIMITS } from '../protocol/common.js';
import { ChatMessage, StageView } from '../protocol/responses.js';
import { type RoomId, asParticipantId } from '../shared/ids.js';
import { Participant } from './Participant.js';
import { Poll } from './Poll.js';
import { Room, type RoomOptions } from './Room.js';

const ParticipantState = z.object({
	id: z.string().min(1).max(64),
	displayName: z.string().max(200),
	kind: z.enum(['browser', 'phone']),
	role: z.enum(['moderator', 'participant']),
	handRaisedAt: z.number().nullable(),
	resumeToken: z.string().min(16).max(64),
	tokenDigest: z.string().max(128).nullable(),
});

const PollState = z.object({
	id: z.string().min(1).max(64),
	question: z.string(),
	options: z.array(z.string()).max(50),
	open: z.boolean(),
	counts: z.array(z.number().int().min(0)),
	voted: z.array(z.string()),
});

/**
 * A room's replicated state (`pln:room:<h>:state`): what a new owner needs to go on after the
 * old one died. Names and chat are in it, so it lives only in Redis without persistence, with a
 * TTL, and goes at the room's close. Read back from Redis: always parsed with this schema.
 */
export const RoomStateSchema = z.object({
	v: z.literal(1),
	openedAt: z.number(),
	participants: z.array(ParticipantState).max(10_000),
	chat: z.array(ChatMessage).max(LIMITS.CHAT_HISTORY_MAX),
	polls: z.array(PollState).max(1_000),
	access: z.object({
		locked: z.boolean(),
		lobby: z.boolean(),
		passwordDigest: z.string().max(128).nullable(),
		banned: z.array(z.string().max(128)),
	}),
	dialInPin: z.string().max(32).nullable(),
	/** What the stage shows (a new owner shows the same; the documents come back from the clients). */
	stage: StageView.optional(),
});
export type RoomState = z.infer<typeof RoomStateSchema>;

/** The room's replicated state, JSON-safe. Not the lobby's knockers (bound to sockets) nor media. */
export function exportRoomState(room: Room): RoomState {
	return {
		v: 1,
		openedAt: room.openedAt,
		participants: room.participants().map((p) => ({
			id: p.id,
			displayName: p.displayName,
			kind: p.kind,
			role: p.role,
			handRaisedAt: p.handRaisedAt ?? null,
			resumeToken: p.resumeToken,
			tokenDigest: p.tokenDigest ?? null,
		})),
		chat: room.chatHistory(),
		polls: [...room.polls.values()].map((p) => p.state()),
		access: room.access.exportState(),
		dialInPin: room.dialInPin ?? null,
		stage: room.stage.view(),
	};
}

/**
 * A room made again from saved state (a new owner after the old one died). Every participant
 * is disconnected, as after a dropped connection: the reconnect grace runs, a resume with the
 * saved token binds a new connection and registers the media anew (the client rebuilds).
 */
export function restoreRoom(id: RoomId, media: RoomMedia, opts: RoomOptions, log: Logger, state: RoomState): Room {
	const room = new Room(id, media, opts, log);
	room.openedAt = state.openedAt;
	for (const s of state.participants) {
		const p = new Participant(asParticipantId(s.id), s.displayName, undefined, s.role, s.kind, s.resumeToken);
		p.handRaisedAt = s.handRaisedAt ?? undefined;
		p.tokenDigest = s.tokenDigest ?? undefined;
		p.mediaRegistered = false;
		room.restoreParticipant(p);
	}
	room.restoreChat(state.chat);
	for (const s of state.polls) room.polls.set(s.id, new Poll(s.question, s.options, s));
	room.access.restoreState(state.access);
	room.dialInPin = state.dialInPin ?? undefined;
	if (state.stage) room.stage.restore(state.stage);
	return room;
}
