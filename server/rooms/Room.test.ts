import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import type { ServerPush } from '../protocol/events.js';
import { asRoomId } from '../shared/ids.js';
import { PlenumError } from '../shared/errors.js';
import { Room } from './Room.js';
import { RoomRegistry } from './RoomRegistry.js';

const log = pino({ level: 'silent' });
const GRACE_MS = 1_000;

describe('Room', () => {
	let media: FakeRoomMedia;
	let room: Room;
	beforeEach(() => {
		vi.useFakeTimers();
		media = new FakeRoomMedia();
		room = new Room(asRoomId('r1'), media, { emptyGraceMs: GRACE_MS, maxParticipants: 2, reconnectGraceMs: GRACE_MS * 3 }, log);
	});
	afterEach(() => {
		room.close('shutdown');
		vi.useRealTimers();
	});

	const inbox = () => {
		const got: ServerPush[] = [];
		return { got, notify: (p: ServerPush) => got.push(p) };
	};

	it('tells the others when someone joins and leaves, and drops their media', () => {
		const a = inbox();
		const b = inbox();
		const pa = room.join('A', a.notify);
		const pb = room.join('B', b.notify);
		expect(a.got).toEqual([{ event: 'participantJoined', data: { id: pb.id, displayName: 'B', kind: 'browser', role: 'participant', invited: false, handRaisedAt: null } }]);
		expect(b.got).toEqual([]); // B learns about A from the join answer, not a push
		room.leave(pb.id, 'clientLeft');
		expect(a.got.at(-1)).toEqual({ event: 'participantLeft', data: { participantId: pb.id } });
		expect(media.removed).toEqual([pb.id]);
		expect(room.others(pa.id)).toEqual([]);
	});

	it('remembers the active speaker for newcomers, and forgets one who left', () => {
		const a = inbox();
		const pa = room.join('A', a.notify);
		media.emit('activeSpeaker', pa.id);
		expect(a.got.at(-1)).toEqual({ event: 'activeSpeaker', data: { participantId: pa.id } });
		expect(room.activeSpeaker).toBe(pa.id);
		room.leave(pa.id, 'clientLeft');
		expect(room.activeSpeaker).toBeUndefined();
	});

	it('refuses joins beyond maxParticipants with PLN_ROOM_FULL', () => {
		room.join('A', () => undefined);
		room.join('B', () => undefined);
		expect(() => room.join('C', () => undefined)).toThrow(expect.objectContaining({ code: 'PLN_ROOM_FULL' }));
	});

	it('broadcasts a new producer to everyone but its owner', async () => {
		const a = inbox();
		const b = inbox();
		const pa = room.join('A', a.notify);
		room.join('B', b.notify);
		const info = await room.produce(pa.id, { transportId: 't', kind: 'video', source: 'camera', rtpParameters: {}, paused: false });
		expect(b.got.at(-1)).toEqual({ event: 'producerAdded', data: info });
		expect(a.got.some((p) => p.event === 'producerAdded')).toBe(false);
	});

	it('chat reaches everyone in one order, is kept for late joiners, bounded, and gone after close', () => {
		const a = inbox();
		const pa = room.join('A', a.notify);
		const msg = room.chat(pa.id, 'hello');
		expect(a.got.at(-1)).toEqual({ event: 'chatMessage', data: msg });
		expect(msg).toMatchObject({ participantId: pa.id, displayName: 'A', text: 'hello' });
		for (let i = 0; i < 150; i++) room.chat(pa.id, `m${i}`);
		expect(room.chatHistory()).toHaveLength(100);
		expect(room.chatHistory().at(-1)?.text).toBe('m149');
		room.close('roomEnded');
		expect(room.chatHistory()).toEqual([]);
	});

	it('hands keep the time they went up, so the queue order is stable; lowering tells everyone', () => {
		const a = inbox();
		const pa = room.join('A', a.notify);
		const pb = room.join('B', () => undefined);
		const first = room.setHand(pb.id, true);
		vi.advanceTimersByTime(5_000);
		expect(room.setHand(pb.id, true)).toBe(first); // raising again does not lose the place
		expect(a.got.filter((p) => p.event === 'handChanged')).toHaveLength(1);
		expect(room.others(pa.id)[0]?.info().handRaisedAt).toBe(first);
		expect(room.setHand(pb.id, false)).toBeNull();
		expect(a.got.at(-1)).toEqual({ event: 'handChanged', data: { participantId: pb.id, raisedAt: null } });
	});

	it('a dropped participant keeps its place for the reconnect grace period and can resume with its token', () => {
		const a = inbox();
		const pa = room.join('A', a.notify);
		const b = inbox();
		const pb = room.join('B', b.notify);
		room.disconnect(pb.id);
		room.chat(pa.id, 'while B was away'); // dropped for B: the resume answer resyncs
		expect(b.got.some((p) => p.event === 'chatMessage')).toBe(false);
		expect(() => room.resume(pb.id, 'wrong-token', b.notify)).toThrow(expect.objectContaining({ code: 'PLN_RESUME_FAILED' }));
		vi.advanceTimersByTime(GRACE_MS * 3 - 1);
		const b2 = inbox();
		expect(room.resume(pb.id, pb.resumeToken, b2.notify)).toBe(pb);
		vi.advanceTimersByTime(GRACE_MS * 10);
		expect(room.size).toBe(2); // the timer was cancelled
		room.chat(pa.id, 'welcome back');
		expect(b2.got.at(-1)?.event).toBe('chatMessage');
		expect(media.removed).toEqual([]);
	});

	it('a dropped participant that does not come back leaves as disconnected', () => {
		const a = inbox();
		room.join('A', a.notify);
		const pb = room.join('B', () => undefined);
		room.disconnect(pb.id);
		vi.advanceTimersByTime(GRACE_MS * 3);
		expect(a.got.at(-1)).toEqual({ event: 'participantLeft', data: { participantId: pb.id } });
		expect(media.removed).toEqual([pb.id]);
		expect(() => room.resume(pb.id, pb.resumeToken, () => undefined)).toThrow(expect.objectContaining({ code: 'PLN_RESUME_FAILED' }));
	});

	it('closes itself once the grace period after the last leave passes, not before', () => {
		const closed = vi.fn();
		room.on('closed', closed);
		const p = room.join('A', () => undefined);
		room.leave(p.id, 'clientLeft');
		vi.advanceTimersByTime(GRACE_MS - 1);
		expect(closed).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(closed).toHaveBeenCalledWith('roomEmpty');
		expect(media.closed).toBe(true);
	});

	it('a rejoin within the grace period keeps the room open', () => {
		const closed = vi.fn();
		room.on('closed', closed);
		room.leave(room.join('A', () => undefined).id, 'clientLeft');
		vi.advanceTimersByTime(GRACE_MS / 2);
		room.join('A again', () => undefined);
		vi.advanceTimersByTime(GRACE_MS * 2);
		expect(closed).not.toHaveBeenCalled();
	});

	it('close() tells everyone, closes the media, emits closed once, and rejects later calls with PLN_ROOM_CLOSED', async () => {
		const a = inbox();
		const pa = room.join('A', a.notify);
		const closed = vi.fn();
		room.on('closed', closed);
		room.close('roomEnded');
		room.close('roomEnded');
		expect(a.got.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'roomEnded' } });
		expect(closed).toHaveBeenCalledTimes(1);
		expect(media.closed).toBe(true);
		expect(room.size).toBe(0);
		expect(() => room.join('B', () => undefined)).toThrow(PlenumError);
		await expect(room.produce(pa.id, { transportId: 't', kind: 'audio', source: 'mic', rtpParameters: {}, paused: false })).rejects.toMatchObject({ code: 'PLN_ROOM_CLOSED' });
	});

	it('closes with maxDuration when the room reaches its maximum duration', () => {
		const timed = new Room(asRoomId('r2'), new FakeRoomMedia(), { emptyGraceMs: GRACE_MS, maxParticipants: 2, reconnectGraceMs: GRACE_MS, maxDurationMs: 60_000 }, log);
		const a = inbox();
		timed.join('A', a.notify);
		vi.advanceTimersByTime(59_999);
		expect(timed.closed).toBe(false);
		vi.advanceTimersByTime(1);
		expect(a.got.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'maxDuration' } });
	});

	it('a worker lost under the room: one mediaLost push each, the room and its people stay', () => {
		const a = inbox();
		const b = inbox();
		const pa = room.join('A', a.notify);
		room.join('B', b.notify);
		const before = [a.got.length, b.got.length];
		media.simulateWorkerLoss({ participants: [pa.id], producers: ['p1', 'p2'] });
		expect(a.got.slice(before[0])).toEqual([{ event: 'mediaLost', data: { rebuild: true, producerIds: ['p1', 'p2'] } }]);
		expect(b.got.slice(before[1])).toEqual([{ event: 'mediaLost', data: { rebuild: false, producerIds: ['p1', 'p2'] } }]);
		expect(room.closed).toBe(false);
		expect(room.size).toBe(2);
	});

	it('a dying worker closes the room with workerDied', () => {
		const a = inbox();
		room.join('A', a.notify);
		media.simulateWorkerDeath();
		expect(room.closed).toBe(true);
		expect(a.got.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'workerDied' } });
	});
});

describe('RoomRegistry', () => {
	it('two simultaneous first joins share one room; a closed room leaves the registry', async () => {
		let created = 0;
		const registry = new RoomRegistry(
			{ createRoomMedia: async () => { created++; return new FakeRoomMedia(); } },
			{ emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 },
			log,
		);
		const [r1, r2] = await Promise.all([registry.getOrCreate(asRoomId('x')), registry.getOrCreate(asRoomId('x'))]);
		expect(r1).toBe(r2);
		expect(created).toBe(1);
		expect(registry.size).toBe(1);
		r1.close('roomEnded');
		expect(registry.size).toBe(0);
		const r3 = await registry.getOrCreate(asRoomId('x'));
		expect(r3).not.toBe(r1);
		registry.closeAll('shutdown');
		expect(registry.size).toBe(0);
	});

	it('refuses a new room beyond maxRooms with PLN_TOO_MANY_ROOMS, but joins to open rooms still work', async () => {
		const registry = new RoomRegistry({ createRoomMedia: async () => new FakeRoomMedia() }, { emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log, { maxRooms: 1 });
		const first = await registry.getOrCreate(asRoomId('a'));
		await expect(registry.getOrCreate(asRoomId('b'))).rejects.toMatchObject({ code: 'PLN_TOO_MANY_ROOMS' });
		expect(await registry.getOrCreate(asRoomId('a'))).toBe(first);
		registry.closeAll('shutdown');
	});
});
