import * as mod from '../../rooms/moderation.js';
import { asParticipantId } from '../../shared/ids.js';
import type { Handler } from '../handlerTypes.js';

/** Moderator requests; the role check is in rooms/moderation.ts, next to what it guards. */
export const moderationHandlers = {
	muteParticipant: (async (s, req) => {
		const { room, participant } = s.joined();
		await mod.muteParticipant(room, participant.id, asParticipantId(req.participantId));
		return {};
	}) satisfies Handler<'muteParticipant'>,

	muteAll: (async (s) => {
		const { room, participant } = s.joined();
		await mod.muteAll(room, participant.id);
		return {};
	}) satisfies Handler<'muteAll'>,

	askToUnmute: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.askToUnmute(room, participant.id, asParticipantId(req.participantId));
		return {};
	}) satisfies Handler<'askToUnmute'>,

	stopVideo: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.stopVideo(room, participant.id, asParticipantId(req.participantId), req.source);
		return {};
	}) satisfies Handler<'stopVideo'>,

	removeParticipant: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.removeParticipant(room, participant.id, asParticipantId(req.participantId), req.ban);
		return {};
	}) satisfies Handler<'removeParticipant'>,

	makeModerator: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.makeModerator(room, participant.id, asParticipantId(req.participantId));
		return {};
	}) satisfies Handler<'makeModerator'>,

	lowerAllHands: (async (s) => {
		const { room, participant } = s.joined();
		mod.lowerAllHands(room, participant.id);
		return {};
	}) satisfies Handler<'lowerAllHands'>,

	endMeeting: (async (s) => {
		const { room, participant } = s.joined();
		mod.endMeeting(room, participant.id);
		return {};
	}) satisfies Handler<'endMeeting'>,

	setRoomLock: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.setRoomLock(room, participant.id, req.locked);
		return {};
	}) satisfies Handler<'setRoomLock'>,

	setLobby: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.setLobby(room, participant.id, req.enabled);
		return {};
	}) satisfies Handler<'setLobby'>,

	setPassword: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.setPassword(room, participant.id, req.password);
		return {};
	}) satisfies Handler<'setPassword'>,

	admit: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.decide(room, participant.id, req.entryId, true);
		return {};
	}) satisfies Handler<'admit'>,

	deny: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.decide(room, participant.id, req.entryId, false);
		return {};
	}) satisfies Handler<'deny'>,

	admitAll: (async (s) => {
		const { room, participant } = s.joined();
		mod.decide(room, participant.id, 'all', true);
		return {};
	}) satisfies Handler<'admitAll'>,

	createPoll: (async (s, req) => {
		const { room, participant } = s.joined();
		return mod.createPoll(room, participant.id, req.question, req.options);
	}) satisfies Handler<'createPoll'>,

	vote: (async (s, req) => {
		const { room, participant } = s.joined();
		mod.vote(room, participant.id, req.pollId, req.option);
		return {};
	}) satisfies Handler<'vote'>,

	closePoll: (async (s, req) => {
		const { room, participant } = s.joined();
		return mod.closePoll(room, participant.id, req.pollId);
	}) satisfies Handler<'closePoll'>,
};
