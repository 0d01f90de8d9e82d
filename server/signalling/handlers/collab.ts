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
		// Made in the room this participant was moved out of: it belongs to that room's document.
		if (req.room !== undefined && req.room !== room.id) return {};
		room.docs.update(participant, req.doc, req.update);
		return {};
	}) satisfies Handler<'docUpdate'>,

	docCursor: (async (s, req) => {
		requireFeature(s, featureOf(req.doc));
		const { room, participant } = s.joined();
		if (req.room !== undefined && req.room !== room.id) return {};
		room.docs.cursor(participant, req.doc, req.update);
		return {};
	}) satisfies Handler<'docCursor'>,

	setNotesLocked: roomAction<'setNotesLocked'>((room, by, req) => room.docs.setNotesLocked(room.member(by), req.locked)),
};
