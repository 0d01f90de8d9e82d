import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { axeViolations } from '../support/axe.js';
import { drag, shapeCount } from '../support/board.js';
import { ask, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

const SCREENSHOTS = 'test-output/screenshots';

/** How many pixels of the board canvas are not the white page (a drawn stroke makes hundreds). */
function inkedPixels(page: Page): Promise<number> {
	return page.evaluate(() => {
		const c = document.querySelector<HTMLCanvasElement>('#board-canvas');
		const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 0; data && i < data.length; i += 4) if ((data[i] ?? 255) < 200 || (data[i + 1] ?? 255) < 200 || (data[i + 2] ?? 255) < 200) n++;
		return n;
	});
}

// Issue 16, whiteboard: a moderator opens the board for everyone; a stroke drawn by one appears
// on the other's canvas (pixels, not only state) and undo removes it for both; drawing is
// granted by the presenter; the server refuses strokes from someone without the right.
describe('the whiteboard in real browsers', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const roomId = uniqueRoomId('board');

	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('a stroke appears for the other, undo removes it for both; drawing is granted', async () => {
		const ana = await joinInBrowser(ctx, roomId, 'Ana');
		const ben = await joinInBrowser(ctx, roomId, 'Ben');
		// The privacy banner is a first-visit notice in the page flow; accepted, the board gets the room.
		for (const p of [ana, ben]) if (await p.isVisible('#privacy-accept')) await p.click('#privacy-accept');
		await ana.click('#btn-board');
		for (const p of [ana, ben]) await p.waitForSelector('#board-canvas', { timeout: 20_000 });
		// Ben may look, not draw: no tools, and the server would refuse.
		expect(await ben.locator('.board-tools').count()).toBe(0);
		await eventually(() => ana.isVisible('.board-tools'), 10_000, 'Ana’s drawing tools');

		await drag(ana, [0.2, 0.3], [0.6, 0.5]);
		await eventually(async () => (await shapeCount(ben)) === 1 && (await inkedPixels(ben)) > 200, 10_000, 'Ana’s stroke on Ben’s canvas');
		await ana.click('#board-undo');
		for (const p of [ana, ben]) await eventually(async () => (await shapeCount(p)) === 0 && (await inkedPixels(p)) === 0, 10_000, 'the stroke gone after undo');
		await ana.click('#board-redo');
		await eventually(async () => (await shapeCount(ben)) === 1, 10_000, 'redo brings it back for Ben');

		// A participant without drawing rights is refused by the server, whatever its client sends.
		const dan = await rawSocket();
		try {
			expect((await ask(dan, 'join', { roomId, displayName: 'Dan' })).ok).toBe(true);
			const sync = await ask(dan, 'docSync', { doc: 'board', stateVector: '' });
			expect(sync.data.writable).toBe(false);
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Buffer.from(sync.data.update, 'base64'));
			const update = await new Promise<Uint8Array>((ok) => {
				doc.once('update', ok);
				doc.getArray('shapes').push([new Y.Map()]);
			});
			expect((await ask(dan, 'docUpdate', { doc: 'board', update: Buffer.from(update).toString('base64') })).error?.code).toBe('PLN_DOC_READ_ONLY');
			expect((await ask(dan, 'setStage', { shown: { kind: 'none' } })).error?.code).toBe('PLN_NOT_PRESENTER');
		} finally {
			dan.disconnect();
		}

		// Ana lets everyone draw: Ben gets the tools and draws a rectangle Ana sees.
		await ana.check('#board-everyone');
		await eventually(() => ben.isVisible('.board-tools'), 10_000, 'Ben’s drawing tools after the grant');
		await ben.click('[data-tool=rect]');
		await ben.click('[data-color="#1a73e8"]');
		await drag(ben, [0.55, 0.6], [0.85, 0.85]);
		await eventually(async () => (await shapeCount(ana)) === 2, 10_000, 'Ben’s rectangle on Ana’s canvas');
		await ben.click('[data-tool=text]');
		ben.once('dialog', (d) => void d.accept('Agenda: budget'));
		const box = await ben.locator('#board-canvas').boundingBox();
		if (!box) throw new Error('no board canvas');
		await ben.mouse.click(box.x + box.width * 0.15, box.y + box.height * 0.8);
		await eventually(async () => (await shapeCount(ana)) === 3, 10_000, 'Ben’s text on Ana’s canvas');
		await ana.screenshot({ path: `${SCREENSHOTS}/whiteboard.png` });

		// Ana makes Ben presenter from the people panel: Ben gets the presenter's bar and adds a board.
		await ana.click('#btn-people');
		await ana.click(`#people-list li:has-text("Ben") [data-mod=make-presenter]`);
		await ben.waitForSelector('#board-new', { timeout: 10_000 });
		await ben.click('#board-new');
		await eventually(async () => (await ana.textContent('.board-bar'))?.includes('2 of 2'), 10_000, 'board 2 of 2 for Ana');
		expect(await shapeCount(ana)).toBe(0);

		// Closing the board brings everyone back to the video grid.
		await ana.click('#board-close');
		await eventually(async () => (await ben.locator('#board-canvas').count()) === 0, 10_000, 'the board closed for Ben');
		await ana.close();
		await ben.close();
	});

	it('the whiteboard, in German, has no serious accessibility problem', async () => {
		// bypassCSP only so axe-core can be injected.
		const axeCtx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale: 'de-DE' });
		try {
			const page = await joinInBrowser(axeCtx, uniqueRoomId('board-axe'), 'Ana');
			await page.click('#btn-board');
			await page.waitForSelector('#board-canvas');
			expect(await page.textContent('.board-tools')).toContain('Radierer');
			expect(await axeViolations(page)).toEqual([]);
		} finally {
			await axeCtx.close();
		}
	});
});
