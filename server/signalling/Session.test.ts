import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import type { ServerPush } from '../protocol/events.js';
import { Room } from '../rooms/Room.js';
import { RoomRegistry } from '../rooms/RoomRegistry.js';
import { asRoomId } from '../shared/ids.js';
import { MAX_PENDING_REQUESTS, Session, type SessionSocket, type SignallingDeps } from './Session.js';

const log = pino({ level: 'silent' });
const GRACE_MS = 1_000;

/** The whole SessionSocket in memory: records what was emitted and whether it was closed. */
class FakeSocket implements SessionSocket {
	connected = true;
	readonly emitted: Array<{ event: string; data: unknown }> = [];
	closedWith: boolean | undefined;
	/** What socket.io does on a server-side disconnect: the 'disconnect' handler runs at once. */
	onDisconnect: (() => void) | undefined;
	emit(event: string, data?: unknown): boolean {
		this.emitted.push({ event, data });
		return true;
	}
	disconnect(close?: boolean): this {
		this.connected = false;
		this.closedWith = close ?? false;
		this.onDisconnect?.();
		return this;
	}
}

const PENDING_FOREVER = () => new Promise<never>(() => undefined);

describe('Session', () => {
	let room: Room;
	let deps: SignallingDeps;
	const inbox = () => {
		const got: ServerPush[] = [];
		return { got, notify: (p: ServerPush) => got.push(p) };
	};
	/** A session on a fake socket whose 'disconnect' calls dropped(), as the gateway wires it. */
	const session = () => {
		const socket = new FakeSocket();
		const s = new Session(socket, deps);
		socket.onDisconnect = () => s.dropped();
		return { socket, s };
	};
	const joinedSession = (name = 'A') => {
		const { socket, s } = session();
		const p = room.join(name, s.connection);
		s.bind(room, p);
		return { socket, s, p };
	};

	beforeEach(() => {
		vi.useFakeTimers();
		room = new Room(asRoomId('r1'), new FakeRoomMedia(), { emptyGraceMs: GRACE_MS, maxParticipants: 10, reconnectGraceMs: GRACE_MS * 3 }, log);
		// Session itself never asks the registry (the handlers do): one that cannot make media.
		const registry = new RoomRegistry({ createRoomMedia: async () => new FakeRoomMedia() }, { emptyGraceMs: GRACE_MS, maxParticipants: 10, reconnectGraceMs: GRACE_MS }, log);
		deps = { registry, log, auth: { mode: 'open', verifier: undefined } };
	});
	afterEach(() => {
		room.close('shutdown');
		vi.useRealTimers();
	});

	it('joined() before a join is PLN_NOT_JOINED; after a bind it names the room and participant', () => {
		const { s } = session();
		expect(() => s.joined()).toThrow(expect.objectContaining({ code: 'PLN_NOT_JOINED' }));
		const p = room.join('A', s.connection);
		s.bind(room, p);
		expect(s.joined()).toEqual({ room, participant: p });
	});

	it('pushes reach the socket; roomClosed detaches the session', () => {
		const { socket, s } = joinedSession();
		room.join('B', () => undefined);
		expect(socket.emitted.map((e) => e.event)).toEqual(['participantJoined']);
		room.close('roomEnded');
		expect(socket.emitted.at(-1)?.event).toBe('roomClosed');
		expect(s.participant).toBeUndefined();
		expect(() => s.joined()).toThrow(expect.objectContaining({ code: 'PLN_NOT_JOINED' }));
	});

	it('joined() in a room that closed is PLN_ROOM_CLOSED', () => {
		const { s, p } = joinedSession();
		const other = new Room(asRoomId('r2'), new FakeRoomMedia(), { emptyGraceMs: GRACE_MS, maxParticipants: 10, reconnectGraceMs: GRACE_MS }, log);
		s.bind(other, p);
		other.close('roomEnded'); // its push goes to nobody: p is not in `other`
		expect(() => s.joined()).toThrow(expect.objectContaining({ code: 'PLN_ROOM_CLOSED' }));
	});

	it('leave() removes the participant at once and detaches; a second leave is PLN_NOT_JOINED', () => {
		const { s, p } = joinedSession();
		s.leave('clientLeft');
		expect(room.participants()).not.toContain(p);
		expect(s.participant).toBeUndefined();
		expect(() => s.leave('clientLeft')).toThrow(expect.objectContaining({ code: 'PLN_NOT_JOINED' }));
	});

	it('a kick (roomClosed to the participant) detaches the session', () => {
		const { socket, s, p } = joinedSession();
		room.leave(p.id, 'kicked');
		expect(socket.emitted.at(-1)).toMatchObject({ event: 'roomClosed' });
		expect(() => s.joined()).toThrow(expect.objectContaining({ code: 'PLN_NOT_JOINED' }));
	});

	it('dropped() keeps the participant for the grace period, closes the session, and is idempotent', () => {
		const { s, p } = joinedSession();
		const b = inbox();
		room.join('B', b.notify);
		s.dropped();
		s.dropped();
		expect(s.closed).toBe(true);
		expect(p.connected).toBe(false);
		expect(room.participants()).toContain(p);
		vi.advanceTimersByTime(GRACE_MS * 3 - 1);
		expect(b.got.some((x) => x.event === 'participantLeft')).toBe(false);
		vi.advanceTimersByTime(1);
		expect(b.got.filter((x) => x.event === 'participantLeft')).toHaveLength(1);
	});

	it('after close every call is refused with PLN_STATE_CLOSED and pushes are dropped', async () => {
		const { socket, s } = joinedSession();
		s.dropped();
		expect(() => s.joined()).toThrow(expect.objectContaining({ code: 'PLN_STATE_CLOSED' }));
		await expect(s.run(async () => 'ran')).rejects.toMatchObject({ code: 'PLN_STATE_CLOSED' });
		expect(() => s.bind(room, room.join('C', () => undefined))).toThrow(expect.objectContaining({ code: 'PLN_STATE_CLOSED' }));
		const before = socket.emitted.length;
		s.push({ event: 'askedToUnmute', data: {} });
		expect(socket.emitted).toHaveLength(before);
	});

	it('dropped() of a knocking connection takes it out of the lobby and tells the moderators', () => {
		const mod = inbox();
		room.join('M', mod.notify, 'moderator');
		room.access.lobby = true;
		const { s } = session();
		const entry = room.access.knock('Guest', () => undefined);
		s.knocking = { room, entryId: entry.id };
		expect(room.access.waiting()).toHaveLength(1);
		s.dropped();
		expect(room.access.waiting()).toEqual([]);
		expect(mod.got.at(-1)).toEqual({ event: 'lobbyChanged', data: { waiting: [] } });
		expect(s.knocking).toBeUndefined();
	});

	describe('resume binds the participant to exactly one connection', () => {
		it('a resume on a new connection closes the old one, which can change nothing after', async () => {
			const old = joinedSession();
			const b = inbox();
			room.join('B', b.notify);
			const fresh = session();
			const p = room.resume(old.p.id, old.p.resumeToken, fresh.s.connection);
			fresh.s.bind(room, p);
			// The old connection is closed by the server (the whole engine.io connection)…
			expect(old.socket.closedWith).toBe(true);
			expect(old.s.closed).toBe(true);
			// …and neither its disconnect, now or later, nor its requests reach the participant.
			old.s.dropped();
			expect(p.connected).toBe(true);
			expect(() => old.s.joined()).toThrow(expect.objectContaining({ code: 'PLN_STATE_CLOSED' }));
			await expect(old.s.run(async () => 'late')).rejects.toMatchObject({ code: 'PLN_STATE_CLOSED' });
			vi.advanceTimersByTime(GRACE_MS * 10);
			expect(b.got.some((x) => x.event === 'participantLeft')).toBe(false);
			// Pushes go to the new socket only.
			room.chat(room.participants()[1]?.id ?? p.id, 'hello');
			expect(fresh.socket.emitted.map((e) => e.event)).toContain('chatMessage');
			expect(old.socket.emitted.map((e) => e.event)).not.toContain('chatMessage');
			expect(fresh.s.joined().participant).toBe(p);
		});

		it('the old connection closing before the resume still keeps the place, and the resume clears the timer', () => {
			const old = joinedSession();
			const b = inbox();
			room.join('B', b.notify);
			old.socket.disconnect(); // a clean drop: the gateway calls dropped()
			expect(old.p.connected).toBe(false);
			const fresh = session();
			fresh.s.bind(room, room.resume(old.p.id, old.p.resumeToken, fresh.s.connection));
			vi.advanceTimersByTime(GRACE_MS * 10);
			expect(b.got.some((x) => x.event === 'participantLeft')).toBe(false);
			expect(old.p.connected).toBe(true);
		});

		it('a resume on the same connection it is bound to does not close it', () => {
			const { socket, p, s } = joinedSession();
			room.resume(p.id, p.resumeToken, s.connection);
			expect(socket.closedWith).toBeUndefined();
			expect(s.joined().participant).toBe(p);
		});
	});

	describe('pending requests are bounded per connection', () => {
		it(`the ${MAX_PENDING_REQUESTS + 1}th request in flight is refused with PLN_TOO_MANY_PENDING; an answer frees a place`, async () => {
			const { s } = session();
			for (let i = 0; i < MAX_PENDING_REQUESTS - 1; i++) void s.run(PENDING_FOREVER);
			let finish: (v: string) => void = () => undefined;
			const last = s.run(() => new Promise<string>((ok) => { finish = ok; }));
			expect(s.pending).toBe(MAX_PENDING_REQUESTS);
			await expect(s.run(async () => 'one too many')).rejects.toMatchObject({ code: 'PLN_TOO_MANY_PENDING' });
			finish('done');
			await expect(last).resolves.toBe('done');
			expect(s.pending).toBe(MAX_PENDING_REQUESTS - 1);
			await expect(s.run(async () => 'fits again')).resolves.toBe('fits again');
		});

		it('a request that fails frees its place too', async () => {
			const { s } = session();
			await expect(s.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
			expect(s.pending).toBe(0);
		});
	});
});
