import * as mod from '../../rooms/moderation.js';
import { asParticipantId } from '../../shared/ids.js';
import { type Handler, roomAction } from '../handlerTypes.js';

/** Moderator requests; the role check is in rooms/moderation.ts, next to what it guards. */
export const moderationHandlers = {
	muteParticipant: roomAction<'muteParticipant'>((room, by, req) => mod.muteParticipant(room, by, asParticipantId(req.participantId))),
	muteAll: roomAction<'muteAll'>((room, by) => mod.muteAll(room, by)),
	askToUnmute: roomAction<'askToUnmute'>((room, by, req) => mod.askToUnmute(room, by, asParticipantId(req.participantId))),
	stopVideo: roomAction<'stopVideo'>((room, by, req) => mod.stopVideo(room, by, asParticipantId(req.participantId), req.source)),
	removeParticipant: roomAction<'removeParticipant'>((room, by, req) => mod.removeParticipant(room, by, asParticipantId(req.participantId), req.ban)),
	makeModerator: roomAction<'makeModerator'>((room, by, req) => mod.makeModerator(room, by, asParticipantId(req.participantId))),
	lowerAllHands: roomAction<'lowerAllHands'>((room, by) => mod.lowerAllHands(room, by)),
	endMeeting: roomAction<'endMeeting'>((room, by) => mod.endMeeting(room, by)),
	setRoomLock: roomAction<'setRoomLock'>((room, by, req) => mod.setRoomLock(room, by, req.locked)),
	setLobby: roomAction<'setLobby'>((room, by, req) => mod.setLobby(room, by, req.enabled)),
	setPassword: roomAction<'setPassword'>((room, by, req) => mod.setPassword(room, by, req.password)),
	admit: roomAction<'admit'>((room, by, req) => mod.decide(room, by, req.entryId, true)),
	deny: roomAction<'deny'>((room, by, req) => mod.decide(room, by, req.entryId, false)),
	admitAll: roomAction<'admitAll'>((room, by) => mod.decide(room, by, 'all', true)),
	vote: roomAction<'vote'>((room, by, req) => mod.vote(room, by, req.pollId, req.option)),

	createPoll: (async (s, req) => {
		const { room, participant } = s.joined();
		return mod.createPoll(room, participant.id, req.question, req.options);
	}) satisfies Handler<'createPoll'>,

	closePoll: (async (s, req) => {
		const { room, participant } = s.joined();
		return mod.closePoll(room, participant.id, req.pollId);
	}) satisfies Handler<'closePoll'>,
};
