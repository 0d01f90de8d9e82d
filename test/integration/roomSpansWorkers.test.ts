import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../support/serverProcess.js';
import { connectBrowser, eventually, inboundStats, talkingMic } from './helpers.js';

// A room that outgrows one worker spans two: newcomers' transports go to a router on the
// other worker, and media crosses between the routers through pipeToRouter.
describe('a room spanning two workers', () => {
	let server: { child: ChildProcess; baseUrl: string };
	let logPath: string;
	let browser: Browser;
	let ctx: BrowserContext;
	let alice: Page;
	let bob: Page;

	const metric = async (name: string) => {
		const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
		return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
	};
	const open = async (name: string, talking = false) => {
		const page = await ctx.newPage();
		if (talking) await talkingMic(page);
		await page.goto(`${server.baseUrl}/r/spill-room?name=${name}&join=1`);
		await page.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 20_000 });
		return page;
	};

	beforeAll(async () => {
		logPath = join(mkdtempSync(join(tmpdir(), 'plenum-spill-')), 'server.log');
		// Spill after one producer: Alice fills the first router, Bob lands on the second.
		server = await startServer(logPath, { ROOM_SPILL_LOAD: '1', MEDIASOUP_WORKERS: '2' });
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
	});

	it('puts the second participant on the other worker and both decode each other', async () => {
		alice = await open('Alice');
		expect(await metric('plenum_media_routers')).toBe(1);
		bob = await open('Bob', true);
		expect(await metric('plenum_rooms')).toBe(1);
		expect(await metric('plenum_media_routers')).toBe(2);
		for (const page of [alice, bob]) {
			await eventually(async () => {
				const s = await inboundStats(page);
				return s.some((x) => x.source === 'camera' && x.framesDecoded > 10) && s.some((x) => x.source === 'mic' && x.totalSamplesReceived > 0);
			}, 30_000, 'media across the two routers');
		}
		await eventually(async () => readFileSync(logPath, 'utf8').includes('room spans another worker'), 5_000, 'the spill log line');
	});

	it('active speaker detection hears the participant on the second worker', async () => {
		const bobId = await bob.evaluate(() => window.plenum?.client?.participantId);
		// With Alice muted, Bob's (piped) microphone is the only one the observer can hear.
		await alice.click('#btn-mic');
		await eventually(async () => (await alice.evaluate(() => window.plenum?.client?.activeSpeaker)) === bobId, 15_000, 'Bob as active speaker');
	});

	it('closing the room frees the routers on both workers', async () => {
		await alice.click('#btn-leave');
		await bob.click('#btn-leave');
		await eventually(async () => (await metric('plenum_rooms')) === 0 && (await metric('plenum_media_routers')) === 0, 10_000, 'both routers to close');
	});
});
