import { type Handler, roomAction } from '../handlerTypes.js';

/** Chat, raised hands and reactions: what participants say besides audio and video. */
export const conversationHandlers = {
	sendChat: (async (s, req) => {
		const { room, participant } = s.joined();
		const msg = room.chat(participant.id, req.text);
		return { id: msg.id, sentAt: msg.sentAt };
	}) satisfies Handler<'sendChat'>,

	setHand: (async (s, req) => {
		const { room, participant } = s.joined();
		return { raisedAt: room.setHand(participant.id, req.raised) };
	}) satisfies Handler<'setHand'>,

	sendReaction: roomAction<'sendReaction'>((room, by, req) => room.react(by, req.reaction)),
};
