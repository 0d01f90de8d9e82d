import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, joinInBrowser, uniqueRoomId } from './helpers.js';
import { axeViolations } from '../support/axe.js';

// How the client shows phone callers and the dial-in details. The server side (SIP bridge, PINs)
// is tested with real SIP peers elsewhere; here the page's RoomClient is handed what the server
// sends (a `phone` participant, a snapshot's `dialIn`) so the views can be checked in a real
// browser, in both languages, with axe-core.
const DIAL_IN = { number: '+49 30 1234567', pin: '246810' };

/** What a join answer and a participantJoined push carry for dial-in; then the views re-render. */
async function addPhoneCallers(page: Page): Promise<void> {
	await page.evaluate((dialIn) => {
		const c = window.plenum?.client;
		if (!c) throw new Error('not joined');
		const base = { kind: 'phone', role: 'participant', invited: false, handRaisedAt: null } as const;
		c.participants.set('phone-known', { ...base, id: 'phone-known', displayName: '…5678' });
		c.participants.set('phone-withheld', { ...base, id: 'phone-withheld', displayName: '' });
		c.dialIn = dialIn;
		c['emit']('roomChanged'); // element access: emit is protected, this test plays the server's part
	}, DIAL_IN);
}

describe('phone participants and dial-in details in the browser', () => {
	let browser: Browser;
	const contexts: BrowserContext[] = [];
	const open = async (locale: string) => {
		// bypassCSP only so the test can inject axe-core; the app itself runs under its CSP.
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true, locale });
		contexts.push(ctx);
		const page = await joinInBrowser(ctx, uniqueRoomId('phone-ui'), 'Ada');
		await addPhoneCallers(page);
		await page.click('#btn-people');
		return page;
	};
	beforeAll(async () => {
		mkdirSync('test-output/screenshots', { recursive: true });
		browser = await connectBrowser();
	});
	afterAll(async () => {
		for (const ctx of contexts) await ctx.close();
		await browser?.close();
	});

	it('names callers "Phone …5678" / "Phone (withheld)", gives them a phone avatar, and shows the dial-in line', async () => {
		const page = await open('en-US');
		await expect.poll(() => page.locator('[data-key="phone-known:camera"] .label').textContent()).toBe('Phone …5678');
		expect(await page.locator('[data-key="phone-withheld:camera"] .label').textContent()).toBe('Phone (withheld)');
		expect(await page.locator('[data-key="phone-known:camera"] .avatar.phone svg').count()).toBe(1);
		expect(await page.locator('#people-list .label').allTextContents()).toEqual(['Ada (you)', 'Phone …5678', 'Phone (withheld)']);
		expect(await page.locator('#dial-in').textContent()).toBe('Dial in: +49 30 1234567, PIN 246810#');
		await page.click('#copy-dial-in');
		await expect.poll(() => page.locator('#copy-dial-in').textContent()).toBe('Dial-in details copied');
		await page.screenshot({ path: 'test-output/screenshots/meeting-phone.png' });
		expect(await axeViolations(page)).toEqual([]);
	});

	it('says "Telefon …5678", "Telefon (unterdrückt)" and "Einwahl" for a German browser', async () => {
		const page = await open('de-DE');
		await expect.poll(() => page.locator('[data-key="phone-known:camera"] .label').textContent()).toBe('Telefon …5678');
		expect(await page.locator('#people-list .label').allTextContents()).toEqual(['Ada (Sie)', 'Telefon …5678', 'Telefon (unterdrückt)']);
		expect(await page.locator('#dial-in').textContent()).toBe('Einwahl: +49 30 1234567, PIN 246810#');
	});

	it('shows no dial-in line while the server sends none (dial-in off)', async () => {
		const page = await open('en-US');
		await page.evaluate(() => {
			const c = window.plenum?.client;
			if (!c) return;
			c.dialIn = null;
			c['emit']('roomChanged');
		});
		await expect.poll(() => page.locator('#dial-in').count()).toBe(0);
		expect(await page.locator('#meeting-link').textContent()).toMatch(/\/r\/phone-ui-/);
	});
});
