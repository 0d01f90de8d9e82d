import pino from 'pino';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import { makeModerator, removeParticipant } from '../rooms/moderation.js';
import { Room } from '../rooms/Room.js';
import { asRoomId } from '../shared/ids.js';
import { CLIENT_CLOSE_REASONS, CLOSE_REASONS, type ClientCloseReason, toClientReason } from './closeReasons.js';
import { RoomIdSchema } from './common.js';
import { Pushes, type ServerEvents, type ServerPush } from './events.js';
import { LIMITS, isRoomId } from './limits.js';
import { Requests } from './requests.js';
import { type Responses, Responses as ResponseSchemas } from './responses.js';

describe('protocol', () => {
	it('has one response schema per request, and no other', () => {
		expect(Object.keys(ResponseSchemas).sort()).toEqual(Object.keys(Requests).sort());
	});

	it('the inferred types are what handlers and the client rely on', () => {
		expectTypeOf<Responses['join']['role']>().toEqualTypeOf<'moderator' | 'participant'>();
		expectTypeOf<Responses['leave']>().toEqualTypeOf<Record<string, never>>();
		expectTypeOf<Responses['setHand']>().toEqualTypeOf<{ raisedAt: number | null }>();
		expectTypeOf<ServerEvents['roomClosed']['reason']>().toEqualTypeOf<ClientCloseReason>();
		expectTypeOf<ServerEvents['reconnect']>().toEqualTypeOf<{ url: string | null }>();
		expectTypeOf<Responses['resume']['failoverUrls']>().toEqualTypeOf<string[]>();
		expectTypeOf<ServerEvents['lobbyDecision']>().toEqualTypeOf<{ admitted: boolean; ticket?: string | undefined }>();
	});

	it('toClientReason maps every internal reason onto the client reasons, and uses each of them', () => {
		const told = CLOSE_REASONS.map(toClientReason);
		for (const r of told) expect(CLIENT_CLOSE_REASONS).toContain(r);
		expect(new Set(told)).toEqual(new Set(CLIENT_CLOSE_REASONS));
		expect(toClientReason('roomEmpty')).toBe('closed');
		expect(toClientReason('kicked')).toBe('kicked');
		expect(Pushes.roomClosed.safeParse({ reason: 'roomEmpty' }).success).toBe(false);
	});

	it('reconnect names a URL or none; a snapshot carries the failover URLs', () => {
		expect(Pushes.reconnect.parse({ url: 'https://n2.example.org' })).toEqual({ url: 'https://n2.example.org' });
		expect(Pushes.reconnect.parse({ url: null })).toEqual({ url: null });
		expect(Pushes.reconnect.safeParse({ url: 'not a url' }).success).toBe(false);
		expect(ResponseSchemas.resume.shape.failoverUrls.parse(['https://n2.example.org'])).toEqual(['https://n2.example.org']);
		expect(ResponseSchemas.resume.shape.failoverUrls.safeParse(['x']).success).toBe(false);
	});

	it('the zod-free room-id check agrees with the schema', () => {
		for (const id of ['r', 'Ab3_-x.~', 'r'.repeat(LIMITS.ROOM_ID_MAX), '', 'a b', '../x', 'ä', 'r'.repeat(LIMITS.ROOM_ID_MAX + 1)]) {
			expect(isRoomId(id), id).toBe(RoomIdSchema.safeParse(id).success);
		}
	});

	it('what a room pushes matches the push schemas exactly (nothing more, nothing less)', () => {
		const room = new Room(asRoomId('r1'), new FakeRoomMedia(), { emptyGraceMs: 1_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, pino({ level: 'silent' }));
		const got: ServerPush[] = [];
		const mod = room.join('M', (p) => got.push(p), 'moderator');
		const guest = room.join('G', (p) => got.push(p));
		room.join('H', (p) => got.push(p));
		room.chat(guest.id, 'hello');
		room.setHand(guest.id, true);
		room.react(guest.id, 'applause');
		makeModerator(room, mod.id, guest.id);
		removeParticipant(room, mod.id, guest.id);
		room.close('roomEmpty');
		const events = new Set(got.map((p) => p.event));
		for (const e of ['participantJoined', 'chatMessage', 'handChanged', 'reaction', 'participantUpdated', 'participantLeft', 'roomClosed'] as const) expect(events).toContain(e);
		for (const p of got) expect(Pushes[p.event].parse(p.data), p.event).toEqual(p.data);
		expect(got.filter((p) => p.event === 'roomClosed').map((p) => p.data)).toContainEqual({ reason: 'closed' });
	});
});
