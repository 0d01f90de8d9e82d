import { target } from '../../rooms/moderation.js';
import { asParticipantId } from '../../shared/ids.js';
import { type Handler, roomAction } from '../handlerTypes.js';
import { requireFeature } from './feature.js';

/** The stage: what it shows (a board or a presentation page), who presents, who may draw (rooms/RoomStage.ts). */
export const stageHandlers = {
	setStage: (async (s, req) => {
		if (req.shown.kind === 'board') requireFeature(s, 'whiteboard');
		const { room, participant } = s.joined();
		// No presentations yet: only boards and the grid can be shown.
		room.stage.show(participant, req.shown, () => false);
		return {};
	}) satisfies Handler<'setStage'>,
	setPresenter: roomAction<'setPresenter'>((room, by, req) => room.stage.setPresenter(room.member(by), req.participantId === null ? null : target(room, asParticipantId(req.participantId)))),
	setDrawing: roomAction<'setDrawing'>((room, by, req) => room.stage.setDrawing(room.member(by), req.everyone, req.participantIds.map((id) => target(room, asParticipantId(id))))),
};
