import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import type { InboundStat } from '../../client/src/RoomClient.js';

export const baseUrl = () => inject('baseUrl');

export function uniqueRoomId(prefix = 'it'): string {
	return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Connects to the shared Chromium; each test file gets its own context (cookies, storage). */
export async function connectBrowser(): Promise<Browser> {
	return chromium.connect(inject('browserWsEndpoint'));
}

export type { InboundStat } from '../../client/src/RoomClient.js';

/** Opens the room link the way an embedder does (`?name=…&join=1`) and waits until joined (on the shared server unless `server` is given). */
export async function joinInBrowser(ctx: BrowserContext, roomId: string, name: string, server = baseUrl()): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`${server}/r/${roomId}?name=${encodeURIComponent(name)}&join=1`);
	await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 20_000 });
	return page;
}

export function inboundStats(page: Page): Promise<InboundStat[]> {
	return page.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([]));
}

/** Polls `check` every 250 ms until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const v = await check();
			if (v) return v;
		} catch (err) {
			last = err;
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The value of one Prometheus sample line, e.g. `plenum_rooms` or `plenum_media_consumers{kind="video"}`. */
export async function metric(name: string): Promise<number> {
	const text = await (await fetch(`${baseUrl()}/metrics`)).text();
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	if (!line) throw new Error(`metric ${name} not found`);
	return Number(line.slice(name.length + 1));
}

/** A raw signalling connection, as a misbehaving or scripted client would open it. */
export async function rawSocket(base = baseUrl()): Promise<Socket> {
	const socket = io(base, { transports: ['websocket'], reconnection: false, forceNew: true });
	await new Promise<void>((ok, fail) => {
		socket.once('connect', () => ok());
		socket.once('connect_error', fail);
	});
	return socket;
}

/** Raw sockets for one test file: `open()` in tests, `closeAll()` in afterEach. */
export function socketPool(): { open: () => Promise<Socket>; closeAll: () => void } {
	const sockets: Socket[] = [];
	return {
		open: async () => {
			const s = await rawSocket();
			sockets.push(s);
			return s;
		},
		closeAll: () => {
			for (const s of sockets.splice(0)) s.disconnect();
		},
	};
}

export function ask(socket: Socket, event: string, ...args: unknown[]): Promise<{ ok: boolean; data?: any; error?: { code: string; message: string } }> {
	return socket.timeout(5_000).emitWithAck(event, ...args);
}

/**
 * Makes the page's microphone "talk": syllables of a loud tone (400 ms) with soft gaps
 * (100 ms), instead of Chromium's fake device, which beeps for a few ms a second. mediasoup's
 * speaker observer judges each speaker on its latest 20 ms level at every tick, so the
 * beeps win a tick only by chance; the soft (not silent) gaps give it a noise floor below
 * the syllables. Call before the page loads.
 */
export async function talkingMic(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const getUserMedia = MediaDevices.prototype.getUserMedia;
		MediaDevices.prototype.getUserMedia = async function (constraints) {
			const stream = await getUserMedia.call(this, constraints);
			if (!constraints?.audio) return stream;
			const ac = new AudioContext();
			const tone = ac.createOscillator();
			const gain = ac.createGain();
			const out = ac.createMediaStreamDestination();
			for (let i = 0, t = ac.currentTime; i < 1200; i++, t += 0.5) {
				gain.gain.setValueAtTime(1, t);
				gain.gain.setValueAtTime(0.001, t + 0.4);
			}
			tone.connect(gain).connect(out);
			tone.start();
			for (const t of stream.getAudioTracks()) {
				stream.removeTrack(t);
				t.stop();
			}
			for (const t of out.stream.getAudioTracks()) stream.addTrack(t);
			return stream;
		};
	});
}

/**
 * A measurement window in which nothing may arrive (a paused producer or consumer sends no
 * packet): 75 audio packets or 45 video frames, had the pause not held.
 */
export const QUIET_WINDOW_MS = 1_500;

/**
 * Waits until `count` (e.g. packets received) stops moving: two reads 250 ms apart agree, so
 * whatever was on the wire before a pause has arrived. Resolves with that count.
 */
export async function settledCount(count: () => Promise<number>, timeoutMs = 10_000, what = 'the count to settle'): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let last = await count();
	while (Date.now() < deadline) {
		// Apart by more than Chromium's getStats cache (50 ms) and many audio packet intervals (20 ms).
		await new Promise((r) => setTimeout(r, 250));
		const now = await count();
		if (now === last) return now;
		last = now;
	}
	throw new Error(`timed out waiting for ${what}`);
}
