import { afterEach, describe, expect, it } from 'vitest';
import { ask, socketPool, uniqueRoomId } from './helpers.js';

// Lock, password and lobby on a real server, driven by a moderator (the room's opener).
describe('room access: lock, password, lobby', () => {
	const { open, closeAll } = socketPool();
	afterEach(closeAll);

	const opened = async () => {
		const roomId = uniqueRoomId('acc');
		const chair = await open();
		const joined = await ask(chair, 'join', { roomId, displayName: 'Chair' });
		expect(joined.data.role).toBe('moderator');
		return { roomId, chair };
	};

	it('only a moderator changes the settings; a locked room refuses newcomers', async () => {
		const { roomId, chair } = await opened();
		const member = await open();
		expect((await ask(member, 'join', { roomId, displayName: 'Member' })).ok).toBe(true);
		expect((await ask(member, 'setRoomLock', { locked: true })).error?.code).toBe('PLN_NOT_MODERATOR');
		const settings = new Promise((ok) => member.once('roomSettings', ok));
		expect((await ask(chair, 'setRoomLock', { locked: true })).ok).toBe(true);
		expect(await settings).toEqual({ locked: true, lobby: false, hasPassword: false });
		expect((await ask(await open(), 'join', { roomId, displayName: 'Late' })).error?.code).toBe('PLN_ROOM_LOCKED');
		await ask(chair, 'setRoomLock', { locked: false });
		expect((await ask(await open(), 'join', { roomId, displayName: 'Late' })).ok).toBe(true);
	});

	it('a password is required and checked', async () => {
		const { roomId, chair } = await opened();
		expect((await ask(chair, 'setPassword', { password: 'Rathaus-2026' })).ok).toBe(true);
		expect((await ask(await open(), 'join', { roomId, displayName: 'A' })).error?.code).toBe('PLN_PASSWORD_REQUIRED');
		expect((await ask(await open(), 'join', { roomId, displayName: 'A', password: 'wrong' })).error?.code).toBe('PLN_WRONG_PASSWORD');
		expect((await ask(await open(), 'join', { roomId, displayName: 'A', password: 'Rathaus-2026' })).ok).toBe(true);
	});

	it('lobby: newcomers knock, moderators see their names, admit with a single-use ticket or deny', async () => {
		const { roomId, chair } = await opened();
		await ask(chair, 'setLobby', { enabled: true });
		const guest = await open();
		expect((await ask(guest, 'join', { roomId, displayName: 'Guest' })).error?.code).toBe('PLN_LOBBY_REQUIRED');
		const lobby = new Promise<{ waiting: Array<{ id: string; displayName: string }> }>((ok) => chair.once('lobbyChanged', ok));
		const knocked = await ask(guest, 'knock', { roomId, displayName: 'Guest' });
		const { waiting } = await lobby;
		expect(waiting).toEqual([{ id: knocked.data.entryId, displayName: 'Guest' }]);

		const decision = new Promise<{ admitted: boolean; ticket?: string }>((ok) => guest.once('lobbyDecision', ok));
		expect((await ask(guest, 'admit', { entryId: knocked.data.entryId })).error?.code).toBe('PLN_NOT_JOINED');
		expect((await ask(chair, 'admit', { entryId: knocked.data.entryId })).ok).toBe(true);
		const { admitted, ticket } = await decision;
		expect(admitted).toBe(true);
		expect((await ask(guest, 'join', { roomId, displayName: 'Guest', ticket })).ok).toBe(true);
		// The ticket was single-use.
		expect((await ask(await open(), 'join', { roomId, displayName: 'Copycat', ticket })).error?.code).toBe('PLN_LOBBY_REQUIRED');

		const second = await open();
		const k2 = await ask(second, 'knock', { roomId, displayName: 'Unwelcome' });
		const denied = new Promise<{ admitted: boolean }>((ok) => second.once('lobbyDecision', ok));
		await ask(chair, 'deny', { entryId: k2.data.entryId });
		expect(await denied).toEqual({ admitted: false });
	});

	it('a knocker who leaves disappears from the moderators’ lobby list', async () => {
		const { roomId, chair } = await opened();
		await ask(chair, 'setLobby', { enabled: true });
		const guest = await open();
		await ask(guest, 'knock', { roomId, displayName: 'Gone' });
		const emptied = new Promise<{ waiting: unknown[] }>((ok) => chair.on('lobbyChanged', (l: { waiting: unknown[] }) => { if (l.waiting.length === 0) ok(l); }));
		guest.disconnect();
		expect((await emptied).waiting).toEqual([]);
	});
});
