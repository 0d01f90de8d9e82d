import { type Browser, chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browserFlags.js';
import { ask, baseUrl, rawSocket, uniqueRoomId } from './helpers.js';

// The pre-join screen explains what is wrong with camera and microphone, and still lets the
// person join to watch and listen. Own browsers: these need other device flags.
describe('pre-join device problems', () => {
	let browser: Browser | undefined;
	afterEach(async () => {
		await browser?.close();
		browser = undefined;
	});

	const open = async (args: string[]) => {
		browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
		const page = await browser.newPage();
		await page.goto(`${baseUrl()}/r/${uniqueRoomId('dev')}`);
		return page;
	};

	it('says so when there is no camera or microphone, and joining still works', async () => {
		// No fake devices: this machine has no camera or microphone at all.
		const page = await open(CHROMIUM_ARGS.filter((a) => a !== '--use-fake-device-for-media-stream'));
		await expect.poll(() => page.locator('.problem').textContent(), { timeout: 10_000 }).toContain('No camera or microphone found');
		await page.fill('#prejoin-name', 'Listener');
		await page.click('#prejoin-form button[type=submit]');
		await page.waitForSelector('#controls');
		// Joined for real: someone else joining the room sees the listener under the id the page holds.
		const id = await page.evaluate(() => window.plenum?.client?.participantId);
		const roomId = new URL(page.url()).pathname.split('/').at(-1);
		const other = await rawSocket();
		try {
			const joined = await ask(other, 'join', { roomId, displayName: 'Other' });
			expect(joined.data?.participants).toContainEqual(expect.objectContaining({ id, displayName: 'Listener', kind: 'browser' }));
		} finally {
			other.disconnect();
		}
	});

	it('says so when the browser blocks camera and microphone', async () => {
		// No fake UI: the permission prompt cannot be answered headless, so access is denied.
		const page = await open(CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'));
		await browser?.contexts()[0]?.clearPermissions();
		await expect.poll(() => page.locator('.problem').textContent(), { timeout: 15_000 }).toContain('blocked camera and microphone');
	});
});
