import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, connectBrowser, eventually, inboundStats, joinInBrowser, uniqueRoomId } from './helpers.js';

// Pin, speaker view, quality bars, "join muted" and push-to-talk, as a participant uses them.
describe('meeting layout and talking', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	let cleo: Page;
	let dan: Page;
	let danId: string | undefined;
	const roomId = uniqueRoomId('lay');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
		cleo = await joinInBrowser(ctx, roomId, 'Cleo');
		// Dan uses the pre-join form and ticks "join with microphone muted".
		dan = await ctx.newPage();
		await dan.goto(`${baseUrl()}/r/${roomId}`);
		await dan.fill('#prejoin-name', 'Dan');
		await dan.check('#join-muted');
		await dan.click('#prejoin-form button[type=submit]');
		await dan.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 20_000 });
		danId = await dan.evaluate(() => window.plenum?.client?.participantId);
		await eventually(async () => (await inboundStats(cleo)).some((s) => s.source === 'camera' && s.framesDecoded > 0), 20_000, 'Dan’s video');
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('joining muted shows the mute badge to others; holding space talks, releasing mutes again', async () => {
		const badge = cleo.locator(`.tile[data-key="${danId}:camera"] .badge.muted`);
		await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);
		await dan.locator('body').click({ position: { x: 5, y: 5 } }); // focus the page, not a field
		await dan.keyboard.down(' ');
		await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
		await dan.keyboard.up(' ');
		await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);
	});

	it('pinning a tile shows it large; unpinning returns to the grid', async () => {
		const tile = cleo.locator(`#grid .tile[data-key="${danId}:camera"]`);
		await tile.hover();
		await tile.locator('.tile-actions button').first().click();
		await expect.poll(() => cleo.locator('.stage .tile').getAttribute('data-key')).toBe(`${danId}:camera`);
		await cleo.locator('.stage .tile').hover();
		await cleo.locator('.stage .tile .tile-actions button').first().click();
		await expect.poll(() => cleo.locator('.stage').count()).toBe(0);
	});

	it('speaker view shows a participant large with the others in a strip', async () => {
		await cleo.click('#btn-layout');
		await expect.poll(() => cleo.locator('.stage .tile').count()).toBe(1);
		expect(await cleo.locator('#grid.strip .tile').count()).toBe(1);
		await cleo.click('#btn-layout');
		await expect.poll(() => cleo.locator('.stage').count()).toBe(0);
	});

	it('each received video shows a connection quality indicator (good on loopback)', async () => {
		await expect.poll(() => cleo.locator(`.tile[data-key="${danId}:camera"] .quality`).getAttribute('data-quality'), { timeout: 10_000 }).toBe('good');
	});
});
