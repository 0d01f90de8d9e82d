import type { RoomSnapshot } from '../../protocol/responses.js';
import type { Participant } from '../../rooms/Participant.js';
import type { Room } from '../../rooms/Room.js';
import { RoomAccess } from '../../rooms/RoomAccess.js';
import { PlenumError } from '../../shared/errors.js';
import { type RoomId, asParticipantId, asRoomId } from '../../shared/ids.js';
import type { TokenClaims } from '../../auth/tokenClaims.js';
import type { Session } from '../Session.js';
import type { Handler } from '../handlerTypes.js';
import { FEATURES } from '../../protocol/limits.js';

/**
 * Checks the join's token, if any, against the room. Token mode: a token is needed, except
 * for guests of an open room with a lobby ("allows guests"): they knock, and a moderator's
 * admission (the ticket) lets them in.
 */
async function admit(s: Session, roomId: RoomId, token: string | undefined, ticket: string | undefined): Promise<TokenClaims | undefined> {
	const { mode, verifier } = s.deps.auth;
	const claims = token && verifier ? await verifier.verify(token) : undefined;
	if (claims && claims.room !== '*' && claims.room !== roomId) throw new PlenumError('PLN_TOKEN_WRONG_ROOM');
	if (mode === 'token' && !claims) {
		const room = s.deps.registry.get(roomId);
		if (!room?.access.lobby) throw new PlenumError('PLN_TOKEN_REQUIRED');
		if (!ticket) throw new PlenumError('PLN_LOBBY_REQUIRED');
	}
	return claims;
}

/** The room as `self` needs it on joining (or resuming, or moving in). */
export function snapshot(s: Session, room: Room, self: Participant): RoomSnapshot {
	return {
		settings: room.access.settings(),
		polls: [...room.polls.values()].filter((p) => p.open).map((p) => p.view()),
		participants: room.others(self.id).map((p) => p.info()),
		producers: room.media.producers().filter((p) => p.participantId !== self.id),
		chat: room.chatHistory(),
		stage: room.stage.view(),
		presentations: room.presentations.list(),
		breakouts: (room.parent ?? room).breakouts?.view(self) ?? null,
		breakoutName: room.parent?.breakouts?.nameOf(room) ?? null,
		features: [...(s.deps.features ?? FEATURES)],
		activeSpeaker: room.activeSpeaker ?? null,
		// A breakout room is reached by a move only: its PIN is not given out.
		dialIn: room.dialInPin && !room.parent && s.deps.dialInNumber ? { number: s.deps.dialInNumber, pin: room.dialInPin } : null,
		// A resume that moved the media to another node (or to a restored room) rebuilds it too.
		mediaLost: room.media.needsRebuild(self.id) || self.mediaReset,
		failoverUrls: s.deps.failoverUrls?.() ?? [],
	};
}

/** join / leave: the only requests allowed before a participant exists. */
export const roomHandlers = {
	join: (async (s, req) => {
		if (s.participant || s.joining) throw new PlenumError('PLN_ALREADY_JOINED');
		s.joining = true;
		try {
			const roomId = asRoomId(req.roomId);
			const claims = await admit(s, roomId, req.token, req.ticket);
			const room = await s.deps.registry.getOrCreate(roomId);
			// A breakout room is entered by a move from its meeting, never by its id.
			if (room.parent) throw new PlenumError('PLN_ROOM_NOT_FOUND');
			// The socket may have gone while the room was being created: joining now would
			// leave a participant nobody can remove, keeping the room open forever.
			if (!s.socket.connected || s.closed) throw new PlenumError('PLN_NOT_JOINED');
			// Open mode: whoever opens the room moderates it. A token's role always wins.
			// The room's opener creates it with nobody to admit them: lock, password and lobby
			// apply to everyone after (a moderator's token passes them).
			const tokenDigest = claims && req.token ? RoomAccess.tokenDigest(req.token) : undefined;
			if (room.size > 0) room.access.gate({ moderatorToken: claims?.role === 'moderator', password: req.password, ticket: req.ticket, tokenDigest });
			const role = claims?.role ?? (s.deps.auth.mode === 'open' && room.size === 0 ? 'moderator' : 'participant');
			const participant = room.join(claims?.name ?? req.displayName, s.connection, role);
			participant.tokenDigest = tokenDigest;
			s.bind(room, participant);
			return {
				participantId: participant.id,
				role: participant.role,
				rtpCapabilities: room.media.rtpCapabilities(),
				resumeToken: participant.resumeToken,
				...snapshot(s, room, participant),
			};
		} finally {
			s.joining = false;
		}
	}) satisfies Handler<'join'>,

	resume: (async (s, req) => {
		if (s.participant || s.joining) throw new PlenumError('PLN_ALREADY_JOINED');
		// A new owner may be restoring the room right now: a resume relayed to it waits for that.
		const room = await s.deps.registry.find(asRoomId(req.roomId));
		if (!room) throw new PlenumError('PLN_RESUME_FAILED');
		// Binds the participant to this connection; a still-open old one (a frozen client) is
		// closed and can change nothing from now on.
		const participant = room.resume(asParticipantId(req.participantId), req.resumeToken, s.connection);
		s.bind(room, participant);
		return snapshot(s, room, participant);
	}) satisfies Handler<'resume'>,

	knock: (async (s, req) => {
		if (s.participant || s.joining || s.knocking) throw new PlenumError('PLN_ALREADY_JOINED');
		const room = await s.deps.registry.find(asRoomId(req.roomId));
		if (!room || room.parent) throw new PlenumError('PLN_ROOM_NOT_FOUND');
		// Token mode: only rooms with a lobby take guests.
		if (s.deps.auth.mode === 'token' && !room.access.lobby) throw new PlenumError('PLN_TOKEN_REQUIRED');
		const entry = room.access.knock(req.displayName, (push) => {
			s.socket.emit(push.event, push.data);
			if (push.event === 'lobbyDecision') s.knocking = undefined;
		}, req.password);
		s.knocking = { room, entryId: entry.id };
		room.toModerators({ event: 'lobbyChanged', data: { waiting: room.access.waiting() } });
		return { entryId: entry.id };
	}) satisfies Handler<'knock'>,

	leave: (async (s) => {
		s.joined();
		s.leave('clientLeft');
		return {};
	}) satisfies Handler<'leave'>,
};
