import type { Browser as ChromiumBrowser, BrowserContext } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_PATH, FIREFOX_PREFS } from '../support/browserFlags.js';
import { type InboundStat, baseUrl, connectBrowser, eventually, inboundStats, joinInBrowser, uniqueRoomId } from './helpers.js';

// Participants come with Firefox too: no H264 there, its own simulcast and DTLS stacks.
describe('Firefox and Chromium in one room', () => {
	let chromium: ChromiumBrowser;
	let ctx: BrowserContext;
	let firefox: FirefoxBrowser;
	let fritz: FirefoxPage;
	const roomId = uniqueRoomId('ff');

	const firefoxStats = (): Promise<InboundStat[]> => fritz.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([]));

	beforeAll(async () => {
		chromium = await connectBrowser();
		ctx = await chromium.newContext();
		firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: FIREFOX_PREFS });
		fritz = await firefox.newPage();
	});
	afterAll(async () => {
		await firefox?.close();
		await ctx?.close();
		await chromium?.close();
	});

	it('each decodes the other’s camera and microphone', async () => {
		const chloe = await joinInBrowser(ctx, roomId, 'Chloe');
		await fritz.goto(`${baseUrl()}/r/${roomId}?name=Fritz&join=1`);
		// Polled with evaluate: puppeteer's waitForFunction builds a Function(), which Firefox 140
		// refuses under Plenum's CSP (no 'unsafe-eval'), and the CSP stays as it is.
		await eventually(() => fritz.evaluate(() => window.plenum?.client?.isPublishing('camera') ?? false), 20_000, 'Firefox to publish its camera');

		await eventually(async () => {
			const s = await inboundStats(chloe);
			return s.some((x) => x.source === 'camera' && x.framesDecoded > 10) && s.some((x) => x.source === 'mic' && x.totalSamplesReceived > 0);
		}, 30_000, 'Chromium to decode Firefox');
		const ff = await eventually(async () => {
			const s = await firefoxStats();
			const video = s.find((x) => x.source === 'camera' && x.framesDecoded > 10);
			const audio = s.find((x) => x.source === 'mic' && x.packetsReceived > 50);
			return video && audio && { video, audio };
		}, 30_000, 'Firefox to decode Chromium');
		expect(ff.video.frameWidth).toBeGreaterThan(0);
		await chloe.close();
	});
});
