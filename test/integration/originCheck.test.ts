import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, baseUrl, connectBrowser, uniqueRoomId } from './helpers.js';

/** Opens a socket.io connection that sends `origin` as its Origin header (undefined: none). */
function connect(origin: string | undefined): Promise<{ ok: true; socket: ReturnType<typeof io> } | { ok: false; error: Error }> {
	const socket = io(baseUrl(), { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: origin ? { origin } : {} });
	return new Promise((done) => {
		socket.once('connect', () => done({ ok: true, socket }));
		socket.once('connect_error', (error) => {
			socket.close();
			done({ ok: false, error });
		});
	});
}

/** The first request of a polling handshake, as a browser page on `origin` would send it. */
function pollingHandshake(origin: string): Promise<{ status: number; body: string }> {
	return new Promise((ok, fail) => {
		request(`${baseUrl()}/socket.io/?EIO=4&transport=polling`, { headers: { origin } }, (res) => {
			let body = '';
			res.on('data', (d: Buffer) => { body += d.toString(); });
			res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
		}).on('error', fail).end();
	});
}

// The shared test server runs without PUBLIC_URL or ALLOWED_ORIGINS: its own loopback origins only.
describe('signalling origin check', () => {
	const own = () => new URL(baseUrl()).origin;

	it('refuses a WebSocket handshake from a foreign origin and from Origin: null', async () => {
		for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
			const r = await connect(origin);
			expect(r.ok, origin).toBe(false);
		}
	});

	it('refuses a polling handshake from a foreign origin with 403 and the code', async () => {
		const r = await pollingHandshake('https://evil.example');
		expect(r.status).toBe(403);
		expect(JSON.parse(r.body)).toMatchObject({ message: 'PLN_ORIGIN_NOT_ALLOWED' });
		expect((await pollingHandshake(own())).status).toBe(200);
	});

	it('lets the own origin (127.0.0.1 and localhost) and origin-less programs in', async () => {
		const port = new URL(baseUrl()).port;
		for (const origin of [own(), `http://localhost:${port}`, undefined]) {
			const r = await connect(origin);
			expect(r.ok, String(origin)).toBe(true);
			if (!r.ok) continue;
			try {
				expect((await ask(r.socket, 'join', { roomId: uniqueRoomId('origin'), displayName: 'Own page' })).ok).toBe(true);
			} finally {
				r.socket.close();
			}
		}
	});

	describe('in a real browser', () => {
		let browser: Browser;
		let ctx: BrowserContext;
		let foreign: Server;
		let foreignUrl: string;
		beforeAll(async () => {
			browser = await connectBrowser();
			ctx = await browser.newContext();
			// Another site: a page on another port of the same host is another origin.
			foreign = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
			await new Promise<void>((ok) => foreign.listen(0, '127.0.0.1', ok));
			foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
		});
		afterAll(async () => {
			await ctx?.close();
			await browser?.close();
			await new Promise((ok) => foreign?.close(ok));
		});

		/** Whether a WebSocket from the page reaches socket.io's open packet ("0{…sid…}"). */
		const openFrom = async (pageUrl: string): Promise<boolean> => {
			const page = await ctx.newPage();
			try {
				await page.goto(pageUrl);
				const wsUrl = `${baseUrl().replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
				return await page.evaluate((url) => new Promise<boolean>((done) => {
					const ws = new WebSocket(url);
					ws.onmessage = (m) => { done(String(m.data).startsWith('0{')); ws.close(); };
					ws.onerror = () => done(false);
				}), wsUrl);
			} finally {
				await page.close();
			}
		};

		it('a page of another origin cannot open a signalling connection; the meeting page can', async () => {
			expect(await openFrom(foreignUrl)).toBe(false);
			expect(await openFrom(`${baseUrl()}/privacy`)).toBe(true);
		});
	});
});
