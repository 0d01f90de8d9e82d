import type { RoomSnapshot } from '../../protocol/responses.js';
import type { Participant } from '../../rooms/Participant.js';
import type { Room } from '../../rooms/Room.js';
import { PlenumError } from '../../shared/errors.js';
import { asParticipantId, asRoomId } from '../../shared/ids.js';
import type { Handler } from '../handlerTypes.js';

function snapshot(room: Room, self: Participant): RoomSnapshot {
	return {
		participants: room.others(self.id).map((p) => p.info()),
		producers: room.media.producers().filter((p) => p.participantId !== self.id),
		chat: room.chatHistory(),
	};
}

/** join / leave: the only requests allowed before a participant exists. */
export const roomHandlers = {
	join: (async (s, req) => {
		if (s.participant || s.joining) throw new PlenumError('PLN_ALREADY_JOINED');
		s.joining = true;
		try {
			const room = await s.deps.registry.getOrCreate(asRoomId(req.roomId));
			// The socket may have gone while the room was being created: joining now would
			// leave a participant nobody can remove, keeping the room open forever.
			if (!s.socket.connected) throw new PlenumError('PLN_NOT_JOINED');
			const participant = room.join(req.displayName, (push) => s.push(push));
			s.room = room;
			s.participant = participant;
			return {
				participantId: participant.id,
				rtpCapabilities: room.media.rtpCapabilities(),
				resumeToken: participant.resumeToken,
				...snapshot(room, participant),
			};
		} finally {
			s.joining = false;
		}
	}) satisfies Handler<'join'>,

	resume: (async (s, req) => {
		if (s.participant || s.joining) throw new PlenumError('PLN_ALREADY_JOINED');
		const room = s.deps.registry.get(asRoomId(req.roomId));
		if (!room) throw new PlenumError('PLN_RESUME_FAILED');
		const participant = room.resume(asParticipantId(req.participantId), req.resumeToken, (push) => s.push(push));
		s.room = room;
		s.participant = participant;
		return snapshot(room, participant);
	}) satisfies Handler<'resume'>,

	leave: (async (s) => {
		s.joined();
		s.leave('clientLeft');
		return {};
	}) satisfies Handler<'leave'>,
};
