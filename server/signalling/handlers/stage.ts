import { target } from '../../rooms/moderation.js';
import { LIMITS } from '../../protocol/limits.js';
import { asParticipantId } from '../../shared/ids.js';
import { type Handler, roomAction } from '../handlerTypes.js';
import { requireFeature } from './feature.js';

/** The stage: what it shows (a board or a presentation page), who presents, who may draw, the PDFs (rooms/RoomStage.ts, RoomPresentations.ts). */
export const stageHandlers = {
	setStage: (async (s, req) => {
		if (req.shown.kind === 'board') requireFeature(s, 'whiteboard');
		if (req.shown.kind === 'pdf') requireFeature(s, 'presentation');
		const { room, participant } = s.joined();
		room.stage.show(participant, req.shown, (id, page) => room.presentations.has(id, page));
		return {};
	}) satisfies Handler<'setStage'>,
	setPresenter: roomAction<'setPresenter'>((room, by, req) => room.stage.setPresenter(room.member(by), req.participantId === null ? null : target(room, asParticipantId(req.participantId)))),
	presentationStart: (async (s, req) => {
		requireFeature(s, 'presentation');
		const { room, participant } = s.joined();
		room.stage.mustPresent(participant);
		return { presentationId: room.presentations.start(participant.id, req.name, req.size, req.pages), partBytes: LIMITS.PRESENTATION_PART_BYTES };
	}) satisfies Handler<'presentationStart'>,
	presentationPart: (async (s, req) => {
		const { room, participant } = s.joined();
		return { complete: room.presentations.part(participant.id, req.presentationId, req.index, req.data) };
	}) satisfies Handler<'presentationPart'>,
	presentationRead: (async (s, req) => {
		requireFeature(s, 'presentation');
		const { room } = s.joined();
		return { data: room.presentations.read(req.presentationId, req.index) };
	}) satisfies Handler<'presentationRead'>,
	presentationRemove: (async (s, req) => {
		const { room, participant } = s.joined();
		room.stage.mustPresent(participant);
		room.presentations.remove(req.presentationId);
		return {};
	}) satisfies Handler<'presentationRemove'>,
	setDrawing: roomAction<'setDrawing'>((room, by, req) => room.stage.setDrawing(room.member(by), req.everyone, req.participantIds.map((id) => target(room, asParticipantId(id))))),
};
