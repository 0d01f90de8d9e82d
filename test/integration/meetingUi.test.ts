import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, connectBrowser, eventually, inboundStats, uniqueRoomId } from './helpers.js';
import { axeViolations } from '../support/axe.js';

const SCREENSHOTS = 'test-output/screenshots';

/** Joins through the pre-join form, as a person does. */
async function joinViaPrejoin(ctx: BrowserContext, roomId: string, name: string): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`${baseUrl()}/r/${roomId}`);
	await page.fill('#prejoin-name', name);
	await page.click('#prejoin-form button[type=submit]');
	await page.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 20_000 });
	return page;
}

describe('the meeting UI in a real browser', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		browser = await connectBrowser();
		// bypassCSP only so the test can inject axe-core; the app itself runs under its CSP.
		ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale: 'en-US' });
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('stores nothing and sets no cookie until the privacy notice is confirmed', async () => {
		const page = await ctx.newPage();
		await page.goto(baseUrl());
		await expect.poll(() => page.isVisible('#privacy-notice')).toBe(true);
		expect(await page.evaluate(() => ({ consent: localStorage.getItem('plenum.consent'), keys: localStorage.length, cookie: document.cookie }))).toEqual({ consent: null, keys: 0, cookie: '' });
		expect(await ctx.cookies()).toEqual([]);
		await page.screenshot({ path: `${SCREENSHOTS}/landing.png` });
		await page.click('#privacy-accept');
		expect(await page.isVisible('#privacy-notice')).toBe(false);
		expect(await page.evaluate(() => localStorage.getItem('plenum.consent'))).toBe('1');
		expect(await ctx.cookies()).toEqual([]);
		await page.close();
	});

	it('shows German when the user switches language, and for a German browser by default', async () => {
		const page = await ctx.newPage();
		await page.goto(baseUrl());
		await page.selectOption('.lang select', 'de');
		await expect.poll(() => page.textContent('h1')).toBe('Videokonferenzen, die nichts zurücklassen');
		expect(await page.getAttribute('html', 'lang')).toBe('de');
		await page.close();
		const german = await browser.newContext({ locale: 'de-DE' });
		const page2 = await german.newPage();
		await page2.goto(baseUrl());
		expect(await page2.textContent('#start-meeting')).toBe('Neue Besprechung starten');
		await german.close();
	});

	it('has no serious accessibility violations on landing, pre-join and meeting views', async () => {
		const roomId = uniqueRoomId('a11y');
		const page = await ctx.newPage();
		await page.goto(baseUrl());
		expect(await axeViolations(page), 'landing').toEqual([]);
		await page.goto(`${baseUrl()}/r/${roomId}`);
		await page.waitForSelector('.preview video');
		await page.screenshot({ path: `${SCREENSHOTS}/prejoin.png` });
		expect(await axeViolations(page), 'pre-join').toEqual([]);
		await page.fill('#prejoin-name', 'Axe');
		await page.click('#prejoin-form button[type=submit]');
		await page.waitForSelector('#controls');
		await page.click('#btn-chat');
		await page.click('#btn-people');
		expect(await axeViolations(page), 'meeting').toEqual([]);
		await page.close();
	});

	it('names, hands, chat, screen share as the large view, and the list on leave reach the other page', async () => {
		const roomId = uniqueRoomId('ui');
		const requests: string[] = [];
		const anna = await joinViaPrejoin(ctx, roomId, 'Anna');
		anna.on('request', (r) => requests.push(r.url()));
		const ben = await joinViaPrejoin(ctx, roomId, 'Ben');
		const annaId = await anna.evaluate(() => window.plenum?.client?.participantId);
		const benId = await ben.evaluate(() => window.plenum?.client?.participantId);

		await expect.poll(() => anna.locator(`.tile[data-key="${benId}:camera"] .name`).textContent()).toContain('Ben');
		await expect.poll(() => ben.locator(`.tile[data-key="${annaId}:camera"] .name`).textContent()).toContain('Anna');

		// Hand: the badge and the ordered list on the other side.
		await ben.keyboard.press('h');
		await expect.poll(() => anna.locator(`.tile[data-key="${benId}:camera"] .badge.hand`).count()).toBe(1);
		await anna.click('#btn-people');
		await expect.poll(() => anna.locator('#hand-queue li').allTextContents()).toEqual([' Ben']);
		await ben.click('#btn-hand');
		await expect.poll(() => anna.locator('#hand-queue li').count()).toBe(0);

		// Chat: an unread badge first, then the message, as text (a link is not fetched).
		await ben.click('#btn-chat');
		await ben.fill('#chat-input', 'Hallo Anna, see https://example.org/agenda');
		await ben.press('#chat-input', 'Enter');
		await expect.poll(() => anna.locator('#btn-chat .unread').textContent()).toBe('1');
		await anna.click('#btn-chat');
		await expect.poll(() => anna.locator('#chat .messages li .text').last().textContent()).toBe('Hallo Anna, see https://example.org/agenda');
		expect(await anna.locator('#btn-chat .unread').count()).toBe(0);

		// Reaction: shown to the others for a few seconds, with who sent it.
		await ben.click('#btn-reactions');
		await ben.click('[data-reaction="applause"]');
		await expect.poll(() => anna.locator('.reactions .reaction').first().getAttribute('aria-label')).toBe('Ben: Applause');
		expect(await anna.locator('#chat a[href="https://example.org/agenda"]').getAttribute('rel')).toContain('noreferrer');

		// Screen share: Ben's screen becomes Anna's large view.
		await ben.click('#btn-screen');
		await expect.poll(() => anna.locator('.stage .tile').getAttribute('data-key'), { timeout: 15_000 }).toBe(`${benId}:screen`);
		await eventually(async () => (await inboundStats(anna)).some((s) => s.source === 'screen' && s.framesDecoded > 3), 20_000, 'the screen to decode');
		await ben.click('#btn-screen');
		await expect.poll(() => anna.locator('.stage').count(), { timeout: 10_000 }).toBe(0);

		// Leave: Anna's list shrinks to herself.
		await ben.click('#btn-leave');
		await expect.poll(() => anna.locator('#people-list li').count(), { timeout: 10_000 }).toBe(1);
		await expect.poll(() => ben.isVisible('#rejoin')).toBe(true);

		// Nothing the meeting page loaded came from another origin.
		const origin = new URL(baseUrl()).origin;
		expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
		await anna.close();
		await ben.close();
	});
});
