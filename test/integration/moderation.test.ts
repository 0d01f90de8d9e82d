import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, connectBrowser, eventually, inboundStats, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

// Open mode: whoever opens the room moderates it. Moderation between two real browsers.
describe('moderation between two browsers', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	let mod: Page;
	let guest: Page;
	let guestId: string | undefined;
	const roomId = uniqueRoomId('mod');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		mod = await joinInBrowser(ctx, roomId, 'Moderator');
		guest = await joinInBrowser(ctx, roomId, 'Guest');
		guestId = await guest.evaluate(() => window.plenum?.client?.participantId);
		await eventually(async () => (await inboundStats(mod)).some((s) => s.source === 'mic' && s.participantId === guestId), 20_000, 'the guest’s media');
		await mod.click('#btn-people');
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('the first participant moderates; the second sees no moderator tools', async () => {
		expect(await mod.evaluate(() => window.plenum?.client?.role)).toBe('moderator');
		expect(await guest.evaluate(() => window.plenum?.client?.role)).toBe('participant');
		await guest.click('#btn-people');
		expect(await guest.locator('.mod-tools, .mod-all').count()).toBe(0);
	});

	it('a participant’s moderation requests are refused by the server', async () => {
		// The guest's own connection cannot be borrowed from the page; a second participant stands in.
		const s = await rawSocket();
		expect((await ask(s, 'join', { roomId, displayName: 'Sneaky' })).ok).toBe(true);
		for (const [req, payload] of [['muteParticipant', { participantId: guestId }], ['removeParticipant', { participantId: guestId }], ['endMeeting', {}], ['makeModerator', { participantId: guestId }]] as const) {
			expect((await ask(s, req, payload)).error?.code, req).toBe('PLN_NOT_MODERATOR');
		}
		s.disconnect();
	});

	it('mute: the guest is muted at the SFU and told so; ask to unmute shows a prompt the guest can accept', async () => {
		const row = mod.locator(`#people-list li[data-participant-id="${guestId}"]`);
		await row.locator('[data-mod="mute"]').click();
		await expect.poll(() => guest.locator('#moderator-notice').textContent()).toContain('muted your microphone');
		await expect.poll(() => guest.getAttribute('#btn-mic', 'aria-pressed')).toBe('true');
		await expect.poll(() => mod.locator(`.tile[data-key="${guestId}:camera"] .badge.muted`).count()).toBe(1);
		await row.locator('[data-mod="ask-unmute"]').click();
		await expect.poll(() => guest.locator('#moderator-notice').textContent()).toContain('asks you to unmute');
		await guest.click('#moderator-notice button.primary');
		await expect.poll(() => mod.locator(`.tile[data-key="${guestId}:camera"] .badge.muted`).count()).toBe(0);
	});

	it('a poll: the moderator asks, both vote once, closing shows the anonymous counts to everyone', async () => {
		await mod.fill('#poll-question', 'Approve the minutes?');
		await mod.fill('#poll-options', 'Yes\nNo\nAbstain');
		await mod.click('#new-poll button[type=submit]');
		await guest.click('.poll [data-option="0"]');
		await expect.poll(() => guest.locator('.poll .voted').count()).toBe(1);
		expect(await guest.isDisabled('.poll [data-option="1"]')).toBe(true);
		await mod.click('.poll [data-option="0"]');
		await mod.click('.poll .close-poll');
		for (const page of [mod, guest]) {
			await expect.poll(() => page.locator('.poll-results [data-option="0"] [data-count]').textContent()).toBe('2');
			expect(await page.locator('.poll-results [data-option="1"] [data-count]').textContent()).toBe('0');
		}
	});

	it('stop camera closes the guest’s camera for everyone', async () => {
		await mod.locator(`#people-list li[data-participant-id="${guestId}"] [data-mod="stop-camera"]`).click();
		await eventually(async () => !(await inboundStats(mod)).some((s) => s.source === 'camera' && s.participantId === guestId), 10_000, 'the camera consumer to close');
		await expect.poll(() => guest.locator('#moderator-notice').textContent()).toContain('turned off your camera');
		await expect.poll(() => guest.getAttribute('#btn-cam', 'aria-pressed')).toBe('true');
	});

	it('make moderator is visible to all; remove ends the guest’s meeting with a reason', async () => {
		await mod.locator(`#people-list li[data-participant-id="${guestId}"] [data-mod="make-moderator"]`).click();
		await expect.poll(() => guest.evaluate(() => window.plenum?.client?.role)).toBe('moderator');
		await mod.locator(`#people-list li[data-participant-id="${guestId}"] [data-mod="remove"]`).click();
		await expect.poll(() => guest.getAttribute('#ended-reason', 'data-reason'), { timeout: 10_000 }).toBe('kicked');
		await expect.poll(() => mod.locator('#people-list li').count()).toBe(1);
	});

	it('end meeting closes the room for everyone', async () => {
		const third = await joinInBrowser(ctx, roomId, 'Third');
		mod.once('dialog', (d) => void d.accept());
		await mod.click('#mod-end');
		await expect.poll(() => third.getAttribute('#ended-reason', 'data-reason'), { timeout: 10_000 }).toBe('roomEnded');
		await expect.poll(() => mod.getAttribute('#ended-reason', 'data-reason'), { timeout: 10_000 }).toBe('roomEnded');
	});
});
