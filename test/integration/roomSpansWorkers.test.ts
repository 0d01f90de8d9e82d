import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../support/serverProcess.js';
import { ask, connectBrowser, eventually, inboundStats, rawSocket, talkingMic } from './helpers.js';

// A room that outgrows one worker spans two: newcomers' transports go to a router on the
// other worker, and media crosses between the routers through pipeToRouter.
describe('a room spanning two workers', () => {
	let server: { child: ChildProcess; baseUrl: string };
	let logPath: string;
	let browser: Browser;
	let ctx: BrowserContext;
	let alice: Page;
	let bob: Page;

	const metric = async (name: string) => {
		const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
		return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
	};
	const open = async (name: string, talking = false) => {
		const page = await ctx.newPage();
		if (talking) await talkingMic(page);
		await page.goto(`${server.baseUrl}/r/spill-room?name=${name}&join=1`);
		await page.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 20_000 });
		return page;
	};

	beforeAll(async () => {
		logPath = join(mkdtempSync(join(tmpdir(), 'plenum-spill-')), 'server.log');
		// Spill after one producer: Alice fills the first router, Bob lands on the second.
		server = await startServer(logPath, { ROOM_SPILL_LOAD: '1', MEDIASOUP_WORKERS: '2' });
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
	});

	it('puts the second participant on the other worker and both decode each other', async () => {
		alice = await open('Alice');
		expect(await metric('plenum_media_routers')).toBe(1);
		bob = await open('Bob', true);
		expect(await metric('plenum_rooms')).toBe(1);
		expect(await metric('plenum_media_routers')).toBe(2);
		for (const page of [alice, bob]) {
			await eventually(async () => {
				const s = await inboundStats(page);
				return s.some((x) => x.source === 'camera' && x.framesDecoded > 10) && s.some((x) => x.source === 'mic' && x.totalSamplesReceived > 0);
			}, 30_000, 'media across the two routers');
		}
		await eventually(async () => readFileSync(logPath, 'utf8').includes('room spans another worker'), 5_000, 'the spill log line');
	});

	it('active speaker detection hears the participant on the second worker', async () => {
		const bobId = await bob.evaluate(() => window.plenum?.client?.participantId);
		// With Alice muted, Bob's (piped) microphone is the only one the observer can hear.
		await alice.click('#btn-mic');
		await eventually(async () => (await alice.evaluate(() => window.plenum?.client?.activeSpeaker)) === bobId, 15_000, 'Bob as active speaker');
	});

	it('a dead worker takes only the part of the room that was on it', async () => {
		const watcher = await rawSocket(server.baseUrl);
		expect((await ask(watcher, 'join', { roomId: 'spill-room', displayName: 'Watcher' })).ok).toBe(true);
		const pushes: Array<[string, any]> = [];
		watcher.onAny((event, data) => pushes.push([event, data]));
		const lines = () => readFileSync(logPath, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
		const bobsWorker = Number(lines().find((l) => l.msg === 'room spans another worker')?.worker);
		const pid = Number(lines().filter((l) => l.msg === 'media worker started' && l.worker === bobsWorker).at(-1)?.workerPid);
		const ids = async (page: Page) => new Set((await inboundStats(page)).map((x) => x.consumerId));
		const [aliceOld, bobOld] = [await ids(alice), await ids(bob)];
		process.kill(pid, 'SIGKILL');

		// Alice is still muted (previous test): Bob gets her microphone's consumer, paused.
		for (const [page, old, hears] of [[alice, aliceOld, true], [bob, bobOld, false]] as const) {
			await eventually(async () => {
				const s = (await inboundStats(page)).filter((x) => !old.has(x.consumerId));
				return s.some((x) => x.source === 'camera' && x.framesDecoded > 10) && s.some((x) => x.source === 'mic' && (!hears || x.totalSamplesReceived > 0));
			}, 30_000, 'media again on new consumers');
		}
		expect(await alice.evaluate(() => window.plenum?.client?.isMuted('mic'))).toBe(true);
		const lost = pushes.filter(([e]) => e === 'mediaLost');
		expect(lost).toHaveLength(1);
		expect(lost[0]?.[1].producerIds).toHaveLength(2); // Bob's camera and microphone only
		// Only Bob published again; Alice's producers lived on.
		expect(pushes.filter(([e]) => e === 'producerAdded').map(([, d]) => d.participantId)).toEqual([await bob.evaluate(() => window.plenum?.client?.participantId), await bob.evaluate(() => window.plenum?.client?.participantId)]);
		for (const e of ['producerClosed', 'consumerClosed', 'participantLeft', 'roomClosed']) expect(pushes.map(([x]) => x)).not.toContain(e);
		await ask(watcher, 'leave', {});
		watcher.disconnect();
	});

	it('closing the room frees the routers on both workers', async () => {
		await alice.click('#btn-leave');
		await bob.click('#btn-leave');
		await eventually(async () => (await metric('plenum_rooms')) === 0 && (await metric('plenum_media_routers')) === 0, 10_000, 'both routers to close');
	});
});
