import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { axeViolations } from '../support/axe.js';
import { ask, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

const SCREENSHOTS = 'test-output/screenshots';

// Issue 16, shared notes: two people type at once and converge; a late joiner sees the text;
// a moderator's lock makes the notes read-only for others (and the server refuses their edits);
// the notes download as Markdown made in the browser. Everything under the app's CSP.
describe('shared notes in real browsers', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const cspErrors: string[] = [];
	const roomId = uniqueRoomId('notes');

	const openNotes = async (page: Page) => {
		page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text()));
		// The first-visit privacy banner, accepted, leaves the room to the meeting (and the screenshot).
		if (await page.isVisible('#privacy-accept')) await page.click('#privacy-accept');
		await page.click('#btn-notes');
		await page.waitForSelector('#notes-editor', { timeout: 20_000 });
	};
	/** The editor's text without the others' cursor labels, one line per block. */
	const textOf = (page: Page) => page.evaluate(() => [...(document.querySelector('#notes-editor')?.children ?? [])].map((block) => {
		const copy = block.cloneNode(true) as HTMLElement;
		for (const c of copy.querySelectorAll('.ProseMirror-yjs-cursor')) c.remove();
		return copy.textContent ?? '';
	}).join('\n'));

	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US', acceptDownloads: true });
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('two participants type at once and converge; a late joiner sees it; a lock refuses edits', async () => {
		const ana = await joinInBrowser(ctx, roomId, 'Ana');
		const ben = await joinInBrowser(ctx, roomId, 'Ben');
		await openNotes(ana);
		await openNotes(ben);
		await ana.click('#notes-editor');
		await ben.click('#notes-editor');
		// At the same time, into the same (empty) paragraph.
		await Promise.all([
			ana.locator('#notes-editor').pressSequentially('Ana types here. ', { delay: 15 }),
			ben.locator('#notes-editor').pressSequentially('Ben types too. ', { delay: 15 }),
		]);
		const converged = await eventually(async () => {
			const [a, b] = [await textOf(ana), await textOf(ben)];
			return a === b && a.includes('Ana types here.') && b.includes('Ben types too.') && a;
		}, 15_000, 'both editors to show the same text with both sentences');
		// Every character of both, none lost or doubled.
		expect(converged.replace(/\s/g, '').length).toBe('Anatypeshere.Bentypestoo.'.length);

		// A heading made by Ana is a heading for Ben; Ana's cursor shows under her name.
		await ana.keyboard.press('End');
		await ana.keyboard.press('Enter');
		await ana.click('[data-tool=heading1]');
		await ana.locator('#notes-editor').pressSequentially('Decisions', { delay: 10 });
		await eventually(async () => (await textOf(ben)).split('\n').includes('Decisions') && (await ben.locator('#notes-editor h1').count()) === 1, 10_000, 'the heading on Ben’s side');
		await eventually(async () => (await ben.locator('.ProseMirror-yjs-cursor').allInnerTexts()).includes('Ana'), 10_000, 'Ana’s named cursor on Ben’s side');

		// A late joiner gets the whole text.
		const cleo = await joinInBrowser(ctx, roomId, 'Cleo');
		await openNotes(cleo);
		await eventually(async () => (await textOf(cleo)) === (await textOf(ana)), 10_000, 'the late joiner to see the same notes');
		await ana.screenshot({ path: `${SCREENSHOTS}/notes.png` });

		// Ana (the first in, a moderator) locks: Ben and Cleo may read, not edit.
		await ana.check('#notes-lock');
		await eventually(() => ben.isVisible('#notes-locked'), 10_000, 'Ben told the notes are locked');
		expect(await ben.getAttribute('#notes-editor', 'contenteditable')).toBe('false');
		expect(await ben.isDisabled('[data-tool=bold]')).toBe(true);
		expect(await ana.getAttribute('#notes-editor', 'contenteditable')).toBe('true');
		// The server refuses a participant's edit whatever its client does.
		const dan = await rawSocket();
		try {
			expect((await ask(dan, 'join', { roomId, displayName: 'Dan' })).ok).toBe(true);
			const sync = await ask(dan, 'docSync', { doc: 'notes', stateVector: '' });
			expect(sync.data).toMatchObject({ writable: false, locked: true });
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Buffer.from(sync.data.update, 'base64'));
			const update = await new Promise<Uint8Array>((ok) => {
				doc.once('update', ok);
				doc.getXmlFragment('notes').insert(0, [new Y.XmlText('sneaked in')]);
			});
			const refused = await ask(dan, 'docUpdate', { doc: 'notes', update: Buffer.from(update).toString('base64') });
			expect(refused.error?.code).toBe('PLN_DOC_READ_ONLY');
			const bad = await ask(dan, 'docUpdate', { doc: 'notes', update: 'not base64!' });
			expect(bad.error?.code).toBe('PLN_INVALID_MESSAGE');
		} finally {
			dan.disconnect();
		}
		// Unlocked again, Ben edits and Ana sees it.
		await ana.uncheck('#notes-lock');
		await eventually(async () => (await ben.getAttribute('#notes-editor', 'contenteditable')) === 'true', 10_000, 'Ben may edit again');
		await ben.click('#notes-editor h1');
		await ben.keyboard.press('End');
		await ben.locator('#notes-editor').pressSequentially(' agreed', { delay: 10 });
		await eventually(async () => (await textOf(ana)).split('\n').includes('Decisions agreed'), 10_000, 'Ben’s edit after the unlock on Ana’s side');
		expect(await textOf(ana)).not.toContain('sneaked in');

		// The download is made in the browser: Markdown with the heading.
		const [download] = await Promise.all([ana.waitForEvent('download'), ana.click('#notes-download-md')]);
		expect(download.suggestedFilename()).toBe('notes.md');
		const saved = `test-output/notes-${roomId}.md`;
		await download.saveAs(saved);
		const markdown = readFileSync(saved, 'utf8');
		rmSync(saved);
		expect(markdown).toContain('# Decisions agreed');
		expect(markdown).toContain('Ana types here.');
		expect(cspErrors).toEqual([]);
		for (const p of [ana, ben, cleo]) await p.close();
	});

	it('the notes panel has no serious accessibility problem', async () => {
		// bypassCSP only so axe-core can be injected.
		const axeCtx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale: 'en-US' });
		try {
			const page = await joinInBrowser(axeCtx, uniqueRoomId('notes-axe'), 'Ana');
			await page.click('#btn-notes');
			await page.waitForSelector('#notes-editor');
			expect(await axeViolations(page)).toEqual([]);
		} finally {
			await axeCtx.close();
		}
	});
});
