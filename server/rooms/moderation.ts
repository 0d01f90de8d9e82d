import type { ParticipantId } from '../shared/ids.js';
import { PlenumError } from '../shared/errors.js';
import type { Participant } from './Participant.js';
import { Poll } from './Poll.js';
import type { PollResult, PollView } from '../protocol/responses.js';
import type { Room } from './Room.js';

/**
 * What moderators can do to others. Every function first checks that `by` moderates the room
 * (PLN_NOT_MODERATOR otherwise); targets are looked up in the room (PLN_PARTICIPANT_NOT_FOUND).
 */
function moderator(room: Room, by: ParticipantId): Participant {
	const p = room.member(by);
	if (p.role !== 'moderator') throw new PlenumError('PLN_NOT_MODERATOR');
	return p;
}

/** The participant a moderator (or presenter) acts on, or PLN_PARTICIPANT_NOT_FOUND. */
export function target(room: Room, id: ParticipantId): Participant {
	const p = room.participants().find((x) => x.id === id);
	if (!p) throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
	return p;
}

/** Pauses the target's microphone at the SFU and tells the target's client to show itself muted. */
export async function muteParticipant(room: Room, by: ParticipantId, id: ParticipantId): Promise<void> {
	moderator(room, by);
	const p = target(room, id);
	const mics = room.media.producers().filter((x) => x.participantId === p.id && x.source === 'mic' && !x.paused);
	for (const mic of mics) await room.setProducerPaused(p.id, mic.id, true);
	p.notify({ event: 'mutedByModerator', data: { source: 'mic' } });
}

export async function muteAll(room: Room, by: ParticipantId): Promise<void> {
	moderator(room, by);
	for (const p of room.participants()) if (p.id !== by) await muteParticipant(room, by, p.id);
}

/** Asks (never forces) the target to unmute: only they can turn their microphone on. */
export function askToUnmute(room: Room, by: ParticipantId, id: ParticipantId): void {
	moderator(room, by);
	target(room, id).notify({ event: 'askedToUnmute', data: {} });
}

/** Stops the target's camera or screen share: its producer closes for everyone. */
export function stopVideo(room: Room, by: ParticipantId, id: ParticipantId, source: 'camera' | 'screen'): void {
	moderator(room, by);
	const p = target(room, id);
	for (const x of room.media.producers()) {
		if (x.participantId === p.id && (x.source === source || (source === 'screen' && x.source === 'screenAudio'))) room.closeProducer(p.id, x.id);
	}
	p.notify({ event: 'videoStoppedByModerator', data: { source } });
}

/**
 * Removes a participant; with `ban`, the invitation (token) they came with cannot rejoin while
 * the room lives. Open-mode participants have no invitation to ban: lock the room or use the
 * lobby to keep them out.
 */
export function removeParticipant(room: Room, by: ParticipantId, id: ParticipantId, ban = false): void {
	moderator(room, by);
	if (id === by) throw new PlenumError('PLN_INVALID_MESSAGE');
	const p = target(room, id);
	if (ban && p.tokenDigest) room.access.ban(p.tokenDigest);
	room.leave(p.id, 'kicked');
	if (ban) room.noteChanged();
}

export function makeModerator(room: Room, by: ParticipantId, id: ParticipantId): void {
	moderator(room, by);
	const p = target(room, id);
	p.role = 'moderator';
	room.broadcast({ event: 'participantUpdated', data: p.info() });
	if (room.docs.notesLocked) p.notify({ event: 'docAccess', data: { doc: 'notes', writable: true, locked: true } });
	p.notify({ event: 'docAccess', data: { doc: 'board', writable: true, locked: false } });
	room.noteChanged();
}

export function lowerAllHands(room: Room, by: ParticipantId): void {
	moderator(room, by);
	for (const p of room.participants()) if (p.handRaisedAt !== undefined) room.setHand(p.id, false);
}

export function endMeeting(room: Room, by: ParticipantId): void {
	moderator(room, by);
	room.close('roomEnded');
}

/** Lock, lobby and password: every participant learns the new settings. */
export function setRoomLock(room: Room, by: ParticipantId, locked: boolean): void {
	moderator(room, by);
	room.access.locked = locked;
	room.broadcast({ event: 'roomSettings', data: room.access.settings() });
	room.noteChanged();
}

export function setLobby(room: Room, by: ParticipantId, enabled: boolean): void {
	moderator(room, by);
	room.access.lobby = enabled;
	room.broadcast({ event: 'roomSettings', data: room.access.settings() });
	room.noteChanged();
}

export function setPassword(room: Room, by: ParticipantId, password: string | null): void {
	moderator(room, by);
	room.access.setPassword(password);
	room.broadcast({ event: 'roomSettings', data: room.access.settings() });
	room.noteChanged();
}

/** Lets one knocker in (or not), or everyone waiting; moderators see the updated lobby. */
export function decide(room: Room, by: ParticipantId, entryId: string | 'all', admitted: boolean): void {
	moderator(room, by);
	const ids = entryId === 'all' ? room.access.waiting().map((e) => e.id) : [entryId];
	for (const id of ids) room.access.decide(id, admitted);
	room.toModerators({ event: 'lobbyChanged', data: { waiting: room.access.waiting() } });
}

export function createPoll(room: Room, by: ParticipantId, question: string, options: string[]): PollView {
	moderator(room, by);
	const poll = new Poll(question, options);
	room.polls.set(poll.id, poll);
	room.broadcast({ event: 'pollOpened', data: poll.view() });
	room.noteChanged();
	return poll.view();
}

export function closePoll(room: Room, by: ParticipantId, pollId: string): PollResult {
	moderator(room, by);
	const poll = room.polls.get(pollId);
	if (!poll) throw new PlenumError('PLN_POLL_NOT_FOUND');
	const result = poll.close();
	room.broadcast({ event: 'pollClosed', data: result });
	room.noteChanged();
	return result;
}

/** Any participant votes once; nothing records what they chose. */
export function vote(room: Room, by: ParticipantId, pollId: string, option: number): void {
	room.member(by);
	const poll = room.polls.get(pollId);
	if (!poll) throw new PlenumError('PLN_POLL_NOT_FOUND');
	poll.vote(by, option);
	room.noteChanged();
}
