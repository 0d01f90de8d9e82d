import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, connectBrowser, joinInBrowser, uniqueRoomId } from './helpers.js';

// The lobby and the password as people meet them: a moderator switches them on in the
// participant list; a newcomer waits, is let in, or types the password.
describe('lobby and password in the browser', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	let chair: Page;
	const roomId = uniqueRoomId('lob');

	const prejoin = async (name: string) => {
		const page = await ctx.newPage();
		await page.goto(`${baseUrl()}/r/${roomId}?mic=off`);
		await page.fill('#prejoin-name', name);
		await page.check('#join-cam-off');
		await page.click('#prejoin-form button[type=submit]');
		return page;
	};

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		chair = await joinInBrowser(ctx, roomId, 'Chair');
		await chair.click('#btn-people');
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('with the lobby on, a newcomer waits until the moderator admits them', async () => {
		await chair.check('#room-lobby');
		await expect.poll(() => chair.evaluate(() => window.plenum?.client?.settings.lobby)).toBe(true);
		const guest = await prejoin('Waiting Guest');
		await guest.waitForSelector('#lobby-wait');
		await expect.poll(() => chair.locator('#lobby-notice').textContent()).toContain('1 waiting');
		await expect.poll(() => chair.locator('#lobby-list li .label').textContent()).toBe('Waiting Guest');
		await chair.click('#lobby-list [data-lobby="admit"]');
		await guest.waitForSelector('#controls');
		await expect.poll(() => chair.locator('#people-list li').count()).toBe(2);
		await guest.close();
	});

	it('a denied newcomer is told so and stays out', async () => {
		const guest = await prejoin('Unwelcome');
		await guest.waitForSelector('#lobby-wait');
		await expect.poll(() => chair.locator('#lobby-list li').count()).toBe(1);
		await chair.click('#lobby-list [data-lobby="deny"]');
		await expect.poll(() => guest.locator('.problem').textContent()).toContain('did not let you in');
		await chair.uncheck('#room-lobby');
		await guest.close();
	});

	it('with a password set, the pre-join asks for it and admits the right one', async () => {
		await chair.fill('#room-password', 'Rathaus-2026');
		await chair.click('#room-password-set');
		await expect.poll(() => chair.evaluate(() => window.plenum?.client?.settings.hasPassword)).toBe(true);
		const guest = await prejoin('Guest With Password');
		await guest.waitForSelector('#prejoin-password');
		await guest.fill('#prejoin-password', 'wrong');
		await guest.click('#prejoin-form button[type=submit]');
		await expect.poll(() => guest.locator('.problem').last().textContent()).toContain('password is wrong');
		await guest.fill('#prejoin-password', 'Rathaus-2026');
		await guest.click('#prejoin-form button[type=submit]');
		await guest.waitForSelector('#controls');
		await guest.close();
	});
});
