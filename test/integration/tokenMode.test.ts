import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCommand, startServer, stopServer } from '../support/serverProcess.js';
import { ask, connectBrowser } from './helpers.js';

const SECRET = 'integration-secret-with-at-least-32-chars';
const mint = (claims: object, secret = SECRET) =>
	new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuer('plenum-portal').setAudience('plenum').setExpirationTime('10m').sign(new TextEncoder().encode(secret));

// AUTH_MODE=token on a real server: rooms need a token; the token sets name and role.
describe('token mode', () => {
	let server: { child: ChildProcess; baseUrl: string };
	const sockets: Socket[] = [];
	const connect = async () => {
		const s = io(server.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
		sockets.push(s);
		await new Promise<void>((ok) => s.once('connect', () => ok()));
		return s;
	};

	beforeAll(async () => {
		server = await startServer(join(mkdtempSync(join(tmpdir(), 'plenum-token-')), 'server.log'), { AUTH_MODE: 'token', JWT_SECRET: SECRET, MEDIASOUP_WORKERS: '1' });
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		if (server) await stopServer(server.child);
	});

	it('refuses to start in token mode without a key, naming the variables', () => {
		const [node, ...args] = serverCommand();
		const r = spawnSync(node, args, { env: { ...process.env, AUTH_MODE: 'token', PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('AUTH_MODE=token needs JWT_SECRET');
	});

	it('a join without token, with a forged one, or for another room is refused with its code', async () => {
		const s = await connect();
		expect((await ask(s, 'join', { roomId: 'board', displayName: 'X' })).error?.code).toBe('PLN_TOKEN_REQUIRED');
		expect((await ask(s, 'join', { roomId: 'board', displayName: 'X', token: await mint({ room: 'board' }, 'a-different-secret-of-32-characters!!') })).error?.code).toBe('PLN_TOKEN_BAD_SIGNATURE');
		expect((await ask(s, 'join', { roomId: 'board', displayName: 'X', token: await mint({ room: 'other-room' }) })).error?.code).toBe('PLN_TOKEN_WRONG_ROOM');
	});

	it('a valid token admits with the name and role it carries', async () => {
		const chair = await connect();
		const joined = await ask(chair, 'join', { roomId: 'board', displayName: 'typed name', token: await mint({ room: 'board', name: 'Chair Person', role: 'moderator' }) });
		expect(joined.ok).toBe(true);
		const member = await connect();
		const seen = await ask(member, 'join', { roomId: 'board', displayName: 'Member', token: await mint({ room: '*' }) });
		expect(seen.data.participants).toEqual([expect.objectContaining({ displayName: 'Chair Person', role: 'moderator' })]);
	});

	it('a guest without token may knock at a room whose moderator enabled the lobby, and is let in', async () => {
		const chair = await connect();
		expect((await ask(chair, 'join', { roomId: 'guests', displayName: 'x', token: await mint({ room: 'guests', role: 'moderator' }) })).ok).toBe(true);
		const guest = await connect();
		expect((await ask(guest, 'knock', { roomId: 'guests', displayName: 'Guest' })).error?.code).toBe('PLN_TOKEN_REQUIRED');
		await ask(chair, 'setLobby', { enabled: true });
		expect((await ask(guest, 'join', { roomId: 'guests', displayName: 'Guest' })).error?.code).toBe('PLN_LOBBY_REQUIRED');
		const decision = new Promise<{ ticket?: string }>((ok) => guest.once('lobbyDecision', ok));
		const k = await ask(guest, 'knock', { roomId: 'guests', displayName: 'Guest' });
		await ask(chair, 'admit', { entryId: k.data.entryId });
		const { ticket } = await decision;
		const joined = await ask(guest, 'join', { roomId: 'guests', displayName: 'Guest', ticket });
		expect(joined.ok).toBe(true);
		expect(joined.data.role).toBe('participant');
		// A forged ticket does not open a token-mode room.
		expect((await ask(await connect(), 'join', { roomId: 'guests', displayName: 'Forger', ticket: 'x'.repeat(22) })).error?.code).toBe('PLN_LOBBY_REQUIRED');
	});

	it('remove with ban keeps that invitation out for the room’s lifetime; other invitations still enter', async () => {
		const chair = await connect();
		await ask(chair, 'join', { roomId: 'ban-room', displayName: 'x', token: await mint({ room: 'ban-room', role: 'moderator' }) });
		const invitation = await mint({ room: 'ban-room', name: 'Troll' });
		const troll = await connect();
		const joined = await ask(troll, 'join', { roomId: 'ban-room', displayName: 'x', token: invitation });
		const others = await ask(await connect(), 'join', { roomId: 'ban-room', displayName: 'x', token: await mint({ room: 'ban-room', name: 'Fine' }) });
		const id = others.data.participants.find((p: { displayName: string }) => p.displayName === 'Troll')?.id;
		expect(joined.ok && id).toBeTruthy();
		expect((await ask(chair, 'removeParticipant', { participantId: id, ban: true })).ok).toBe(true);
		expect((await ask(await connect(), 'join', { roomId: 'ban-room', displayName: 'x', token: invitation })).error?.code).toBe('PLN_BANNED');
		expect((await ask(await connect(), 'join', { roomId: 'ban-room', displayName: 'x', token: await mint({ room: 'ban-room', name: 'New' }) })).ok).toBe(true);
	});

	it('a browser opening a link with ?jwt= joins, and the token leaves the address bar', async () => {
		const browser: Browser = await connectBrowser();
		const page = await (await browser.newContext()).newPage();
		await page.goto(`${server.baseUrl}/r/board?name=Guest&join=1&jwt=${await mint({ room: 'board' })}`);
		await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 20_000 });
		expect(page.url()).not.toContain('jwt=');
		expect(page.url()).toContain('name=Guest');
		await browser.close();
	});
});
