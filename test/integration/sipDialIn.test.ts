import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processCpuSeconds } from '../support/cpu.js';
import { startServer, stopServer } from '../support/serverProcess.js';
import { Baresip } from '../support/baresip.js';
import { SIP_TEST_ENV, sipPortOf } from '../support/sipServer.js';
import { runSipp, refusedScenario, scenario } from '../support/sipp.js';
import { spawnSync } from 'node:child_process';
import { connectBrowser, eventually, type InboundStat, talkingMic, uniqueRoomId } from './helpers.js';

// The caller's number: the room may show 5678 and nothing else of it.
const CALLER = '+4915112345678';
// Another caller on the same trunk, and a guesser; their budgets are their own.
const OTHER_CALLER = '+4917099990042';
const GUESSER = '+4917266660013';
const ROOM_HEADER = 'X-Plenum-Room';
// The page's talking microphone is a 440 Hz tone (helpers.ts talkingMic); the prompts are speech.
const ROOM_TONE_HZ = 440;
const TONE = resolve('test/support/tone440.wav');

/** A SIP-enabled server of its own (trunk allow-list: 127.0.0.1 and 127.0.0.3). */
let server: Awaited<ReturnType<typeof startServer>>;
let sipPort = 0;
let logPath = '';
let browser: Browser;
let ctx: BrowserContext;

async function metrics(): Promise<string> {
	return (await fetch(`${server.baseUrl}/metrics`)).text();
}

function sample(text: string, name: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	return line ? Number(line.slice(name.length + 1)) : 0;
}

/** A raw participant that reads the room's dial-in PIN from its join answer. */
async function openRoom(roomId: string): Promise<{ socket: Socket; pin: string; number: string }> {
	const socket = io(server.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
	const res = await socket.timeout(10_000).emitWithAck('join', { roomId, displayName: 'Host' });
	if (!res.ok) throw new Error(JSON.stringify(res.error));
	return { socket, pin: res.data.dialIn.pin, number: res.data.dialIn.number };
}

async function joinPage(roomId: string, o: { talking?: boolean } = {}): Promise<Page> {
	const page = await ctx.newPage();
	if (o.talking) await talkingMic(page);
	await page.goto(`${server.baseUrl}/r/${roomId}?name=Browser&join=1`);
	await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 30_000 });
	return page;
}

const phoneStats = (page: Page) =>
	page.evaluate(async () => {
		const c = window.plenum?.client;
		const stats: InboundStat[] = (await c?.inboundStats()) ?? [];
		return stats.filter((s) => s.kind === 'audio');
	});

/** Digits of CALLER: no run of 5 or more may show up anywhere. */
const NUMBER_PIECES = (() => {
	const d = CALLER.replace(/\D/g, '');
	const out: string[] = [];
	for (let i = 0; i + 5 <= d.length; i++) out.push(d.slice(i, i + 5));
	return out;
})();

describe('SIP dial-in (sipp as the phone, real Chromium in the room)', () => {
	beforeAll(async () => {
		logPath = join(mkdtempSync(join(tmpdir(), 'plenum-sip-')), 'server.log');
		server = await startServer(logPath, {
			...SIP_TEST_ENV,
			MEDIASOUP_WORKERS: '1',
			LOG_LEVEL: 'trace',
			SIP_TRUNK_ALLOW: '127.0.0.1,127.0.0.3',
			SIP_PIN_GUESSES_PER_MINUTE: '4',
			SIP_ROOM_HEADER: ROOM_HEADER,
			ROOM_EMPTY_GRACE_MS: '300',
		});
		sipPort = sipPortOf(server.stderr());
		browser = await connectBrowser();
		ctx = await browser.newContext();
	}, 90_000);

	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
	});

	it('refuses an INVITE from an address not on the trunk allow-list', async () => {
		const r = await runSipp({ xml: refusedScenario(CALLER, 403), port: sipPort, localIp: '127.0.0.2' });
		expect(r.code, r.output).toBe(0);
		expect(sample(await metrics(), 'plenum_sip_calls_total{result="rejected"}')).toBeGreaterThanOrEqual(1);
	}, 60_000);

	it('ends the call after three wrong PINs', async () => {
		const { socket, pin } = await openRoom(uniqueRoomId('sip-wrong'));
		const wrong = (d: string) => (d.repeat(pin.length) === pin ? '0'.repeat(pin.length) : d.repeat(pin.length));
		const r = await runSipp({
			xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${wrong('1')}#` }, { pauseMs: 300 }, { info: `${wrong('2')}#` }, { pauseMs: 300 }, { info: `${wrong('3')}#` }, { expectBye: true }]),
			port: sipPort,
		});
		socket.disconnect();
		expect(r.code, r.output).toBe(0);
		expect(sample(await metrics(), 'plenum_sip_calls_total{result="wrong_pin"}')).toBeGreaterThanOrEqual(1);
	}, 90_000);

	it('rate-limits one guessing caller, and another caller on the same trunk still joins with its PIN', async () => {
		const { socket, pin } = await openRoom(uniqueRoomId('sip-guess'));
		const guesses = Array.from({ length: 3 }, (_, i) => [{ info: `10000000${i}#` }, { pauseMs: 200 }]).flat();
		// 3 calls × 3 guesses from 127.0.0.3: the guesser's budget (4 a minute) runs out in the second call.
		const r = await runSipp({ xml: scenario(GUESSER, [{ pauseMs: 300 }, ...guesses, { expectBye: true }]), port: sipPort, localIp: '127.0.0.3', calls: 3, parallel: 1, timeoutMs: 120_000 });
		// sipp counts the calls the bridge cut short as failed; what matters is the refusal.
		expect(r.output).toContain('Total Calls created');
		expect(sample(await metrics(), 'plenum_sip_pin_rejections_total{reason="rate_limited"}')).toBeGreaterThanOrEqual(1);
		// Within the same minute, through the same trunk address: the trunk's budget (20) is not spent.
		let joined: { kind: string } | undefined;
		socket.on('participantJoined', (p: { kind: string }) => { joined = p; });
		const other = await runSipp({ xml: scenario(OTHER_CALLER, [{ pauseMs: 300 }, { info: `${pin}#` }, { pauseMs: 1500 }, { hangUp: true }]), port: sipPort, localIp: '127.0.0.3' });
		expect(other.code, other.output).toBe(0);
		expect(await eventually(async () => joined, 10_000, 'the other caller in the room')).toMatchObject({ kind: 'phone', displayName: '…0042' });
		socket.disconnect();
	}, 150_000);

	it('refuses an offer whose address is a hostname with 488 and PLN_SIP_BAD_SDP', async () => {
		const r = await runSipp({ xml: refusedScenario(CALLER, 488, { sdpConnection: 'c=IN IP4 phone.example.org', warningCode: 'PLN_SIP_BAD_SDP' }), port: sipPort });
		expect(r.code, r.output).toBe(0);
	}, 60_000);

	it('refuses a room header that is not a room id with 400 and PLN_SIP_BAD_ROOM_HEADER; a valid one joins without a PIN', async () => {
		const bad = await runSipp({ xml: refusedScenario(CALLER, 400, { extraHeaders: [`${ROOM_HEADER}: ../../etc`], warningCode: 'PLN_SIP_BAD_ROOM_HEADER' }), port: sipPort });
		expect(bad.code, bad.output).toBe(0);
		const roomId = uniqueRoomId('sip-header');
		const { socket } = await openRoom(roomId);
		let joined: { kind: string } | undefined;
		socket.on('participantJoined', (p: { kind: string }) => { joined = p; });
		const good = await runSipp({ xml: scenario(CALLER, [{ pauseMs: 1500 }, { hangUp: true }], { extraHeaders: [`${ROOM_HEADER}: ${roomId}`] }), port: sipPort });
		expect(good.code, good.output).toBe(0);
		expect(await eventually(async () => joined, 10_000, 'the caller in the room named by the header')).toMatchObject({ kind: 'phone' });
		socket.disconnect();
	}, 60_000);

	it('a caller enters the PIN (SIP INFO), the room shows only …5678 and hears them', async () => {
		const roomId = uniqueRoomId('sip-info');
		const page = await joinPage(roomId);
		const { socket, pin } = await openRoom(roomId);
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: 12_000 }, { hangUp: true }]), port: sipPort });
		// The participant list and tiles show the phone by its last four digits only.
		const label = await eventually(async () => {
			const text = await page.locator('body').innerText();
			return /…5678/.test(text) ? text : undefined;
		}, 30_000, 'the phone participant in the page');
		expect(label).toMatch(/(Phone|Telefon) …5678/);
		for (const piece of NUMBER_PIECES) expect(label).not.toContain(piece);
		// Audible audio from the phone: samples and energy rise.
		const first = await eventually(async () => {
			const s = (await phoneStats(page)).find((x) => x.totalSamplesReceived > 0 && x.totalAudioEnergy > 0);
			return s;
		}, 20_000, 'audio from the phone');
		const later = await eventually(async () => {
			const s = (await phoneStats(page)).find((x) => x.consumerId === first.consumerId && x.totalAudioEnergy > first.totalAudioEnergy * 1.2 && x.totalSamplesReceived > first.totalSamplesReceived);
			return s;
		}, 10_000, 'audio energy rising');
		expect(later.packetsReceived).toBeGreaterThan(10);
		const r = await call;
		expect(r.code, r.output).toBe(0);
		socket.disconnect();
		await page.close();
	}, 90_000);

	it('a caller enters the PIN by RFC 4733 telephone events and joins', async () => {
		const roomId = uniqueRoomId('sip-4733');
		const { socket, pin } = await openRoom(roomId);
		let joined: { displayName: string; kind: string } | undefined;
		socket.on('participantJoined', (p) => { joined = p; });
		const r = await runSipp({ xml: scenario(CALLER, [{ pauseMs: 800 }, { rfc4733: `${pin}#` }, { pauseMs: 2000 }, { hangUp: true }]), port: sipPort });
		expect(r.code, r.output).toBe(0);
		const p = await eventually(async () => joined, 10_000, 'the phone participant');
		expect(p).toMatchObject({ kind: 'phone', displayName: '…5678' });
		socket.disconnect();
	}, 90_000);

	it('a real softphone (baresip) and a browser hear each other', async () => {
		const roomId = uniqueRoomId('sip-baresip');
		const page = await joinPage(roomId, { talking: true }); // a 440 Hz tone in syllables
		const { socket, pin } = await openRoom(roomId);
		const mic = join(mkdtempSync(join(tmpdir(), 'plenum-mic-')), 'mic.wav');
		spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', mic, 'synth', '40', 'sine', '300', 'vol', '0.4']);
		const phone = await Baresip.start({ caller: CALLER, target: `sip:plenum@127.0.0.1:${sipPort}`, micWav: mic });
		let heard: ReturnType<Baresip['heardWindows']> = [];
		try {
			// Established on both ends: baresip has the 200 OK, and the bridge has its call (and so hears DTMF).
			await phone.event((e) => e.type === 'CALL_ESTABLISHED', 20_000, 'the call established');
			await eventually(async () => sample(await metrics(), 'plenum_sip_calls_active') >= 1, 20_000, 'baresip call answered');
			await phone.command('sndcode', `${pin}#`);
			await eventually(async () => /…5678/.test(await page.locator('body').innerText()), 30_000, 'the softphone in the room');
			// Browser hears the phone: energy rises.
			const first = await eventually(async () => (await phoneStats(page)).find((x) => x.totalAudioEnergy > 0), 20_000, 'audio from baresip');
			await eventually(async () => (await phoneStats(page)).find((x) => x.consumerId === first.consumerId && x.totalAudioEnergy > first.totalAudioEnergy * 1.2), 15_000, 'audio energy from baresip rising');
			// Phone hears the room: the browser's tone, loud and clean. The prompts are speech, so
			// no slice of them is mostly one frequency; the tone's syllables are 400 ms long.
			await eventually(async () => {
				heard = phone.heardWindows(100, ROOM_TONE_HZ);
				return heard.some((w) => w.rms > 200 && w.toneShare > 0.6);
			}, 30_000, 'the phone hearing the browser').catch((err: Error) => {
				throw new Error(`${err.message}; per 100 ms, RMS/tone share: ${heard.map((w) => `${Math.round(w.rms)}/${w.toneShare.toFixed(2)}`).join(' ')}`);
			});
		} finally {
			await phone.stop();
			socket.disconnect();
			await page.close();
		}
	}, 120_000);

	it('a moderator moves a softphone caller into a breakout room and back: heard in each room, the call goes on', async () => {
		const roomId = uniqueRoomId('sip-breakout');
		const page = await joinPage(roomId); // the first in the room: its moderator
		const pin = await page.evaluate(() => window.plenum?.client?.dialIn?.pin ?? '');
		const mic = join(mkdtempSync(join(tmpdir(), 'plenum-mic-')), 'mic.wav');
		spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', mic, 'synth', '60', 'sine', '300', 'vol', '0.4']);
		const phone = await Baresip.start({ caller: CALLER, target: `sip:plenum@127.0.0.1:${sipPort}`, micWav: mic });
		/** Waits until the page, in `room` (null: the main room), hears the phone participant there (energy rising on one consumer). */
		const hearsPhoneIn = async (room: string | null) => {
			await eventually(async () => (await page.evaluate(() => window.plenum?.client?.breakoutName ?? null)) === room, 20_000, `the browser in ${room ?? 'the main room'}`);
			const phoneId = await eventually(() => page.evaluate(() => [...(window.plenum?.client?.participants.values() ?? [])].find((p) => p.kind === 'phone')?.id), 20_000, 'the caller with it');
			const first = await eventually(async () => (await phoneStats(page)).find((x) => x.participantId === phoneId && x.totalAudioEnergy > 0), 20_000, 'audio from the caller');
			await eventually(async () => (await phoneStats(page)).find((x) => x.consumerId === first.consumerId && x.totalAudioEnergy > first.totalAudioEnergy * 1.2), 15_000, 'the caller’s audio energy rising');
			return phoneId;
		};
		try {
			await phone.event((e) => e.type === 'CALL_ESTABLISHED', 20_000, 'the call established');
			await eventually(async () => sample(await metrics(), 'plenum_sip_calls_active') >= 1, 20_000, 'baresip call answered');
			await phone.command('sndcode', `${pin}#`);
			const phoneId = await hearsPhoneIn(null);
			await page.evaluate(async (caller) => {
				const c = window.plenum?.client;
				if (!c) throw new Error('no client');
				await c.channel.request('breakoutStart', { rooms: [{ name: 'With the caller', participantIds: [c.participantId, caller] }, { name: 'Empty', participantIds: [] }], allowChoose: false, durationSeconds: 600 });
			}, phoneId);
			await hearsPhoneIn('With the caller');
			await page.evaluate(() => window.plenum?.client?.channel.request('breakoutEnd', {}));
			await hearsPhoneIn(null);
			expect(sample(await metrics(), 'plenum_sip_calls_active')).toBeGreaterThanOrEqual(1);
		} finally {
			await phone.stop();
			await page.close();
		}
	}, 120_000);

	it('*6 mutes and unmutes the caller; a moderator mutes and removes a phone participant like anyone', async () => {
		const { socket, pin } = await openRoom(uniqueRoomId('sip-mod'));
		const events: string[] = [];
		let phoneId: string | undefined;
		socket.on('participantJoined', (p: { id: string; kind: string }) => { if (p.kind === 'phone') phoneId = p.id; });
		socket.on('producerPaused', () => events.push('paused'));
		socket.on('producerResumed', () => events.push('resumed'));
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { pauseMs: 2500 }, { info: '*6' }, { pauseMs: 1500 }, { info: '*6' }, { expectBye: true }]), port: sipPort, timeoutMs: 60_000 });
		const id = await eventually(async () => phoneId, 20_000, 'the phone participant');
		await eventually(async () => events.join(',') === 'paused,resumed', 20_000, '*6 twice: paused, then resumed');
		expect((await socket.timeout(5_000).emitWithAck('muteParticipant', { participantId: id })).ok).toBe(true);
		await eventually(async () => events.join(',') === 'paused,resumed,paused', 10_000, 'moderator mute');
		expect((await socket.timeout(5_000).emitWithAck('removeParticipant', { participantId: id, ban: false })).ok).toBe(true);
		const r = await call; // the bridge says goodbye and sends BYE
		expect(r.code, r.output).toBe(0);
		socket.disconnect();
	}, 90_000);

	it('ending the meeting hangs up the phone callers', async () => {
		const { socket, pin } = await openRoom(uniqueRoomId('sip-end'));
		socket.on('participantJoined', (p: { kind: string }) => {
			if (p.kind === 'phone') socket.emit('endMeeting', {}, () => undefined);
		});
		const r = await runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { expectBye: true }]), port: sipPort, timeoutMs: 60_000 });
		expect(r.code, r.output).toBe(0);
		socket.disconnect();
	}, 90_000);

	it('20 callers at once join one room with a browser; audio flows both ways', async () => {
		const CALLS = 20;
		const roomId = uniqueRoomId('sip-20');
		const page = await joinPage(roomId);
		const { socket, pin } = await openRoom(roomId);
		let phones = 0;
		socket.on('participantJoined', (p: { kind: string }) => { if (p.kind === 'phone') phones++; });
		const cpu = () => processCpuSeconds(server.child.pid ?? 0);
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: 45_000 }, { hangUp: true }]), port: sipPort, calls: CALLS, parallel: CALLS, ratePerSecond: 5, timeoutMs: 150_000 });
		await eventually(async () => phones === CALLS, 90_000, `${CALLS} phone participants`);
		// The browser receives audio from the phones (the loudest are forwarded like any speaker).
		let last: InboundStat[] = [];
		await eventually(async () => {
			last = await phoneStats(page);
			return last.filter((x) => x.totalAudioEnergy > 0).length >= CALLS;
		}, 30_000, 'audio from every phone').catch((err: Error) => {
			throw new Error(`${err.message}: ${last.length} audio consumers, ${last.filter((x) => x.packetsReceived > 0).length} with packets, ${last.filter((x) => x.totalAudioEnergy > 0).length} with energy`);
		});
		const t0 = performance.now();
		const c0 = cpu();
		await new Promise((r) => setTimeout(r, 5_000));
		const cores = (cpu() - c0) / ((performance.now() - t0) / 1000);
		console.log(`[sip] ${CALLS} calls in one room with a browser: server process ${(cores * 100).toFixed(1)} % of a core, ${((cores * 100) / CALLS).toFixed(2)} % per call (upper bound: includes signalling and the browser's share)`);
		const r = await call;
		expect(r.output).toMatch(new RegExp(`Successful call\\s+\\|\\s+\\d+\\s+\\|\\s+${CALLS}`));
		socket.disconnect();
		await page.close();
	}, 240_000);

	it('logs and /metrics never hold the caller number', async () => {
		const log = readFileSync(logPath, 'utf8');
		expect(log.length).toBeGreaterThan(1000);
		expect(log).toContain('phone call answered');
		// Numbers the server writes itself (timestamps, pids, counter values) may hold any five digits.
		const logText = log.replace(/":\s*-?[\d.e+]+/g, '":0');
		const text = (await metrics()).replace(/ [-+\d.e]+$/gm, ' 0');
		for (const piece of NUMBER_PIECES) {
			expect(logText).not.toContain(piece);
			expect(text).not.toContain(piece);
		}
	});
});
