import type { Role } from '../../auth/tokenClaims.js';
import { Breakouts } from '../../rooms/Breakouts.js';
import type { Participant } from '../../rooms/Participant.js';
import type { Room } from '../../rooms/Room.js';
import { PlenumError } from '../../shared/errors.js';
import { asParticipantId } from '../../shared/ids.js';
import type { Session } from '../Session.js';
import type { Handler } from '../handlerTypes.js';
import { snapshot } from './room.js';

/** The meeting's main room: the room itself, or the one a breakout room belongs to. */
const mainOf = (room: Room): Room => room.parent ?? room;

/** The main room's breakout rooms (made on first use: opened through the registry like any room). */
function breakoutsOf(s: Session, room: Room): Breakouts {
	const main = mainOf(room);
	main.breakouts ??= new Breakouts(main, (id) => s.deps.registry.getOrCreate(id));
	return main.breakouts;
}

/** Whoever `id` names in any room of the meeting (its participants move between them). */
function memberOfMeeting(main: Room, id: string): Participant {
	const pid = asParticipantId(id);
	for (const room of [main, ...(main.breakouts?.rooms() ?? [])]) {
		const p = room.participants().find((x) => x.id === pid);
		if (p) return p;
	}
	throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
}

/**
 * A session's participant moves to `to` (a breakout room or back): a new participant there on
 * the same connection, told with `moved` (the new room's state); then it leaves the old room.
 * Joining first: a full room refuses and nothing changed.
 */
export async function moveSession(s: Session, to: Room, role: Role): Promise<Participant> {
	const { room, participant } = s.joined();
	const p = to.join(participant.displayName, s.connection, role);
	p.tokenDigest = participant.tokenDigest;
	s.bind(to, p);
	room.leave(participant.id, 'moved');
	s.push({ event: 'moved', data: { roomId: to.id, participantId: p.id, role: p.role, rtpCapabilities: to.media.rtpCapabilities(), resumeToken: p.resumeToken, ...snapshot(s, to, p) } });
	return p;
}

/** Breakout rooms: start, move, extend, message, end (rooms/Breakouts.ts). */
export const breakoutHandlers = {
	breakoutStart: (async (s, req) => {
		const { room, participant } = s.joined();
		if (room.parent) throw new PlenumError('PLN_BREAKOUTS_RUNNING');
		await breakoutsOf(s, room).start(participant, req);
		return {};
	}) satisfies Handler<'breakoutStart'>,
	breakoutJoin: (async (s, req) => {
		const { room, participant } = s.joined();
		await breakoutsOf(s, room).go(participant, participant, req.breakoutId);
		return {};
	}) satisfies Handler<'breakoutJoin'>,
	breakoutMove: (async (s, req) => {
		const { room, participant } = s.joined();
		const b = breakoutsOf(s, room);
		await b.go(participant, memberOfMeeting(mainOf(room), req.participantId), req.breakoutId);
		return {};
	}) satisfies Handler<'breakoutMove'>,
	breakoutExtend: (async (s, req) => {
		const { room, participant } = s.joined();
		breakoutsOf(s, room).extend(participant, req.seconds);
		return {};
	}) satisfies Handler<'breakoutExtend'>,
	breakoutBroadcast: (async (s, req) => {
		const { room, participant } = s.joined();
		breakoutsOf(s, room).broadcast(participant, req.text);
		return {};
	}) satisfies Handler<'breakoutBroadcast'>,
	breakoutEnd: (async (s) => {
		const { room, participant } = s.joined();
		await breakoutsOf(s, room).end(participant);
		return {};
	}) satisfies Handler<'breakoutEnd'>,
};
