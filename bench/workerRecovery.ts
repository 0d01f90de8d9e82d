/**
 * `npm run bench:recovery`: how long a meeting's media is gone when the mediasoup worker under
 * it is killed. Two Chromium participants (fake camera and microphone) meet on a server with two
 * workers; the worker carrying the room is SIGKILLed `--kills` times (after each, the pool's
 * replacement is waited for). Per kill: the time until both participants decode video and
 * receive audio again on new consumers. Prints p50/p95 and writes bench/results/recovery.json.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { InboundStat } from '../client/src/RoomClient.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browserFlags.js';
import { RESULTS_DIR, options, runBench } from './lib/cli.js';
import { workerNeed } from './lib/preflight.js';
import { percentile } from './lib/stats.js';
import { spawnPlenum, stopPlenum } from './systems/plenum.js';

const POLL_MS = 50;
const FLOW_TIMEOUT_MS = 30_000;
const REPLACE_TIMEOUT_MS = 20_000;

const args = options({ kills: { type: 'string', default: '10' }, out: { type: 'string', default: RESULTS_DIR } });

await runBench({
	needs: [workerNeed(), { kind: 'file', path: CHROMIUM_PATH, pkg: 'chromium', why: 'the participants' }],
	main: async () => {
		const kills = Number(args.kills);
		const logPath = join(mkdtempSync(join(tmpdir(), 'plenum-recovery-')), 'server.log');
		const { child, url } = await spawnPlenum({ rtcPort: 47000, logPath, env: { MEDIASOUP_WORKERS: '2', LOG_LEVEL: 'info', ROOM_EMPTY_GRACE_MS: '500' } });
		const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
		try {
			const ctx = await browser.newContext();
			const pages = await Promise.all(['Alice', 'Bob'].map(async (name) => {
				const page = await ctx.newPage();
				await page.goto(`${url}/r/recovery-bench?name=${name}&join=1`);
				return page;
			}));
			for (const p of pages) await flowing(p, new Set());
			const samples: Array<{ videoMs: number; audioMs: number; ms: number }> = [];
			for (let k = 0; k < kills; k++) {
				await until(async () => (await workersAlive(url)) === 2, REPLACE_TIMEOUT_MS, 'two live workers');
				const worker = await loadedWorker(url);
				const pid = workerPid(logPath, worker);
				const old = await Promise.all(pages.map(async (p) => new Set((await stats(p)).map((s) => s.consumerId))));
				const t0 = performance.now();
				process.kill(pid, 'SIGKILL');
				const per = await Promise.all(pages.map((p, i) => flowing(p, old[i] as Set<string>, t0)));
				const videoMs = Math.max(...per.map((x) => x.videoMs));
				const audioMs = Math.max(...per.map((x) => x.audioMs));
				samples.push({ videoMs, audioMs, ms: Math.max(videoMs, audioMs) });
				console.log(`kill ${k + 1}/${kills}: worker ${worker} (pid ${pid}); video back after ${videoMs.toFixed(0)} ms, audio after ${audioMs.toFixed(0)} ms`);
			}
			const ms = samples.map((s) => s.ms);
			const summary = {
				date: new Date().toISOString(), kills, node: process.version,
				p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), maxMs: Math.max(...ms),
				videoP50Ms: percentile(samples.map((s) => s.videoMs), 50), audioP50Ms: percentile(samples.map((s) => s.audioMs), 50),
				samples,
			};
			console.log(`recovery after a worker kill, both participants' video and audio (${kills} kills): p50 ${summary.p50Ms.toFixed(0)} ms, p95 ${summary.p95Ms.toFixed(0)} ms, max ${summary.maxMs.toFixed(0)} ms`);
			writeFileSync(join(args.out, 'recovery.json'), `${JSON.stringify(summary, null, 2)}\n`);
		} finally {
			await browser.close();
			await stopPlenum(child);
		}
	},
});

async function stats(page: Page): Promise<InboundStat[]> {
	return page.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([]));
}

/** Waits until `page` decodes video and receives audio on consumers not in `old`; ms after `t0` for each. */
async function flowing(page: Page, old: Set<string>, t0 = performance.now()): Promise<{ videoMs: number; audioMs: number }> {
	let videoMs: number | undefined;
	let audioMs: number | undefined;
	await until(async () => {
		const s = (await stats(page)).filter((x) => !old.has(x.consumerId));
		if (videoMs === undefined && s.some((x) => x.source === 'camera' && x.framesDecoded > 0)) videoMs = performance.now() - t0;
		if (audioMs === undefined && s.some((x) => x.source === 'mic' && x.totalSamplesReceived > 0)) audioMs = performance.now() - t0;
		return videoMs !== undefined && audioMs !== undefined;
	}, FLOW_TIMEOUT_MS, 'video and audio to flow');
	return { videoMs: videoMs as number, audioMs: audioMs as number };
}

async function metricsText(url: string): Promise<string> {
	return (await fetch(`${url}/metrics`)).text();
}

async function workersAlive(url: string): Promise<number> {
	return Number(/^plenum_media_workers_alive (\d+)/m.exec(await metricsText(url))?.[1]);
}

async function loadedWorker(url: string): Promise<number> {
	const loads = [...(await metricsText(url)).matchAll(/^plenum_media_worker_load\{worker="(\d+)"\} (\d+)/gm)];
	const busy = loads.find((m) => Number(m[2]) > 0);
	if (!busy) throw new Error('no worker carries the room');
	return Number(busy[1]);
}

/** The live pid of worker `index`, from the server's 'media worker started' log lines (latest wins). */
function workerPid(logPath: string, index: number): number {
	let pid: number | undefined;
	for (const line of readFileSync(logPath, 'utf8').split('\n')) {
		if (!line.startsWith('{')) continue;
		const l = JSON.parse(line) as { msg?: string; worker?: number; workerPid?: number };
		if (l.msg === 'media worker started' && l.worker === index) pid = l.workerPid;
	}
	if (!pid) throw new Error(`no pid logged for worker ${index}`);
	return pid;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((ok) => setTimeout(ok, POLL_MS));
	}
	throw new Error(`timed out waiting for ${what}`);
}
