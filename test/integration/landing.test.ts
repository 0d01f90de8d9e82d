import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, connectBrowser, eventually, inboundStats } from './helpers.js';

// The way a person starts a meeting: the landing page, then the link, then a second person.
describe('landing page and meeting link', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('creates a meeting with an unguessable link; a second person joins it from the pre-join form', async () => {
		const host = await ctx.newPage();
		await host.goto(baseUrl());
		await host.click('#start-meeting');
		await host.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
		const roomId = new URL(host.url()).pathname.split('/')[2] ?? '';
		expect(roomId).toHaveLength(22); // 16 random bytes, base64url
		expect(await host.textContent('#room-link')).toBe(`${baseUrl()}/r/${roomId}`);
		await host.fill('#prejoin-name', 'Host');
		await host.click('#prejoin-form button[type=submit]');
		await host.waitForFunction(() => window.plenum?.client?.isPublishing('camera'));

		const guest = await ctx.newPage();
		await guest.goto(baseUrl());
		await guest.fill('#join-room', `${baseUrl()}/r/${roomId}`); // pasting the whole link works
		await guest.click('#join-form button[type=submit]');
		await guest.waitForURL(`${baseUrl()}/r/${roomId}`);
		await guest.fill('#prejoin-name', 'Guest');
		await guest.click('#prejoin-form button[type=submit]');
		await eventually(async () => (await inboundStats(guest)).some((s) => s.source === 'camera' && s.framesDecoded > 0), 30_000, 'guest to see the host');
		await eventually(async () => (await inboundStats(host)).some((s) => s.source === 'camera' && s.framesDecoded > 0), 30_000, 'host to see the guest');
		await expect.poll(() => host.locator('#grid .tile .name', { hasText: 'Guest' }).count()).toBe(1);
		await guest.close();
		await host.close();
	});

	it('serves the client with a same-origin-only Content-Security-Policy and no third-party requests', async () => {
		const page = await ctx.newPage();
		const origins = new Set<string>();
		page.on('request', (r) => origins.add(new URL(r.url()).origin));
		const res = await page.goto(baseUrl());
		expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
		await page.waitForLoadState('networkidle');
		expect([...origins]).toEqual([new URL(baseUrl()).origin]);
		await page.close();
	});

	it('serves the privacy notice generated from the configuration, in German and English, linked from pre-join', async () => {
		const de = await fetch(`${baseUrl()}/privacy`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
		expect(de.headers.get('content-security-policy')).toContain("default-src 'self'");
		const html = await de.text();
		expect(html).toContain('<html lang="de">');
		expect(html).toContain('Datenschutzhinweise');
		const json = await (await fetch(`${baseUrl()}/privacy.json?lang=en`)).json();
		expect(json.facts).toMatchObject({ authMode: 'open', dialIn: false, cookies: false, reconnectGraceSeconds: 2 });
		const page = await ctx.newPage();
		await page.goto(`${baseUrl()}/r/${'privacy-link'}`);
		expect(await page.getAttribute('#privacy-page', 'href')).toBe('/privacy?lang=en');
		await page.close();
	});

	it('answers /healthz with 200, and invalid room links and unknown paths with a JSON 404', async () => {
		expect((await fetch(`${baseUrl()}/healthz`)).status).toBe(200);
		expect((await fetch(`${baseUrl()}/r/${'x'.repeat(65)}`)).status).toBe(404);
		expect((await fetch(`${baseUrl()}/r/a%20b`)).status).toBe(404);
		const missing = await fetch(`${baseUrl()}/nope`);
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('PLN_NOT_FOUND');
	});
});
