import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { drag, shapeCount } from '../support/board.js';
import { makePdf } from '../support/makePdf.js';
import { ask, baseUrl, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

const SCREENSHOTS = 'test-output/screenshots';

/** The colour of the rendered page at a point (fractions of the canvas), as [r, g, b]. */
function pageColour(page: Page, x: number, y: number): Promise<number[]> {
	return page.evaluate(([fx, fy]) => {
		const c = document.querySelector<HTMLCanvasElement>('#pdf-canvas');
		const d = c?.getContext('2d')?.getImageData(Math.floor((c.width - 1) * (fx ?? 0)), Math.floor((c.height - 1) * (fy ?? 0)), 1, 1).data;
		return d ? [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0] : [];
	}, [x, y]);
}
const rendered = (page: Page) => page.getAttribute('#pdf-canvas', 'data-rendered');
const isRed = ([r = 0, g = 0, b = 0]: number[]) => r > 180 && g < 80 && b < 80;
const isBlue = ([r = 0, g = 0, b = 0]: number[]) => b > 180 && r < 80 && g < 80;
const isWhite = ([r = 0, g = 0, b = 0]: number[]) => r > 240 && g > 240 && b > 240;
// Issue 16, presentation: a PDF the test makes (two pages, red and blue) is uploaded from the
// browser; the other participant sees page 1 rendered by pdf.js (not blank), its annotation,
// follows to page 2 and the presenter's zoom, may browse on its own and come back; a non-PDF
// and an Office file are refused. Nothing is loaded from any other origin, nothing breaks the CSP.
describe('presentations in real browsers', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const roomId = uniqueRoomId('pdf');
	const problems: string[] = [];
	const foreign: string[] = [];

	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
		const origin = new URL(baseUrl()).origin;
		ctx.on('page', (page) => {
			page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|Refused to|EvalError/i.test(m.text()) && problems.push(m.text()));
			page.on('request', (r) => !r.url().startsWith(origin) && !/^(data|blob):/.test(r.url()) && foreign.push(r.url()));
		});
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('a PDF is uploaded, rendered for the other, annotated, paged, zoomed; a non-PDF is refused', async () => {
		const ana = await joinInBrowser(ctx, roomId, 'Ana');
		const ben = await joinInBrowser(ctx, roomId, 'Ben');
		for (const p of [ana, ben]) if (await p.isVisible('#privacy-accept')) await p.click('#privacy-accept');
		expect(await ben.locator('#btn-present').count()).toBe(0);
		await ana.click('#btn-present');

		// Refused in the browser: an Office file (with the export hint) and a text file named .pdf.
		await ana.setInputFiles('#pdf-file', { name: 'slides.pptx', mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', buffer: Buffer.from('PK\u0003\u0004 not converted') });
		expect(await (await ana.waitForSelector('#pdf-problem')).textContent()).toContain('Export');
		await ana.setInputFiles('#pdf-file', { name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just some text, not a PDF') });
		await eventually(async () => (await ana.textContent('#pdf-problem'))?.includes('Only PDF files'), 10_000, 'the not-a-PDF message');

		// 300 kB: seven parts, sent four at a time.
		const file = makePdf([{ rgb: [0.9, 0.1, 0.1], text: 'Page one: the budget' }, { rgb: [0.1, 0.2, 0.9], text: 'Page two: the vote' }], 300_000);
		await ana.setInputFiles('#pdf-file', { name: 'Budget 2027.pdf', mimeType: 'application/pdf', buffer: file });
		await eventually(async () => (await rendered(ben)) === '1', 20_000, 'page 1 rendered for Ben');
		expect(isRed(await pageColour(ben, 0.5, 0.5))).toBe(true);
		expect(isWhite(await pageColour(ben, 0.01, 0.01))).toBe(true);
		expect(await ben.getAttribute('#board-canvas', 'aria-label')).toContain('Budget 2027.pdf, page 1 of 2');

		// An annotation on page 1 (in black, on the red) reaches Ben.
		await ana.click('[data-color="#111111"]');
		await drag(ana, [0.3, 0.3], [0.7, 0.6], 8);
		await eventually(async () => (await shapeCount(ben)) === 1, 10_000, 'Ana’s annotation on Ben’s page 1');
		await ana.screenshot({ path: `${SCREENSHOTS}/presentation.png` });

		// Page 2 for everyone: blue, and page 1's annotation is not on it.
		await ana.click('#pdf-next');
		await eventually(async () => (await rendered(ben)) === '2' && isBlue(await pageColour(ben, 0.5, 0.5)), 10_000, 'page 2 for Ben');
		expect(await shapeCount(ben)).toBe(0);
		// Ben looks back on his own, then follows the presenter again.
		await ben.click('#pdf-own-prev');
		await eventually(async () => (await rendered(ben)) === '1' && (await shapeCount(ben)) === 1, 10_000, 'Ben back on page 1 alone');
		expect(await rendered(ana)).toBe('2');
		await ben.click('#pdf-follow');
		await eventually(async () => (await rendered(ben)) === '2', 10_000, 'Ben following again');
		// The presenter zooms in twice (2.25×): the white margin in Ben's corner gives way to the blue page.
		await ana.click('#pdf-zoom-in');
		await eventually(async () => (await ana.textContent('.board-bar'))?.includes('150 %'), 10_000, 'zoom 150 % for Ana');
		await ana.click('#pdf-zoom-in');
		await eventually(async () => (await rendered(ben)) === '2' && isBlue(await pageColour(ben, 0.01, 0.01)), 10_000, 'Ben sees the zoomed page');

		// A late joiner gets the presentation from the room and sees the presenter's page.
		const cleo = await joinInBrowser(ctx, roomId, 'Cleo');
		await eventually(async () => (await rendered(cleo)) === '2' && isBlue(await pageColour(cleo, 0.5, 0.5)), 20_000, 'page 2 for Cleo, who came late');

		expect(problems).toEqual([]);
		expect(foreign).toEqual([]);
		for (const p of [ana, ben, cleo]) await p.close();
	});

	it('the presentation view and panel, in German, have no serious accessibility problem', async () => {
		// bypassCSP only so axe-core can be injected.
		const axeCtx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale: 'de-DE' });
		try {
			const page = await joinInBrowser(axeCtx, uniqueRoomId('pdf-axe'), 'Ana');
			await page.click('#btn-present');
			await page.setInputFiles('#pdf-file', { name: 'Haushalt.pdf', mimeType: 'application/pdf', buffer: makePdf([{ rgb: [0.1, 0.5, 0.1], text: 'Seite eins' }]) });
			await eventually(async () => (await rendered(page)) === '1', 20_000, 'the page rendered');
			expect(await page.textContent('#presentations')).toContain('PDF hochladen');
			expect(await axeViolations(page)).toEqual([]);
		} finally {
			await axeCtx.close();
		}
	});

	it('the server refuses a non-PDF upload and uploads by non-presenters, whatever the client', async () => {
		const room = uniqueRoomId('pdf-raw');
		const mod = await rawSocket();
		const other = await rawSocket();
		try {
			expect((await ask(mod, 'join', { roomId: room, displayName: 'Mo' })).ok).toBe(true);
			expect((await ask(other, 'join', { roomId: room, displayName: 'Ole' })).ok).toBe(true);
			expect((await ask(other, 'presentationStart', { name: 'x.pdf', size: 10, pages: 1 })).error?.code).toBe('PLN_NOT_PRESENTER');
			expect((await ask(mod, 'presentationStart', { name: 'huge.pdf', size: 31 * 1024 * 1024, pages: 1 })).error?.code).toBe('PLN_PRESENTATION_TOO_LARGE');
			const zip = Buffer.from('PK\u0003\u0004 an Office file');
			const start = await ask(mod, 'presentationStart', { name: 'slides.pdf', size: zip.length, pages: 1 });
			expect(start.ok).toBe(true);
			const part = await ask(mod, 'presentationPart', { presentationId: start.data.presentationId, index: 0, data: zip.toString('base64') });
			expect(part.error?.code).toBe('PLN_NOT_A_PDF');
			expect(part.error?.message).toBeTruthy();
			expect((await ask(mod, 'setStage', { shown: { kind: 'pdf', presentationId: start.data.presentationId, page: 1 } })).error?.code).toBe('PLN_NOT_FOUND');
		} finally {
			mod.disconnect();
			other.disconnect();
		}
	});
});
