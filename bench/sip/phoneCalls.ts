/**
 * CPU per phone call: N sipp callers (G.711 audio, PIN by SIP INFO) join one room in which a
 * headless Chromium participant speaks (fake microphone), so every call both encodes the
 * caller to Opus and decodes + mixes the room. Measures the server process's CPU (the SIP
 * bridge runs in it) over a steady window, minus the same window with no calls.
 *
 *   npm run bench:sip [-- --calls 20 --seconds 10]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { io } from 'socket.io-client';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/browserFlags.js';
import { processCpuSeconds } from '../../test/support/cpu.js';
import { startServer, stopServer } from '../../test/support/serverProcess.js';
import { runSipp, scenario } from '../../test/support/sipp.js';
import { options } from '../lib/cli.js';
import { NEEDS, preflight } from '../lib/preflight.js';

const values = options({ calls: { type: 'string', default: '20' }, seconds: { type: 'string', default: '10' } });
preflight(NEEDS.sip());
const calls = Number(values.calls);
const windowS = Number(values.seconds);
const TONE = resolve('test/support/tone440.wav');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function busy(pid: number, seconds: number): Promise<number> {
	const a = processCpuSeconds(pid);
	await sleep(seconds * 1000);
	return (processCpuSeconds(pid) - a) / seconds;
}

const server = await startServer(join(mkdtempSync(join(tmpdir(), 'plenum-bench-sip-')), 'server.log'), {
	LOG_LEVEL: 'warn', MEDIASOUP_WORKERS: '1', SIP_ENABLED: 'true', SIP_PORT: '0', SIP_LISTEN_IP: '127.0.0.1',
	SIP_DIAL_IN_NUMBER: '+49 30 1234567', SIP_RTP_LISTEN_IP: '127.0.0.1', SIP_RTP_PORT_MIN: '0', SIP_RTP_PORT_MAX: '0',
});
const sipPort = Number(/SIP dial-in on udp port (\d+)/.exec(server.stderr())?.[1]);
const pid = server.child.pid ?? 0;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
	const room = `bench-sip-${Date.now()}`;
	const page = await (await browser.newContext()).newPage();
	await page.goto(`${server.baseUrl}/r/${room}?name=Speaker&join=1`);
	await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 30_000 });
	const socket = io(server.baseUrl, { transports: ['websocket'], forceNew: true });
	const res = await socket.timeout(10_000).emitWithAck('join', { roomId: room, displayName: 'Counter' });
	const pin: string = res.data.dialIn.pin;
	let phones = 0;
	socket.on('participantJoined', (p: { kind: string }) => { if (p.kind === 'phone') phones++; });
	await sleep(3000);
	const idle = await busy(pid, windowS);
	const holdMs = (windowS + 15) * 1000;
	const run = runSipp({ xml: scenario('+4915112345678', [{ pauseMs: 500 }, { info: `${pin}#` }, { audio: TONE }, { pauseMs: holdMs }, { hangUp: true }]), port: sipPort, calls, parallel: calls, ratePerSecond: 5, timeoutMs: holdMs + 60_000 });
	const deadline = Date.now() + 60_000;
	while (phones < calls && Date.now() < deadline) await sleep(250);
	await sleep(10_000); // past every 'joined' prompt
	const loaded = await busy(pid, windowS);
	const r = await run;
	socket.disconnect();
	const perCall = (loaded - idle) / calls;
	console.log(JSON.stringify({ calls, joined: phones, sippExit: r.code, serverCoresIdle: +idle.toFixed(3), serverCoresWithCalls: +loaded.toFixed(3), cpuPerCallPercentOfCore: +(perCall * 100).toFixed(2) }));
	console.log(`\n${phones}/${calls} calls joined; server process ${(idle * 100).toFixed(1)} % of a core idle → ${(loaded * 100).toFixed(1)} % with calls: ${(perCall * 100).toFixed(2)} % of a core per call (sipp exit ${r.code}).`);
	if (phones < calls) process.exitCode = 1;
} finally {
	await browser.close();
	await stopServer(server.child);
}
