import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import type { ServerPush } from '../protocol/events.js';
import { asRoomId } from '../shared/ids.js';
import { createPoll, makeModerator, removeParticipant, setLobby, setPassword, vote } from './moderation.js';
import { Room } from './Room.js';
import { RoomAccess } from './RoomAccess.js';
import { RoomStateSchema, exportRoomState, restoreRoom } from './RoomState.js';

const log = pino({ level: 'silent' });
const opts = { emptyGraceMs: 1_000, maxParticipants: 10, reconnectGraceMs: 5_000 };
const rooms: Room[] = [];
const make = (r: Room): Room => {
	rooms.push(r);
	return r;
};

describe('RoomState', () => {
	afterEach(() => {
		for (const r of rooms.splice(0)) r.close('shutdown');
		vi.useRealTimers();
	});

	function busyRoom(): { room: Room; changes: () => number } {
		const room = make(new Room(asRoomId('r1'), new FakeRoomMedia(), opts, log));
		let n = 0;
		room.on('changed', () => n++);
		const a = room.join('Ada', () => undefined, 'moderator');
		const b = room.join('Bo', () => undefined);
		const c = room.join('Cy', () => undefined);
		b.tokenDigest = RoomAccess.tokenDigest('tok-b');
		room.chat(a.id, 'hello');
		room.chat(b.id, 'hi');
		const poll = createPoll(room, a.id, 'Lunch?', ['yes', 'no']);
		vote(room, b.id, poll.id, 0);
		vote(room, c.id, poll.id, 1);
		room.setHand(c.id, true);
		setLobby(room, a.id, true);
		setPassword(room, a.id, 'secret');
		makeModerator(room, a.id, c.id);
		room.dialInPin = '123456';
		room.stage.show(a, { kind: 'board', board: 1 }, () => false);
		room.stage.setDrawing(a, false, [b]);
		return { room, changes: () => n };
	}

	it('exports, survives JSON, and restores to the same state', () => {
		const { room, changes } = busyRoom();
		// 3 joins, 2 chats, poll, 2 votes, hand, lobby, password, role, stage, drawers
		expect(changes()).toBe(14);
		const saved = exportRoomState(room);
		const state = RoomStateSchema.parse(JSON.parse(JSON.stringify(saved)));
		const restored = make(restoreRoom(asRoomId('r1'), new FakeRoomMedia(), opts, log, state));
		expect(exportRoomState(restored)).toEqual(saved);
		expect(restored.participants().every((p) => !p.connected)).toBe(true);
		expect(restored.access.settings()).toEqual({ locked: false, lobby: true, hasPassword: true });
		// The stage comes back as it was: board 2 of 2, Bo may draw (once resumed).
		expect(restored.stage.view()).toEqual({ shown: { kind: 'board', board: 1 }, presenter: null, boards: 2, drawEveryone: false, drawers: [saved.participants[1]?.id] });
		// Votes are kept: a second vote is refused, the counts come out at close.
		const [poll] = restored.polls.values();
		expect(() => poll?.vote(saved.participants[1]?.id ?? '', 1)).toThrow(expect.objectContaining({ code: 'PLN_ALREADY_VOTED' }));
		expect(poll?.close().counts).toEqual([1, 1]);
		expect(() => restored.access.gate({ moderatorToken: false, password: 'wrong' })).toThrow(expect.objectContaining({ code: 'PLN_WRONG_PASSWORD' }));
	});

	it('keeps bans, and a resume with the saved token binds a new connection and rebuilds media', () => {
		const { room } = busyRoom();
		const [a, b] = room.participants();
		if (!a || !b) throw new Error('no participants');
		removeParticipant(room, a.id, b.id, true);
		const state = RoomStateSchema.parse(JSON.parse(JSON.stringify(exportRoomState(room))));
		const media = new FakeRoomMedia();
		const added = vi.spyOn(media, 'addParticipant');
		const restored = make(restoreRoom(asRoomId('r1'), media, opts, log, state));
		expect(() => restored.access.gate({ moderatorToken: false, tokenDigest: RoomAccess.tokenDigest('tok-b') })).toThrow(expect.objectContaining({ code: 'PLN_BANNED' }));
		expect(() => restored.resume(a.id, 'x'.repeat(22), () => undefined)).toThrow(expect.objectContaining({ code: 'PLN_RESUME_FAILED' }));
		const got: ServerPush[] = [];
		const p = restored.resume(a.id, a.resumeToken, { notify: (x) => got.push(x), node: 'n2' });
		expect(p.connected).toBe(true);
		expect(p.role).toBe('moderator');
		expect(p.mediaReset).toBe(true);
		expect(added).toHaveBeenCalledWith(a.id, 'n2');
		expect(restored.chatHistory().map((m) => m.text)).toEqual(['hello', 'hi']);
	});

	it('lets restored participants go after the failover grace (15 s; longer than a dropped connection’s)', () => {
		vi.useFakeTimers();
		const { room } = busyRoom();
		const restored = make(restoreRoom(asRoomId('r1'), new FakeRoomMedia(), opts, log, exportRoomState(room)));
		expect(restored.size).toBe(3);
		vi.advanceTimersByTime(Math.max(opts.reconnectGraceMs, 15_000) - 1);
		expect(restored.size).toBe(3);
		vi.advanceTimersByTime(2);
		expect(restored.size).toBe(0);
	});

	it('refuses malformed saved state', () => {
		expect(RoomStateSchema.safeParse({ v: 1, participants: 'x' }).success).toBe(false);
	});

	it("joins register the media on the socket's node; a resume from another node moves it and the others drop its tracks", async () => {
		const media = new FakeRoomMedia();
		const added = vi.spyOn(media, 'addParticipant');
		const room = make(new Room(asRoomId('r3'), media, opts, log));
		const other: ServerPush[] = [];
		room.join('O', (x) => other.push(x));
		const p = room.join('A', { notify: () => undefined, node: 'n1' });
		expect(added).toHaveBeenLastCalledWith(p.id, 'n1');
		const mic = await room.produce(p.id, { transportId: 't', kind: 'audio', source: 'mic', rtpParameters: {}, paused: false });
		room.disconnect(p.id);
		room.resume(p.id, p.resumeToken, { notify: () => undefined, node: 'n2' });
		expect(p.mediaReset).toBe(true);
		expect(media.removed).toContain(p.id);
		expect(added).toHaveBeenLastCalledWith(p.id, 'n2');
		expect(other).toContainEqual({ event: 'producerClosed', data: { producerId: mic.id } });
	});

	it('a resume on the same node keeps the media (single node unchanged)', () => {
		const media = new FakeRoomMedia();
		const room = make(new Room(asRoomId('r2'), media, opts, log));
		const p = room.join('A', () => undefined);
		room.disconnect(p.id);
		const removed = media.removed.length;
		room.resume(p.id, p.resumeToken, () => undefined);
		expect(p.mediaReset).toBe(false);
		expect(media.removed.length).toBe(removed);
	});
});
