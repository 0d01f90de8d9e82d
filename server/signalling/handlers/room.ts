import type { Handler } from '../handlerTypes.js';
import { PlenumError } from '../../shared/errors.js';
import { asRoomId } from '../../shared/ids.js';

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
				participants: room.others(participant.id).map((p) => p.info()),
				producers: room.media.producers().filter((p) => p.participantId !== participant.id),
				chat: room.chatHistory(),
			};
		} finally {
			s.joining = false;
		}
	}) satisfies Handler<'join'>,

	leave: (async (s) => {
		s.joined();
		s.leave('clientLeft');
		return {};
	}) satisfies Handler<'leave'>,
};
