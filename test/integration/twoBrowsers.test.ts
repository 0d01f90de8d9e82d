import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET_WINDOW_MS, connectBrowser, eventually, inboundStats, joinInBrowser, metric, settledCount, uniqueRoomId } from './helpers.js';

// Real Chromium pages with fake camera/mic/screen, a real server with real mediasoup workers.
describe('two browsers in one room', () => {
	let browser: Browser;
	let ctx: BrowserContext;
	let alice: Page;
	let bob: Page;
	const roomId = uniqueRoomId('two');

	beforeAll(async () => {
		browser = await connectBrowser();
		ctx = await browser.newContext();
		alice = await joinInBrowser(ctx, roomId, 'Alice');
		bob = await joinInBrowser(ctx, roomId, 'Bob');
	});

	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
	});

	it('each participant decodes the other one’s camera video and microphone audio', async () => {
		for (const [page, who] of [[alice, 'alice'], [bob, 'bob']] as const) {
			const first = await eventually(async () => {
				const s = await inboundStats(page);
				const video = s.find((x) => x.source === 'camera');
				const audio = s.find((x) => x.source === 'mic');
				return video && audio && video.framesDecoded > 0 && audio.totalSamplesReceived > 0 && { video, audio };
			}, 30_000, `${who} to decode media`);
			// Rising, not just present: media keeps flowing.
			const later = await eventually(async () => {
				const s = await inboundStats(page);
				const video = s.find((x) => x.consumerId === first.video.consumerId);
				const audio = s.find((x) => x.consumerId === first.audio.consumerId);
				return video && audio && video.framesDecoded > first.video.framesDecoded + 10 &&
					audio.totalSamplesReceived > first.audio.totalSamplesReceived + 48_000 && { video, audio };
			}, 20_000, `${who}'s decoded media to keep rising`);
			expect(later.video.frameWidth).toBeGreaterThan(0);
		}
		expect(await metric('plenum_media_producers{kind="video"}')).toBeGreaterThanOrEqual(2);
		expect(await metric('plenum_media_consumers{kind="audio"}')).toBeGreaterThanOrEqual(2);
	});

	it('the video shows real pixels, not a black frame', async () => {
		const lit = await eventually(() => bob.evaluate(() => {
			const v = [...document.querySelectorAll<HTMLVideoElement>('#grid .tile[data-consumer-id] video')].find((el) => el.videoWidth > 0);
			if (!v) return 0;
			const c = document.createElement('canvas');
			c.width = 64;
			c.height = 36;
			const g = c.getContext('2d');
			if (!g) return 0;
			g.drawImage(v, 0, 0, c.width, c.height);
			const px = g.getImageData(0, 0, c.width, c.height).data;
			let sum = 0;
			for (let i = 0; i < px.length; i += 4) sum += (px[i] ?? 0) + (px[i + 1] ?? 0) + (px[i + 2] ?? 0);
			return sum / (px.length / 4) / 3; // mean brightness 0..255
		}), 15_000, 'a lit video frame');
		expect(lit).toBeGreaterThan(10);
	});

	it('a receiver can ask for a lower simulcast layer and then gets smaller frames', async () => {
		const full = await eventually(async () => {
			const v = (await inboundStats(bob)).find((x) => x.source === 'camera');
			return v && v.frameWidth >= 640 && v;
		}, 30_000, 'full-size camera frames');
		await bob.evaluate((id) => window.plenum?.client?.setPreferredLayers(id, 0), full.consumerId);
		const small = await eventually(async () => {
			const v = (await inboundStats(bob)).find((x) => x.consumerId === full.consumerId);
			return v && v.frameWidth > 0 && v.frameWidth <= full.frameWidth / 2 && v;
		}, 20_000, 'smaller frames after asking for layer 0');
		expect(small.frameWidth).toBeLessThan(full.frameWidth);
		await bob.evaluate((id) => window.plenum?.client?.setPreferredLayers(id, 2), full.consumerId);
	});

	it('muting pauses the microphone producer: the other side sees the mute badge and gets no audio packets', async () => {
		const aliceId = await alice.evaluate(() => window.plenum?.client?.participantId);
		const mic = async () => (await inboundStats(bob)).find((x) => x.source === 'mic' && x.participantId === aliceId);
		const badge = bob.locator(`.tile[data-key="${aliceId}:camera"] .badge.muted`);
		expect(await badge.count()).toBe(0);
		await alice.click('#btn-mic');
		await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);
		// Bob's client marks the track paused on the producerPaused push, which the server sends
		// once the SFU has paused the producer; then what was already on the wire arrives.
		await eventually(async () => (await mic())?.paused, 10_000, 'the producerPaused push');
		const before = await settledCount(async () => (await mic())?.packetsReceived ?? 0, 10_000, 'audio packets to stop');
		await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
		expect((await mic())?.packetsReceived).toBe(before);
		await alice.click('#btn-mic');
		await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
		await eventually(async () => ((await mic())?.packetsReceived ?? 0) > before + 20, 15_000, 'audio again after unmuting');
	});

	it('turning the camera off closes it for the others (avatar shown); on again brings video back', async () => {
		const aliceId = await alice.evaluate(() => window.plenum?.client?.participantId);
		const camera = async () => (await inboundStats(bob)).find((x) => x.source === 'camera' && x.participantId === aliceId);
		await alice.click('#btn-cam');
		await eventually(async () => !(await camera()), 10_000, 'alice’s camera consumer to close');
		await expect.poll(() => bob.locator(`.tile[data-key="${aliceId}:camera"] .avatar`).count(), { timeout: 5_000 }).toBe(1);
		await alice.click('#btn-cam');
		await eventually(async () => ((await camera())?.framesDecoded ?? 0) > 5, 20_000, 'frames again after turning the camera on');
	});

	it('the SFU names an active speaker to the participants', async () => {
		const ids = await Promise.all([alice, bob].map((p) => p.evaluate(() => window.plenum?.client?.participantId)));
		const speaker = await eventually(() => bob.evaluate(() => window.plenum?.client?.activeSpeaker), 15_000, 'an active speaker');
		expect(ids).toContain(speaker);
	});

	it('a screen share reaches the other participant as its own track', async () => {
		await alice.click('#btn-screen');
		const screen = await eventually(async () => {
			const s = await inboundStats(bob);
			return s.find((x) => x.source === 'screen' && x.framesDecoded > 5);
		}, 20_000, 'bob to decode alice’s screen');
		expect(screen.kind).toBe('video');
		// The camera keeps flowing beside the screen.
		expect((await inboundStats(bob)).some((x) => x.source === 'camera')).toBe(true);
	});

	it('when a participant leaves, the other side loses that participant’s consumers', async () => {
		const aliceId = await alice.evaluate(() => window.plenum?.client?.participantId);
		expect((await inboundStats(bob)).filter((x) => x.participantId === aliceId).length).toBeGreaterThanOrEqual(3);
		await alice.click('#btn-leave');
		await eventually(async () => (await inboundStats(bob)).every((x) => x.participantId !== aliceId) || undefined, 10_000, 'alice’s consumers to close');
		// Bob's own tile stays; Alice's tiles (camera and screen) are gone.
		await eventually(async () => (await bob.locator(`#grid .tile[data-key^="${aliceId}:"]`).count()) === 0, 5_000, 'alice’s tiles to go');
		expect(await bob.locator('#grid .tile').count()).toBe(1);
	});

	it('after the last participant leaves, the room closes and its router is freed', async () => {
		await bob.click('#btn-leave');
		await eventually(async () => (await metric('plenum_rooms')) === 0 && (await metric('plenum_media_routers')) === 0, 10_000, 'room and router to close');
		expect(await metric('plenum_participants{kind="browser"}')).toBe(0);
		expect(await metric('plenum_media_consumers{kind="video"}')).toBe(0);
	});
});
