import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stopServer } from '../support/serverProcess.js';
import { SIP_TEST_ENV, sipPortOf } from '../support/sipServer.js';
import { runSipp, scenario } from '../support/sipp.js';
import { connectBrowser, eventually, type InboundStat, uniqueRoomId } from './helpers.js';

const CALLER = '+4915112345678';
const TONE = resolve('test/support/tone440.wav');

// A phone caller's audio link is rebuilt after the worker under the room dies: the browser
// hears the phone again, on a new consumer, and the call goes on.
describe('a worker dies under a meeting with a phone caller', () => {
	let server: Awaited<ReturnType<typeof startServer>>;
	let logPath = '';
	let sipPort = 0;
	let browser: Browser;
	let ctx: BrowserContext;

	beforeAll(async () => {
		logPath = join(mkdtempSync(join(tmpdir(), 'plenum-sipwd-')), 'server.log');
		server = await startServer(logPath, { ...SIP_TEST_ENV, MEDIASOUP_WORKERS: '2', LOG_LEVEL: 'info' });
		sipPort = sipPortOf(server.stderr());
		browser = await connectBrowser();
		ctx = await browser.newContext();
	}, 90_000);
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
	});

	const phoneAudio = (page: Page): Promise<InboundStat[]> =>
		page.evaluate(async () => ((await window.plenum?.client?.inboundStats()) ?? []).filter((s) => s.kind === 'audio'));
	/** Phone audio with energy on a consumer not in `old`. */
	const hearsPhone = (page: Page, old: Set<string>) =>
		eventually(async () => (await phoneAudio(page)).find((s) => !old.has(s.consumerId) && s.totalSamplesReceived > 0 && s.totalAudioEnergy > 0), 30_000, 'audio from the phone');

	it('the browser hears the caller again after the kill; the call is not dropped', async () => {
		const roomId = uniqueRoomId('sipwd');
		const page = await ctx.newPage();
		await page.goto(`${server.baseUrl}/r/${roomId}?name=Browser&join=1&camera=off`);
		const pin = await eventually(async () => page.evaluate(() => window.plenum?.client?.dialIn?.pin), 20_000, 'the dial-in PIN');
		const call = runSipp({ xml: scenario(CALLER, [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: 10_000 }, { hangUp: true }]), port: sipPort, timeoutMs: 60_000 });
		const before = await hearsPhone(page, new Set());

		const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
		const worker = Number([...metrics.matchAll(/^plenum_media_worker_load\{worker="(\d+)"\} (\d+)/gm)].find((m) => Number(m[2]) > 0)?.[1]);
		const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
		const pid = Number(lines.filter((l) => l.msg === 'media worker started' && l.worker === worker).at(-1)?.workerPid);
		expect(pid).toBeGreaterThan(0);
		process.kill(pid, 'SIGKILL');

		const after = await hearsPhone(page, new Set([before.consumerId]));
		expect(after.consumerId).not.toBe(before.consumerId);
		// The phone participant is still the same one in the room, and the call ends normally.
		expect(await page.evaluate(() => [...(window.plenum?.client?.participants.values() ?? [])].filter((p) => p.kind === 'phone').length)).toBe(1);
		const r = await call;
		expect(r.code, r.output).toBe(0);
		await page.close();
	}, 90_000);
});
