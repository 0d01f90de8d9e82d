import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../support/serverProcess.js';
import { ask, connectBrowser, eventually, inboundStats, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

// A server of its own (the shared one must not drain): SIGTERM drains it while a real meeting
// between two Chromium pages goes on; the process exits 0 once that meeting has ended.
const logDir = () => mkdtempSync(join(tmpdir(), 'plenum-drain-'));
const exitOf = (child: ChildProcess) => new Promise<number | null>((ok) => {
	if (child.exitCode !== null) ok(child.exitCode);
	else child.once('exit', (code) => ok(code));
});
const readyz = async (base: string) => {
	const res = await fetch(`${base}/readyz`);
	return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
};

const videoFrames = async (page: Page) => (await inboundStats(page)).find((s) => s.source === 'camera')?.framesDecoded ?? 0;

describe('graceful drain on SIGTERM', () => {
	let server: { child: ChildProcess; baseUrl: string };
	let browser: Browser;
	let ctx: BrowserContext;
	const sockets: Socket[] = [];
	const roomId = uniqueRoomId('drain');

	beforeAll(async () => {
		server = await startServer(join(logDir(), 'server.log'), { DRAIN_TIMEOUT_MS: '120000' });
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
	});

	it('keeps the running meeting (media flowing), refuses new rooms, shows the banner, and exits 0 when the meeting ends', async () => {
		const base = server.baseUrl;
		const alice = await joinInBrowser(ctx, roomId, 'Alice', base);
		const bob = await joinInBrowser(ctx, roomId, 'Bob', base);
		await eventually(async () => (await videoFrames(alice)) > 0 && (await videoFrames(bob)) > 0, 30_000, 'video both ways');
		expect(await readyz(base)).toEqual({ status: 200, body: { status: 'ready' } });

		const exited = exitOf(server.child);
		server.child.kill('SIGTERM');
		expect(await eventually(async () => { const r = await readyz(base); return r.status === 503 && r; }, 20_000, 'readyz 503'))
			.toEqual({ status: 503, body: { status: 'not ready', reason: 'draining' } });
		expect((await fetch(`${base}/healthz`)).status).toBe(200);
		// Kubernetes sends SIGTERM after a preStop drain: a repeated signal changes nothing.
		server.child.kill('SIGTERM');

		// Both participants are told, in the page.
		for (const page of [alice, bob]) await page.waitForSelector('#draining', { timeout: 30_000 });
		expect(await alice.textContent('#draining')).toContain('restarted for maintenance');

		// A new room is refused with the catalogued code; the running one still takes joins.
		// Listen before connecting: the server tells a newcomer at once, which can beat a listener added after 'connect'.
		const s = io(base, { transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false });
		sockets.push(s);
		const told = new Promise<{ deadlineAt: number }>((ok) => s.once('serverDraining', ok));
		s.connect();
		expect((await ask(s, 'join', { roomId: uniqueRoomId('new'), displayName: 'Late' })).error?.code).toBe('PLN_DRAINING');
		expect((await told).deadlineAt).toBeGreaterThan(Date.now() + 60_000);
		const s2 = await rawSocket(base);
		sockets.push(s2);
		expect((await ask(s2, 'join', { roomId, displayName: 'Carol' })).ok).toBe(true);
		expect((await ask(s2, 'leave')).ok).toBe(true);

		// The browser shows the refusal in the user's words.
		const late = await ctx.newPage();
		await late.goto(`${base}/r/${uniqueRoomId('late')}?name=Dora&join=1`);
		await late.waitForSelector('text=restarting for maintenance', { timeout: 20_000 });
		await late.close();

		// Media keeps flowing during the drain.
		const before = await videoFrames(alice);
		await eventually(async () => (await videoFrames(alice)) > before + 30, 20_000, 'frames to keep rising while draining');
		expect(server.child.exitCode).toBeNull();

		// The meeting ends: everyone leaves, the room closes after its grace, the process exits 0.
		for (const page of [alice, bob]) await page.evaluate(() => window.plenum?.client?.leave());
		expect(await Promise.race([exited, new Promise((ok) => setTimeout(() => ok('still running'), 20_000))])).toBe(0);
	}, 240_000);
});

describe('drain deadline', () => {
	it('closes meetings still running at DRAIN_TIMEOUT_MS with reason shutdown and exits 0 (SIGUSR2 starts the drain)', async () => {
		const server = await startServer(join(logDir(), 'server.log'), { DRAIN_TIMEOUT_MS: '1500' });
		const s = await rawSocket(server.baseUrl);
		try {
			expect((await ask(s, 'join', { roomId: uniqueRoomId('dl'), displayName: 'Stays' })).ok).toBe(true);
			const told = new Promise<{ deadlineAt: number }>((ok) => s.once('serverDraining', ok));
			const closed = new Promise<{ reason: string }>((ok) => s.once('roomClosed', ok));
			const exited = exitOf(server.child);
			server.child.kill('SIGUSR2');
			await told;
			expect((await closed).reason).toBe('shutdown');
			expect(await exited).toBe(0);
		} finally {
			s.disconnect();
			await stopServer(server.child);
		}
	}, 120_000);
});
