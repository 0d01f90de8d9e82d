import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodesAll, idOf } from './clusterPages.js';
import { axeViolations } from '../support/axe.js';
import * as Y from 'yjs';
import { ask, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

const SCREENSHOTS = 'test-output/screenshots';

const where = (page: Page) => page.evaluate(() => window.plenum?.client?.breakoutName ?? null);
const othersOf = (page: Page) => page.evaluate(() => [...(window.plenum?.client?.participants.values() ?? [])].map((p) => p.displayName).sort());

/** Waits until each page is in `room` (null: the main room) with exactly `with` as the others, and decodes them all. */
async function settledIn(pages: Record<string, Page>, room: string | null, names: string[]): Promise<void> {
	for (const name of names) {
		const page = pages[name] as Page;
		const others = names.filter((n) => n !== name).sort();
		await eventually(async () => (await where(page)) === room && JSON.stringify(await othersOf(page)) === JSON.stringify(others), 20_000, `${name} in ${room ?? 'the main room'} with ${others.join(', ')}`);
		const ids = await page.evaluate(() => [...(window.plenum?.client?.participants.keys() ?? [])]);
		await decodesAll(page, ids, 30_000, name);
	}
}

// Issue 16, breakout rooms: four participants into two rooms (planned by the moderator in the
// dialog); each pair decodes only each other; a breakout room's notes stay there and are gone
// after it ends; ended by the moderator and by the timer, all four are back in the main room
// decoding every other. Moves happen on the same connection with the same devices.
describe('breakout rooms in real browsers', () => {
	let browser: Browser;
	let ctx: BrowserContext;

	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('four participants in two rooms, each pair alone; back in the main room when ended or when the time is up', async () => {
		const roomId = uniqueRoomId('breakout');
		const pages: Record<string, Page> = {};
		for (const name of ['Ana', 'Ben', 'Cleo', 'Dan']) pages[name] = await joinInBrowser(ctx, roomId, name);
		const { Ana: ana, Ben: ben, Cleo: cleo } = pages as Record<'Ana' | 'Ben' | 'Cleo', Page>;
		for (const p of Object.values(pages)) if (await p.isVisible('#privacy-accept')) await p.click('#privacy-accept');

		// Ana plans: Ana and Ben in "Budget", Cleo and Dan in "Schools", 15 minutes.
		expect(await ben.locator('#btn-breakout').count()).toBe(0);
		await ana.click('#btn-breakout');
		await ana.fill('[data-room-name="0"]', 'Budget');
		await ana.fill('[data-room-name="1"]', 'Schools');
		for (const [name, room] of [['Ana', '0'], ['Ben', '0'], ['Cleo', '1'], ['Dan', '1']] as const) {
			await ana.selectOption(`[data-assign="${await idOf(pages[name] as Page)}"]`, room);
		}
		await ana.screenshot({ path: `${SCREENSHOTS}/breakout-dialog.png` });
		await ana.click('#breakout-start');
		await settledIn(pages, 'Budget', ['Ana', 'Ben']);
		await settledIn(pages, 'Schools', ['Cleo', 'Dan']);

		// Notes written in "Schools" stay there: Ben in "Budget" does not see them.
		await cleo.click('#btn-notes');
		await cleo.click('#notes-editor');
		await cleo.keyboard.type('Schools only: the plan');
		await ben.click('#btn-notes');
		await eventually(async () => (await ben.isVisible('#notes-editor')), 10_000, 'Ben’s notes');
		await eventually(async () => (await cleo.textContent('#notes-editor'))?.includes('Schools only'), 10_000, 'Cleo’s notes');
		expect(await ben.textContent('#notes-editor')).not.toContain('Schools only');

		// The moderator gives five more minutes, then ends the rooms: everyone back, every pair of the four decoding.
		await ana.click('#breakout-extend');
		await eventually(async () => /Time left: (19|20):/.test((await ana.textContent('#breakout-remaining')) ?? ''), 10_000, 'five more minutes');
		await ana.click('#breakout-end');
		await settledIn(pages, null, ['Ana', 'Ben', 'Cleo', 'Dan']);
		// The breakout room's notes went with it: Cleo, back in the main room, sees the main room's (empty) notes.
		await eventually(async () => !(await cleo.textContent('#notes-editor'))?.includes('Schools only'), 10_000, 'the breakout notes gone for Cleo');

		// Again, ended by the timer this time (10 s); the last-minute warning shows meanwhile.
		await ana.evaluate(async () => {
			const c = window.plenum?.client;
			if (!c) throw new Error('no client');
			const ids = [...c.participants.values()].map((p) => ({ id: p.id, name: p.displayName }));
			const pick = (names: string[]) => ids.filter((x) => names.includes(x.name)).map((x) => x.id);
			await c.channel.request('breakoutStart', { rooms: [{ name: 'One', participantIds: [c.participantId, ...pick(['Ben'])] }, { name: 'Two', participantIds: pick(['Cleo', 'Dan']) }], allowChoose: false, durationSeconds: 10 });
		});
		await settledIn(pages, 'One', ['Ana', 'Ben']);
		await ben.waitForSelector('#breakout-ending', { timeout: 10_000 });
		await settledIn(pages, null, ['Ana', 'Ben', 'Cleo', 'Dan']);
		for (const p of Object.values(pages)) await p.close();
	}, 180_000); // four browsers moved four times, and a 10 s timer: about a minute alone, more beside other test files

	it('an edit made in the room one was moved out of is dropped, never merged into the new room’s notes', async () => {
		const roomId = uniqueRoomId('breakout-raw');
		const mod = await rawSocket();
		const par = await rawSocket();
		try {
			expect((await ask(mod, 'join', { roomId, displayName: 'Mo' })).ok).toBe(true);
			const joined = await ask(par, 'join', { roomId, displayName: 'Pat' });
			const movedTo = new Promise<{ roomId: string }>((ok) => par.once('moved', ok));
			expect((await ask(mod, 'breakoutStart', { rooms: [{ name: 'One', participantIds: [joined.data.participantId] }, { name: 'Two', participantIds: [] }], allowChoose: false, durationSeconds: 600 })).ok).toBe(true);
			const breakoutId = (await movedTo).roomId;
			const edit = (text: string) => {
				const doc = new Y.Doc();
				let update: Uint8Array = new Uint8Array();
				doc.on('update', (u: Uint8Array) => { update = u; });
				const p = new Y.XmlElement('paragraph');
				p.insert(0, [new Y.XmlText(text)]);
				doc.getXmlFragment('notes').insert(0, [p]);
				return Buffer.from(update).toString('base64');
			};
			const notesText = async () => {
				const sync = await ask(par, 'docSync', { doc: 'notes', stateVector: '' });
				const doc = new Y.Doc();
				Y.applyUpdate(doc, Buffer.from(sync.data.update, 'base64'));
				return doc.getXmlFragment('notes').toString();
			};
			expect((await ask(par, 'docUpdate', { doc: 'notes', update: edit('typed in the main room'), room: roomId })).ok).toBe(true);
			expect(await notesText()).not.toContain('typed in the main room');
			expect((await ask(par, 'docUpdate', { doc: 'notes', update: edit('typed here'), room: breakoutId })).ok).toBe(true);
			expect(await notesText()).toContain('typed here');
			// Nobody joins a breakout room by its id.
			const other = await rawSocket();
			expect((await ask(other, 'join', { roomId: breakoutId, displayName: 'Eve' })).error?.code).toBe('PLN_ROOM_NOT_FOUND');
			other.disconnect();
		} finally {
			mod.disconnect();
			par.disconnect();
		}
	});

	it('the breakout dialog and the running view, in German, have no serious accessibility problem', async () => {
		// bypassCSP only so axe-core can be injected.
		const axeCtx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale: 'de-DE' });
		try {
			const roomId = uniqueRoomId('breakout-axe');
			const ana = await joinInBrowser(axeCtx, roomId, 'Ana');
			const ben = await joinInBrowser(axeCtx, roomId, 'Ben');
			await ana.click('#btn-breakout');
			expect(await ana.textContent('#breakout')).toContain('Gruppenräume öffnen');
			expect(await axeViolations(ana)).toEqual([]);
			await ana.selectOption(`[data-assign="${await idOf(ben)}"]`, '1');
			await ana.click('#breakout-start');
			await eventually(async () => (await where(ben)) === 'Raum 2', 20_000, 'Ben in Raum 2');
			await ben.click('#btn-breakout');
			await ben.waitForSelector('#breakout-remaining');
			expect(await axeViolations(ben)).toEqual([]);
		} finally {
			await axeCtx.close();
		}
	}, 120_000);
});
