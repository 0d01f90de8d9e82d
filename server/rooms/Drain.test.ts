import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import { asRoomId } from '../shared/ids.js';
import { Drain, type DrainInfo } from './Drain.js';
import { RoomRegistry } from './RoomRegistry.js';

const log = pino({ level: 'silent' });
const TIMEOUT_MS = 60_000;

describe('RoomRegistry.drain() and Drain', () => {
	let registry: RoomRegistry;
	let told: DrainInfo[];
	let finished: string[];
	let drain: Drain;
	beforeEach(() => {
		vi.useFakeTimers();
		registry = new RoomRegistry({ createRoomMedia: async () => new FakeRoomMedia() }, { emptyGraceMs: 1_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log);
		told = [];
		finished = [];
		drain = new Drain({ drainRooms: () => registry.drain(), timeoutMs: TIMEOUT_MS, notify: (i) => told.push(i), finish: (why) => finished.push(why), log });
	});
	afterEach(() => {
		registry.closeAll('shutdown');
		vi.useRealTimers();
	});

	it('refuses new rooms with PLN_DRAINING, keeps running rooms open to joins, and finishes when the last room closes', async () => {
		const room = await registry.getOrCreate(asRoomId('a'));
		const p = room.join('A', () => undefined);
		drain.start('SIGTERM');
		expect(told).toHaveLength(1);
		expect(told[0]?.deadlineAt).toBe(Date.now() + TIMEOUT_MS);
		expect(registry.draining).toBe(true);
		await expect(registry.getOrCreate(asRoomId('b'))).rejects.toMatchObject({ code: 'PLN_DRAINING' });
		expect(await registry.getOrCreate(asRoomId('a'))).toBe(room);
		room.join('B', () => undefined);
		await vi.advanceTimersByTimeAsync(TIMEOUT_MS / 2);
		expect(finished).toEqual([]);
		room.leave(p.id, 'clientLeft');
		room.close('roomEnded');
		await vi.advanceTimersByTimeAsync(0);
		expect(finished).toEqual(['roomsEnded']);
		await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
		expect(finished).toEqual(['roomsEnded']); // once
	});

	it('finishes at the deadline when meetings are still running', async () => {
		(await registry.getOrCreate(asRoomId('a'))).join('A', () => undefined);
		drain.start('SIGUSR2');
		await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
		expect(finished).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(finished).toEqual(['deadline']);
	});

	it('with no rooms it finishes at once; a second start changes nothing', async () => {
		drain.start('SIGTERM');
		drain.start('SIGUSR2');
		await vi.advanceTimersByTimeAsync(0);
		expect(told).toHaveLength(1);
		expect(finished).toEqual(['roomsEnded']);
	});

	it('hasCapacity turns false at maxRooms (readyz: no capacity) and true again when a room closes', async () => {
		const small = new RoomRegistry({ createRoomMedia: async () => new FakeRoomMedia() }, { emptyGraceMs: 1_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log, { maxRooms: 1 });
		expect(small.hasCapacity).toBe(true);
		const room = await small.getOrCreate(asRoomId('a'));
		expect(small.hasCapacity).toBe(false);
		room.close('roomEnded');
		expect(small.hasCapacity).toBe(true);
	});

	it('waits for a room whose creation was in flight when the drain began', async () => {
		const creating = registry.getOrCreate(asRoomId('a'));
		drain.start('SIGTERM');
		const room = await creating;
		await vi.advanceTimersByTimeAsync(0);
		expect(finished).toEqual([]);
		room.close('roomEmpty');
		await vi.advanceTimersByTimeAsync(0);
		expect(finished).toEqual(['roomsEnded']);
	});
});
