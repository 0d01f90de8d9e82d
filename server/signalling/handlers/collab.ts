import { type Handler, roomAction } from '../handlerTypes.js';
import { featureOf, requireFeature } from './feature.js';

/** Shared notes and whiteboard: Yjs updates and cursors, merged and relayed by the room (rooms/RoomDocs.ts). */
export const collabHandlers = {
	docSync: (async (s, req) => {
		requireFeature(s, featureOf(req.doc));
		const { room, participant } = s.joined();
		return room.docs.sync(participant, req.doc, req.stateVector);
	}) satisfies Handler<'docSync'>,

	docUpdate: (async (s, req) => {
		requireFeature(s, featureOf(req.doc));
		const { room, participant } = s.joined();
		room.docs.update(participant, req.doc, req.update);
		return {};
	}) satisfies Handler<'docUpdate'>,

	docCursor: (async (s, req) => {
		requireFeature(s, featureOf(req.doc));
		const { room, participant } = s.joined();
		room.docs.cursor(participant, req.doc, req.update);
		return {};
	}) satisfies Handler<'docCursor'>,

	setNotesLocked: roomAction<'setNotesLocked'>((room, by, req) => room.docs.setNotesLocked(room.member(by), req.locked)),
};
