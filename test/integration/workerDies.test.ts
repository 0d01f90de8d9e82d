import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, baseUrl, connectBrowser, eventually, inboundStats, joinInBrowser, metric, rawSocket, uniqueRoomId } from './helpers.js';
import { serverLogLines, workerPidsByIndex } from './serverLog.js';

/** The worker index carrying load (our room's media), from /metrics. */
async function loadedWorker(): Promise<number | undefined> {
	const text = await (await fetch(`${baseUrl()}/metrics`)).text();
	const loads = [...text.matchAll(/^plenum_media_worker_load\{worker="(\d+)"\} (\d+)/gm)].map((m) => ({ index: Number(m[1]), load: Number(m[2]) }));
	return loads.find((w) => w.load > 0)?.index;
}

/** The page decodes the other's camera and hears their microphone on consumers not in `old`. */
async function mediaFlows(page: Page, old: Set<string> = new Set()): Promise<Set<string>> {
	return eventually(async () => {
		const s = (await inboundStats(page)).filter((x) => !old.has(x.consumerId));
		const ok = s.some((x) => x.source === 'camera' && x.framesDecoded > 10) && s.some((x) => x.source === 'mic' && x.totalSamplesReceived > 0);
		return ok && new Set(s.map((x) => x.consumerId));
	}, 30_000, 'camera and microphone to flow');
}

// Kill a real mediasoup worker under a meeting with media: the meeting goes on. Each client
// hears it once, rebuilds its transports on the live worker, and media flows again; the
// room's state (participants, chat, hands) is untouched.
describe('a mediasoup worker dies under a meeting', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	const sockets: Socket[] = [];
	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await ctx?.close();
		await browser?.close();
	});

	it('keeps the room: one mediaLost push each, media flowing again on the live worker, state intact', async () => {
		await eventually(async () => (await metric('plenum_rooms')) === 0 && (await metric('plenum_media_workers_alive')) === 2, 15_000, 'earlier rooms to close');
		const restartsBefore = await metric('plenum_media_worker_restarts_total{reason="died"}').catch(() => 0);
		const roomId = uniqueRoomId('wd');
		const alice = await joinInBrowser(ctx, roomId, 'Alice');
		const bob = await joinInBrowser(ctx, roomId, 'Bob');
		const [aliceOld, bobOld] = [await mediaFlows(alice), await mediaFlows(bob)];
		const ids = await Promise.all([alice, bob].map((p) => p.evaluate(() => window.plenum?.client?.participantId)));

		// A watcher without media counts every push the crash causes.
		const watcher = await rawSocket();
		sockets.push(watcher);
		expect((await ask(watcher, 'join', { roomId, displayName: 'Watcher' })).ok).toBe(true);
		const pushes: Array<[string, any]> = [];
		watcher.onAny((event, data) => pushes.push([event, data]));
		await alice.evaluate(() => window.plenum?.client?.sendChat('before the crash'));
		await bob.evaluate(() => window.plenum?.client?.setHand(true));
		await eventually(async () => pushes.some(([e]) => e === 'handChanged'), 5_000, 'the hand push');

		const worker = await loadedWorker();
		expect(worker).toBeDefined();
		const pid = workerPidsByIndex().get(worker as number);
		expect(pid).toBeGreaterThan(0);
		pushes.length = 0;
		process.kill(pid as number, 'SIGKILL');

		await Promise.all([mediaFlows(alice, aliceOld), mediaFlows(bob, bobOld)]);
		const events = pushes.map(([e]) => e);
		expect(events.filter((e) => e === 'mediaLost')).toHaveLength(1);
		const lost = pushes.find(([e]) => e === 'mediaLost')?.[1];
		expect(lost.rebuild).toBe(false); // the watcher had no transports
		expect(lost.producerIds).toHaveLength(4); // two cameras, two microphones
		// No storm: nothing per closed transport, producer or consumer; nobody left.
		for (const e of ['producerClosed', 'consumerClosed', 'participantLeft', 'roomClosed']) expect(events).not.toContain(e);
		await eventually(async () => pushes.filter(([e]) => e === 'producerAdded').length === 4, 10_000, 'both to publish again');

		// Same participants, same chat, same hands: a newcomer's join answer shows them.
		expect(await Promise.all([alice, bob].map((p) => p.evaluate(() => window.plenum?.client?.participantId)))).toEqual(ids);
		const late = await rawSocket();
		sockets.push(late);
		const joined = await ask(late, 'join', { roomId, displayName: 'Late' });
		expect(joined.data.chat.map((m: { text: string }) => m.text)).toEqual(['before the crash']);
		expect(joined.data.participants.find((p: { id: string }) => p.id === ids[1]).handRaisedAt).toBeGreaterThan(0);
		expect(joined.data.producers).toHaveLength(4);

		expect(await metric('plenum_media_worker_restarts_total{reason="died"}')).toBe(restartsBefore + 1);
		expect(await loadedWorker()).not.toBe(worker);
		await eventually(async () => (await metric('plenum_media_workers_alive')) === 2, 15_000, 'the worker to be replaced');
		await eventually(async () => workerPidsByIndex().get(worker as number) !== pid, 5_000, 'a new worker pid in the log');
		expect(serverLogLines().some((l) => l.msg === 'media worker died' && l.level === 50)).toBe(true);
		await alice.close();
		await bob.close();
	});

	it('a room with no media on the dead worker hears nothing of it', async () => {
		await eventually(async () => (await metric('plenum_media_workers_alive')) === 2, 15_000, 'both workers up');
		const s = await rawSocket();
		sockets.push(s);
		expect((await ask(s, 'join', { roomId: uniqueRoomId('wd'), displayName: 'Quiet' })).ok).toBe(true);
		const pushes: string[] = [];
		s.onAny((event) => pushes.push(event));
		const opened = serverLogLines().filter((l) => l.msg === 'room opened').at(-1);
		const other = [...workerPidsByIndex()].find(([index]) => index !== Number(opened?.worker));
		expect(other).toBeDefined();
		process.kill((other as [number, number])[1], 'SIGKILL');
		await eventually(async () => (await metric('plenum_media_workers_alive')) === 1, 5_000, 'the kill to land');
		expect((await ask(s, 'createTransport', { direction: 'recv' })).ok).toBe(true);
		expect(pushes).toEqual([]);
		await eventually(async () => (await metric('plenum_media_workers_alive')) === 2, 15_000, 'the worker to be replaced');
	});
});
