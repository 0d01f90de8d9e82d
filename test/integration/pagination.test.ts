import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WINDOW_MS, baseUrl, connectBrowser, eventually, inboundStats, settledCount, uniqueRoomId } from './helpers.js';

// On a phone-sized screen the grid pages by four; video on the hidden page is paused at the
// SFU (no packets, no decoding) and resumes when the user pages to it.
describe('grid pages on a small screen', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const pages: Page[] = [];
	const roomId = uniqueRoomId('page');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 390, height: 800 } });
		// The observer and three others without camera fill page one; the last two send video.
		for (let i = 0; i < 6; i++) {
			const video = i >= 4;
			const page = await ctx.newPage();
			await page.goto(`${baseUrl()}/r/${roomId}?name=P${i}&join=1${video ? '&mic=off' : '&camera=off&mic=off'}`);
			await page.waitForFunction((v) => window.plenum?.client && (!v || window.plenum.client.isPublishing('camera')), video, { timeout: 30_000 });
			pages.push(page);
		}
	}, 120_000);
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('pauses the video of tiles on the hidden page and resumes it on paging', async () => {
		const observer = pages[0] as Page;
		await expect.poll(() => observer.locator('#grid .tile').count(), { timeout: 15_000 }).toBe(4);
		await expect.poll(() => observer.locator('.pager').count()).toBe(1);
		const video = await eventually(async () => {
			const s = (await inboundStats(observer)).filter((x) => x.source === 'camera');
			return s.length === 2 && s.every((x) => x.paused) && s;
		}, 15_000, 'both hidden videos to be paused');
		// Paused here means the client asked the SFU; once the packets stop, none may come in a quiet window.
		const cameras = async () => (await inboundStats(observer)).filter((x) => x.source === 'camera');
		await settledCount(async () => (await cameras()).reduce((n, x) => n + x.packetsReceived, 0), 10_000, 'hidden videos’ packets to stop');
		const paused = await cameras();
		await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
		const still = await cameras();
		expect(paused.map((v) => v.consumerId).sort()).toEqual(video.map((v) => v.consumerId).sort());
		for (const v of paused) expect(still.find((x) => x.consumerId === v.consumerId)?.packetsReceived).toBe(v.packetsReceived);

		await observer.click('.pager button:last-of-type');
		await expect.poll(() => observer.locator('#grid .tile').count()).toBe(2);
		await eventually(async () => {
			const s = (await inboundStats(observer)).filter((x) => x.source === 'camera');
			return s.length === 2 && s.every((x) => !x.paused && x.framesDecoded > 5);
		}, 20_000, 'the paged-to videos to play');
	});
});
