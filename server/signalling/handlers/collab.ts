import { type Handler, roomAction } from '../handlerTypes.js';

/** Shared notes and whiteboard: Yjs updates and cursors, merged and relayed by the room (rooms/RoomDocs.ts). */
export const collabHandlers = {
	docSync: (async (s, req) => {
		const { room, participant } = s.joined();
		return room.docs.sync(participant, req.doc, req.stateVector);
	}) satisfies Handler<'docSync'>,

	docUpdate: roomAction<'docUpdate'>((room, by, req) => room.docs.update(room.member(by), req.doc, req.update)),
	docCursor: roomAction<'docCursor'>((room, by, req) => room.docs.cursor(room.member(by), req.doc, req.update)),
	setNotesLocked: roomAction<'setNotesLocked'>((room, by, req) => room.docs.setNotesLocked(room.member(by), req.locked)),
};
