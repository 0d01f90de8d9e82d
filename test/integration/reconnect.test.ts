import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, connectBrowser, eventually, inboundStats, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

// A dropped signalling connection: the client shows "reconnecting", resumes the same
// participant on a new socket, catches up on what it missed; nobody sees it leave.
describe('reconnect after a network drop', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	let ada: Page;
	let bo: Page;
	const roomId = uniqueRoomId('rc');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext();
		ada = await joinInBrowser(ctx, roomId, 'Ada');
		bo = await joinInBrowser(ctx, roomId, 'Bo');
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('resumes the same participant, keeps media flowing, and catches up on chat sent meanwhile', async () => {
		const boId = await bo.evaluate(() => window.plenum?.client?.participantId);
		await eventually(async () => (await inboundStats(ada)).some((s) => s.source === 'camera' && s.framesDecoded > 5), 20_000, 'media before the drop');
		const leftEvents: string[] = [];
		await ada.exposeFunction('recordLeft', (id: string) => leftEvents.push(id));
		await ada.evaluate(() => window.plenum?.client?.on('participantLeft', (id) => (window as unknown as { recordLeft: (id: string) => void }).recordLeft(id)));

		// Bo's websocket drops; Ada chats while Bo is away.
		await bo.evaluate(() => window.plenum?.client?.simulateNetworkDrop());
		await ada.click('#btn-chat');
		await ada.fill('#chat-input', 'said while Bo was offline');
		await ada.press('#chat-input', 'Enter');

		await eventually(() => bo.evaluate(() => window.plenum?.client?.chatLog.some((m) => m.text === 'said while Bo was offline')), 15_000, 'Bo to resume and catch up');
		expect(await bo.evaluate(() => window.plenum?.client?.participantId)).toBe(boId);
		await expect.poll(() => bo.locator('#reconnecting').count(), { timeout: 5_000 }).toBe(0);
		expect(leftEvents).toEqual([]); // Ada never saw Bo leave
		const before = (await inboundStats(ada)).find((s) => s.source === 'camera' && s.participantId === boId)?.framesDecoded ?? 0;
		await eventually(async () => ((await inboundStats(ada)).find((s) => s.source === 'camera' && s.participantId === boId)?.framesDecoded ?? 0) > before + 10, 15_000, 'Bo’s video to keep flowing');
	});

	it('a resume with a wrong token or for an unknown room is refused', async () => {
		const s = await rawSocket();
		const boId = await bo.evaluate(() => window.plenum?.client?.participantId);
		expect((await ask(s, 'resume', { roomId, participantId: boId, resumeToken: 'x'.repeat(22) })).error?.code).toBe('PLN_RESUME_FAILED');
		expect((await ask(s, 'resume', { roomId: uniqueRoomId('none'), participantId: boId, resumeToken: 'x' })).error?.code).toBe('PLN_RESUME_FAILED');
		s.disconnect();
	});
});
