import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Baresip } from '../support/baresip.js';
import { type Cluster, type ClusterNode, startCluster } from '../support/clusterNodes.js';
import { SIP_TEST_ENV, sipPortOf } from '../support/sipServer.js';
import { runSipp, scenario } from '../support/sipp.js';
import { statsOf } from './clusterPages.js';
import { connectBrowser, eventually, talkingMic, uniqueRoomId } from './helpers.js';

// Issue 15, behaviour 3: a caller dials the node that does not own the room; the call is
// relayed to the owner, where the caller is a participant like on a single node.
const CALLER = '+4915112345678';
const TONE = resolve('test/support/tone440.wav');
const ROOM_TONE_HZ = 440;
const ROOM_HEADER = 'X-Plenum-Room';
const DIGITS = CALLER.replace(/\D/g, '');
/** Every run of five of the caller's digits: none may show up anywhere. */
const NUMBER_PIECES = Array.from({ length: DIGITS.length - 4 }, (_, i) => DIGITS.slice(i, i + 5));

describe('dial-in across nodes (three nodes with SIP, sipp and baresip as phones, Chromium in the room)', () => {
	let cluster: Cluster;
	let browser: Browser;
	let ctx: BrowserContext;

	beforeAll(async () => {
		cluster = await startCluster(3, { env: { ...SIP_TEST_ENV, SIP_ROOM_HEADER: ROOM_HEADER, LOG_LEVEL: 'debug', ROOM_EMPTY_GRACE_MS: '300' } });
		browser = await connectBrowser();
		ctx = await browser.newContext();
	}, 90_000);
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		await cluster?.stop();
	});

	const live = () => cluster.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);

	/**
	 * A room opened on the first live node, its PIN and owner; a talking browser on a node that
	 * does not own it; and `other`, the node to dial: neither the owner nor (where there is a
	 * third) the browser's node, so that when the owner dies the call must move to another node.
	 */
	async function meeting(prefix: string): Promise<{ roomId: string; page: Page; host: Socket; pin: string; other: ClusterNode; owner: ClusterNode }> {
		const roomId = uniqueRoomId(prefix);
		const host = io((live()[0] as ClusterNode).baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
		const res = await host.timeout(10_000).emitWithAck('join', { roomId, displayName: 'Host' });
		if (!res.ok) throw new Error(JSON.stringify(res.error));
		const owner = await cluster.ownerOf(roomId);
		const [pageNode, third] = live().filter((n) => n !== owner);
		if (!owner || !pageNode) throw new Error('no owner, or no node besides it');
		const page = await ctx.newPage();
		await talkingMic(page);
		await page.goto(`${pageNode.baseUrl}/r/${roomId}?name=Browser&join=1`);
		await eventually(() => page.evaluate(() => window.plenum?.client?.participantId !== undefined), 30_000, 'the browser in the room');
		return { roomId, page, host, pin: res.data.dialIn.pin, other: third ?? pageNode, owner };
	}

	const phoneAudio = async (page: Page) => (await statsOf(page)).filter((s) => s.kind === 'audio');

	it('a caller who dials the other node joins with the PIN, shows as …5678 and is heard in the room; hanging up leaves', async () => {
		const { page, host, pin, other, owner } = await meeting('cdi');
		const left: string[] = [];
		let phoneId: string | undefined;
		host.on('participantJoined', (p: { id: string; kind: string; displayName: string }) => { if (p.kind === 'phone') phoneId = p.id; });
		host.on('participantLeft', (p: { participantId: string }) => left.push(p.participantId));
		const sipPort = sipPortOf(other.server.stderr());
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: 10_000 }, { hangUp: true }]), port: sipPort });
		const label = await eventually(async () => {
			const text = await page.locator('body').innerText();
			return /…5678/.test(text) ? text : undefined;
		}, 30_000, 'the phone participant in the page');
		for (const piece of NUMBER_PIECES) expect(label).not.toContain(piece);
		const first = await eventually(async () => (await phoneAudio(page)).find((x) => x.participantId === phoneId && x.totalAudioEnergy > 0), 20_000, 'audio from the relayed phone');
		const later = await eventually(async () => (await phoneAudio(page)).find((x) => x.consumerId === first.consumerId && x.totalAudioEnergy > first.totalAudioEnergy * 1.2), 10_000, 'audio energy rising');
		expect(later.packetsReceived).toBeGreaterThan(10);
		const r = await call;
		expect(r.code, r.output).toBe(0);
		await eventually(async () => phoneId !== undefined && left.includes(phoneId), 10_000, 'the phone participant to leave after hang-up');
		expect(readFileSync(other.logPath, 'utf8')).toContain('phone call relayed to the node of its room');
		expect(readFileSync(owner.logPath, 'utf8')).toContain('hosting a phone call from another node');
		host.disconnect();
		await page.close();
	}, 90_000);

	it('a real softphone (baresip) on the other node and a browser hear each other', async () => {
		const { page, host, pin, other } = await meeting('cdb');
		const mic = join(mkdtempSync(join(tmpdir(), 'plenum-mic-')), 'mic.wav');
		spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', mic, 'synth', '40', 'sine', '300', 'vol', '0.4']);
		const phone = await Baresip.start({ caller: CALLER, target: `sip:plenum@127.0.0.1:${sipPortOf(other.server.stderr())}`, micWav: mic });
		let heard: ReturnType<Baresip['heardWindows']> = [];
		try {
			await phone.event((e) => e.type === 'CALL_ESTABLISHED', 20_000, 'the call established');
			// The bridge has its call (and so hears DTMF) once its metric counts it.
			await eventually(async () => /^plenum_sip_calls_active [1-9]/m.test(await (await fetch(`${other.baseUrl}/metrics`)).text()), 20_000, 'the call answered');
			await phone.command('sndcode', `${pin}#`);
			await eventually(async () => /…5678/.test(await page.locator('body').innerText()), 30_000, 'the softphone in the room');
			const first = await eventually(async () => (await phoneAudio(page)).find((x) => x.totalAudioEnergy > 0), 20_000, 'audio from baresip');
			await eventually(async () => (await phoneAudio(page)).find((x) => x.consumerId === first.consumerId && x.totalAudioEnergy > first.totalAudioEnergy * 1.2), 15_000, 'audio energy from baresip rising');
			// The phone hears the room through both nodes: the browser's 440 Hz tone, clean.
			await eventually(async () => {
				heard = phone.heardWindows(100, ROOM_TONE_HZ);
				return heard.some((w) => w.rms > 200 && w.toneShare > 0.6);
			}, 30_000, 'the phone hearing the browser').catch((err: Error) => {
				throw new Error(`${err.message}; per 100 ms, RMS/tone share: ${heard.map((w) => `${Math.round(w.rms)}/${w.toneShare.toFixed(2)}`).join(' ')}`);
			});
		} finally {
			await phone.stop();
			host.disconnect();
			await page.close();
		}
	}, 120_000);

	it('ending the meeting on the owner hangs up a caller relayed from the other node; no PIN key is left', async () => {
		const { host, pin, other } = await meeting('cde');
		expect(await cluster.keys(`pln:pin:${pin}`)).toHaveLength(1);
		host.on('participantJoined', (p: { kind: string }) => {
			if (p.kind === 'phone') host.emit('endMeeting', {}, () => undefined);
		});
		const r = await runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { expectBye: true }]), port: sipPortOf(other.server.stderr()), timeoutMs: 60_000 });
		expect(r.code, r.output).toBe(0);
		await eventually(async () => (await cluster.keys('pln:pin:*')).length === 0 || undefined, 15_000, 'the PIN keys to go');
		host.disconnect();
	}, 90_000);

	it('a call whose trunk names a room owned by another node joins it there without a PIN', async () => {
		const { roomId, host, other } = await meeting('cdh');
		let joined: { kind: string; displayName: string } | undefined;
		host.on('participantJoined', (p: { kind: string; displayName: string }) => { joined = p; });
		const r = await runSipp({ xml: scenario(CALLER, [{ pauseMs: 1500 }, { hangUp: true }], { extraHeaders: [`${ROOM_HEADER}: ${roomId}`] }), port: sipPortOf(other.server.stderr()) });
		expect(r.code, r.output).toBe(0);
		expect(await eventually(async () => joined, 10_000, 'the caller in the room named by the header')).toMatchObject({ kind: 'phone', displayName: '…5678' });
		host.disconnect();
	}, 60_000);

	/** Whether the page hears participant `id` now (on a consumer not in `notOn`): energy and samples rise between two reads. */
	async function hears(page: Page, id: string, notOn = new Set<string>()): Promise<boolean> {
		const a = (await phoneAudio(page)).filter((x) => x.participantId === id && !notOn.has(x.consumerId));
		await new Promise((r) => setTimeout(r, 500));
		const b = (await phoneAudio(page)).filter((x) => x.participantId === id);
		return b.some((y) => {
			const x = a.find((z) => z.consumerId === y.consumerId);
			return x !== undefined && y.totalAudioEnergy > x.totalAudioEnergy && y.totalSamplesReceived > x.totalSamplesReceived;
		});
	}

	/**
	 * A caller dialled a node that does not own the room; then the owner leaves by `signal`.
	 * The call follows the room to its new owner, the caller keeps its place (same id) and
	 * is heard again, and the call stays up until the caller hangs up.
	 */
	async function ownerLeaves(prefix: string, signal: NodeJS.Signals): Promise<void> {
		const { roomId, page, host, pin, other, owner } = await meeting(prefix);
		let phoneId: string | undefined;
		host.on('participantJoined', (p: { id: string; kind: string }) => { if (p.kind === 'phone') phoneId = p.id; });
		// The whole call is up longer than the move takes; a BYE from the bridge fails sipp's scenario.
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: 25_000 }, { hangUp: true }]), port: sipPortOf(other.server.stderr()), timeoutMs: 60_000 });
		const id = await eventually(async () => phoneId, 20_000, 'the relayed phone participant');
		await eventually(() => hears(page, id), 20_000, 'the browser hearing the phone');
		// Heard again means through a new consumer: the old one's last packets may still arrive.
		const before = new Set((await phoneAudio(page)).map((x) => x.consumerId));
		owner.kill(signal);
		const exit = await owner.exited();
		if (signal === 'SIGTERM') expect(exit).toBe(0);
		const t0 = performance.now();
		await eventually(() => hears(page, id, before), 20_000, `the browser hearing the same phone participant after ${signal} of the owner`);
		console.log(`[dial-in] ${signal} of the owner: the relayed caller heard again ${((performance.now() - t0) / 1000).toFixed(1)} s after the owner exited`);
		expect(live()).toContain(await cluster.ownerOf(roomId));
		const r = await call;
		expect(r.code, r.output).toBe(0);
		host.disconnect();
		await page.close();
	}

	// Three nodes: the call moves from the dead owner to the browser's node, a third one.
	it('SIGKILL of the owner: a caller relayed from another node follows the room and is heard again', async () => {
		await ownerLeaves('cdk', 'SIGKILL');
	}, 120_000);

	// Two nodes left: the room comes to the node the caller dialled, and the call joins it there.
	it('SIGTERM of the owner: a caller relayed from another node follows the room and is heard again', async () => {
		await ownerLeaves('cdt', 'SIGTERM');
	}, 120_000);

	it('no node logs or exports the caller number', async () => {
		for (const n of cluster.nodes) {
			const log = readFileSync(n.logPath, 'utf8').replace(/":\s*-?[\d.e+]+/g, '":0');
			const text = live().includes(n) ? (await (await fetch(`${n.baseUrl}/metrics`)).text()).replace(/ [-+\d.e]+$/gm, ' 0') : '';
			for (const piece of NUMBER_PIECES) {
				expect(log).not.toContain(piece);
				expect(text).not.toContain(piece);
			}
		}
	});
});
