import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuSeconds } from '../support/cpu.js';
import { baseUrl, connectBrowser, eventually, inboundStats, uniqueRoomId } from './helpers.js';

const PEOPLE = 9;
// Every page runs in this one 2-core machine: three send video, the others join with camera
// and mic off (`&camera=off&mic=off`), so the test measures the grid, not our CPU ceiling.
const WITH_VIDEO = 3;
const FULL_WIDTH = 1280; // the fake camera sends 1280×720 in its top simulcast layer
const CPU_WINDOW_MS = 10_000;

// A 3×3 grid: every tile renders, and small tiles receive a lower simulcast layer.
describe(`a ${PEOPLE}-participant room`, () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const pages: Page[] = [];
	const roomId = uniqueRoomId('nine');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('renders a tile per participant and asks for lower layers for the small tiles', async () => {
		const started = Date.now();
		for (let i = 0; i < PEOPLE; i++) {
			const page = await ctx.newPage();
			const video = i < WITH_VIDEO;
			await page.goto(`${baseUrl()}/r/${roomId}?name=${encodeURIComponent(`Person ${i + 1}`)}&join=1${video ? '' : '&camera=off&mic=off'}`);
			await page.waitForFunction((v) => window.plenum?.client && (!v || window.plenum.client.isPublishing('camera')), video, { timeout: 30_000 });
			pages.push(page);
			console.log(`joined ${i + 1} after ${Date.now() - started} ms`);
			if (i === 3) {
				await eventually(async () => (await inboundStats(pages[0] as Page)).filter((s) => s.source === 'camera' && s.framesDecoded > 0).length === WITH_VIDEO - 1, 30_000, 'video in the 4-person meeting');
				await (pages[0] as Page).screenshot({ path: 'test-output/screenshots/meeting-4.png' });
			}
		}
		const observer = pages[0] as Page;
		await expect.poll(() => observer.locator('#grid .tile').count(), { timeout: 20_000 }).toBe(PEOPLE);
		const video = await eventually(async () => {
			const s = (await inboundStats(observer)).filter((x) => x.source === 'camera');
			return s.length === WITH_VIDEO - 1 && s.every((x) => x.framesDecoded > 0 && x.frameWidth > 0) && s;
		}, 60_000, 'video from the other participants with cameras');
		// A third of a 1280 px wide window: the tiles ask for the middle layer (640 px) or less.
		expect(Math.max(...video.map((x) => x.frameWidth))).toBeLessThanOrEqual(FULL_WIDTH / 2);
		await observer.screenshot({ path: 'test-output/screenshots/meeting-9.png' });

		// What this costs the browser (reported, not asserted: timing goals live in bench/).
		const before = cpuSeconds(/chrom/i);
		await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
		const used = cpuSeconds(/chrom/i) - before;
		console.log(`${PEOPLE}-person room, ${PEOPLE} pages in one Chromium: ${(used / (CPU_WINDOW_MS / 1000)).toFixed(2)} CPU cores busy (${((used / (CPU_WINDOW_MS / 1000) / PEOPLE) * 100).toFixed(0)} % of a core per page)`);
	}, 180_000);
});
