import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import type { ServerPush } from '../protocol/events.js';
import { asRoomId } from '../shared/ids.js';
import * as mod from './moderation.js';
import type { Participant } from './Participant.js';
import { Room } from './Room.js';

const log = pino({ level: 'silent' });

describe('moderation', () => {
	let media: FakeRoomMedia;
	let room: Room;
	let chair: Participant;
	let member: Participant;
	let other: Participant;
	const inbox: ServerPush[] = [];
	beforeEach(() => {
		inbox.length = 0;
		media = new FakeRoomMedia();
		room = new Room(asRoomId('r'), media, { emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log);
		chair = room.join('Chair', () => undefined, 'moderator');
		member = room.join('Member', (p) => inbox.push(p));
		other = room.join('Other', () => undefined);
	});

	it('refuses every action from a non-moderator with PLN_NOT_MODERATOR', async () => {
		const actions: Array<() => unknown> = [
			() => mod.muteParticipant(room, member.id, other.id),
			() => mod.muteAll(room, member.id),
			() => mod.askToUnmute(room, member.id, other.id),
			() => mod.stopVideo(room, member.id, other.id, 'camera'),
			() => mod.removeParticipant(room, member.id, other.id),
			() => mod.makeModerator(room, member.id, member.id),
			() => mod.lowerAllHands(room, member.id),
			() => mod.endMeeting(room, member.id),
			() => mod.createPoll(room, member.id, 'Q', ['a', 'b']),
			() => mod.setRoomLock(room, member.id, true),
			() => mod.setLobby(room, member.id, true),
			() => mod.setPassword(room, member.id, 'pw'),
			() => mod.decide(room, member.id, 'all', true),
		];
		for (const act of actions) await expect(Promise.resolve().then(act)).rejects.toMatchObject({ code: 'PLN_NOT_MODERATOR' });
		expect(room.closed).toBe(false);
		expect(room.size).toBe(3);
	});

	it('mute pauses the target’s microphone at the SFU and tells the target', async () => {
		const mic = await room.produce(member.id, { transportId: 't', kind: 'audio', source: 'mic', rtpParameters: {}, paused: false });
		await mod.muteParticipant(room, chair.id, member.id);
		expect(media.producers().find((p) => p.id === mic.id)?.paused).toBe(true);
		expect(inbox.at(-1)).toEqual({ event: 'mutedByModerator', data: { source: 'mic' } });
	});

	it('stop video closes the target’s camera producer', async () => {
		const cam = await room.produce(member.id, { transportId: 't', kind: 'video', source: 'camera', rtpParameters: {}, paused: false });
		mod.stopVideo(room, chair.id, member.id, 'camera');
		expect(media.producers().some((p) => p.id === cam.id)).toBe(false);
		expect(inbox.at(-1)).toEqual({ event: 'videoStoppedByModerator', data: { source: 'camera' } });
	});

	it('remove sends the target roomClosed(kicked) and drops it; make moderator is announced', () => {
		mod.makeModerator(room, chair.id, other.id);
		expect(inbox.at(-1)).toMatchObject({ event: 'participantUpdated', data: { id: other.id, role: 'moderator' } });
		mod.removeParticipant(room, chair.id, member.id);
		expect(inbox.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'kicked' } });
		expect(room.size).toBe(2);
		expect(() => mod.removeParticipant(room, chair.id, member.id)).toThrow(expect.objectContaining({ code: 'PLN_PARTICIPANT_NOT_FOUND' }));
	});

	it('lower all hands and end the meeting', () => {
		room.setHand(member.id, true);
		room.setHand(other.id, true);
		mod.lowerAllHands(room, chair.id);
		expect(room.participants().every((p) => p.handRaisedAt === undefined)).toBe(true);
		mod.endMeeting(room, chair.id);
		expect(room.closed).toBe(true);
		expect(inbox.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'roomEnded' } });
	});

	it('polls: the moderator opens and closes, everyone votes once, results go to all, gone at close', () => {
		const poll = mod.createPoll(room, chair.id, 'Approve the minutes?', ['yes', 'no']);
		expect(inbox.at(-1)).toEqual({ event: 'pollOpened', data: poll });
		mod.vote(room, member.id, poll.id, 0);
		mod.vote(room, other.id, poll.id, 1);
		mod.vote(room, chair.id, poll.id, 0);
		expect(() => mod.closePoll(room, member.id, poll.id)).toThrow(expect.objectContaining({ code: 'PLN_NOT_MODERATOR' }));
		const result = mod.closePoll(room, chair.id, poll.id);
		expect(result.counts).toEqual([2, 1]);
		expect(inbox.at(-1)).toEqual({ event: 'pollClosed', data: result });
		room.close('roomEnded');
		expect(room.polls.size).toBe(0);
	});
});
