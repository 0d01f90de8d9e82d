import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import type { ServerPush } from '../protocol/events.js';
import { type RoomId, asRoomId } from '../shared/ids.js';
import { Breakouts } from './Breakouts.js';
import type { Connection, Participant } from './Participant.js';
import { Room } from './Room.js';

const log = pino({ level: 'silent' });
const opts = { emptyGraceMs: 1_000, maxParticipants: 10, reconnectGraceMs: 1_000 };

/** A meeting whose participants move as a Session would: join there, leave here, on one connection. */
function meeting() {
	const rooms = new Map<RoomId, Room>();
	const main = new Room(asRoomId('main'), new FakeRoomMedia(), opts, log);
	const pushes = new Map<string, ServerPush[]>();
	const enter = (room: Room, name: string, role: 'moderator' | 'participant' = 'participant'): Participant => {
		const seen = pushes.get(name) ?? [];
		pushes.set(name, seen);
		const connection: Connection = {
			notify: (p) => seen.push(p),
			move: async (to, r) => {
				const now = [...rooms.values(), main].find((x) => x.participants().some((p) => p.displayName === name));
				const p = enter(to, name, r);
				const old = now?.participants().find((x) => x.displayName === name && x !== p);
				if (now && old) now.leave(old.id, 'moved');
				return p;
			},
		};
		return room.join(name, connection, role);
	};
	main.breakouts = new Breakouts(main, async (id) => {
		const r = new Room(id, new FakeRoomMedia(), opts, log);
		rooms.set(id, r);
		return r;
	});
	const inRoom = (name: string) => [main, ...rooms.values()].find((r) => !r.closed && r.participants().some((p) => p.displayName === name));
	const who = (name: string) => inRoom(name)?.participants().find((p) => p.displayName === name) as Participant;
	return { main, rooms, enter, inRoom, who, pushes, breakouts: main.breakouts };
}

describe('Breakouts', () => {
	afterEach(() => vi.useRealTimers());

	it('moves the plan into its rooms; only moderators run them; others go only where they may', async () => {
		const m = meeting();
		const ana = m.enter(m.main, 'Ana', 'moderator');
		const ben = m.enter(m.main, 'Ben');
		const cleo = m.enter(m.main, 'Cleo');
		const plan = { rooms: [{ name: 'A', participantIds: [ben.id] }, { name: 'B', participantIds: [] }], allowChoose: false, durationSeconds: 600 };
		await expect(m.breakouts.start(ben, plan)).rejects.toMatchObject({ code: 'PLN_NOT_MODERATOR' });
		await m.breakouts.start(ana, plan);
		const [a, b] = m.breakouts.rooms();
		expect(m.inRoom('Ben')).toBe(a);
		expect(m.main.participants().map((p) => p.displayName)).toEqual(['Ana', 'Cleo']);
		await expect(m.breakouts.start(ana, plan)).rejects.toMatchObject({ code: 'PLN_BREAKOUTS_RUNNING' });
		// Cleo has no room and may not choose; Ben may go back and return to his own.
		await expect(m.breakouts.go(m.who('Cleo'), m.who('Cleo'), b?.id ?? '')).rejects.toMatchObject({ code: 'PLN_NOT_MODERATOR' });
		await m.breakouts.go(m.who('Ben'), m.who('Ben'), null);
		expect(m.inRoom('Ben')).toBe(m.main);
		expect(m.breakouts.view(m.who('Ben'))?.assigned).toBe(a?.id);
		await m.breakouts.go(m.who('Ben'), m.who('Ben'), a?.id ?? '');
		expect(m.inRoom('Ben')).toBe(a);
		// The moderator moves Cleo, and visits.
		await m.breakouts.go(ana, m.who('Cleo'), b?.id ?? '');
		await m.breakouts.go(m.who('Ana'), m.who('Ana'), b?.id ?? '');
		expect(m.breakouts.view(m.who('Ana'))?.rooms.map((r) => r.members.map((x) => x.name))).toEqual([['Ben'], ['Cleo', 'Ana']]);
		expect(m.main.participants().some((p) => p === cleo)).toBe(false);
	});

	it('when the time is up everyone is back in the main room, the breakout rooms closed; the main room stayed open meanwhile', async () => {
		vi.useFakeTimers();
		const m = meeting();
		const ana = m.enter(m.main, 'Ana', 'moderator');
		const ben = m.enter(m.main, 'Ben');
		await m.breakouts.start(ana, { rooms: [{ name: 'A', participantIds: [ana.id, ben.id] }, { name: 'B', participantIds: [] }], allowChoose: true, durationSeconds: 60 });
		const opened = m.breakouts.rooms();
		expect(m.main.size).toBe(0);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(m.main.closed).toBe(false); // empty, but held open by its breakout rooms
		m.breakouts.extend(m.who('Ana'), 30);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(m.breakouts.running).toBe(true);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(m.breakouts.running).toBe(false);
		expect(opened.every((r) => r.closed)).toBe(true);
		expect(m.main.participants().map((p) => p.displayName).sort()).toEqual(['Ana', 'Ben']);
		expect(m.pushes.get('Ben')?.some((p) => p.event === 'roomClosed')).toBe(false);
		m.main.close('shutdown');
	});

	it('a meeting everyone left closes after the grace, breakout rooms and all; an empty breakout room alone stays', async () => {
		vi.useFakeTimers();
		const m = meeting();
		const ana = m.enter(m.main, 'Ana', 'moderator');
		const ben = m.enter(m.main, 'Ben');
		await m.breakouts.start(ana, { rooms: [{ name: 'A', participantIds: [ben.id] }, { name: 'B', participantIds: [] }], allowChoose: true, durationSeconds: 3600 });
		const [a, b] = m.breakouts.rooms();
		await vi.advanceTimersByTimeAsync(5_000);
		expect(b?.closed).toBe(false);
		m.main.leave(m.who('Ana').id, 'clientLeft');
		await vi.advanceTimersByTimeAsync(5_000);
		expect(m.main.closed).toBe(false); // Ben is still in A
		a?.leave(m.who('Ben').id, 'clientLeft');
		await vi.advanceTimersByTimeAsync(opts.emptyGraceMs + 10);
		expect([m.main.closed, a?.closed, b?.closed]).toEqual([true, true, true]);
	});

	it('the main room ending closes its breakout rooms with it', async () => {
		const m = meeting();
		const ana = m.enter(m.main, 'Ana', 'moderator');
		const ben = m.enter(m.main, 'Ben');
		await m.breakouts.start(ana, { rooms: [{ name: 'A', participantIds: [ben.id] }, { name: 'B', participantIds: [] }], allowChoose: false, durationSeconds: 600 });
		const opened = m.breakouts.rooms();
		m.main.close('roomEnded');
		expect(opened.every((r) => r.closed)).toBe(true);
		expect(m.pushes.get('Ben')?.at(-1)).toEqual({ event: 'roomClosed', data: { reason: 'roomEnded' } });
	});
});
