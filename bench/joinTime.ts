/**
 * Join → first decoded remote video frame, in real headless Chromium against a local server.
 * Per trial: Alice joins and publishes; then Bob opens the room link (`?join=1`) and we time
 * from Bob's navigation start to the first video frame he decodes from Alice.
 *
 *   npm run bench:join [-- --trials 7]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/browserFlags.js';
import { startServer, stopServer } from '../test/support/serverProcess.js';
import { options } from './lib/cli.js';
import { NEEDS, preflight } from './lib/preflight.js';

const values = options({ trials: { type: 'string', default: '7' } });
preflight(NEEDS.join());
const trials = Number(values.trials);
const POLL_MS = 10;

const server = await startServer(join(mkdtempSync(join(tmpdir(), 'plenum-bench-')), 'server.log'), { LOG_LEVEL: 'warn' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const results: number[] = [];
try {
	for (let i = 0; i < trials; i++) {
		const ctx = await browser.newContext();
		const room = `bench-${Date.now()}-${i}`;
		const alice = await ctx.newPage();
		await alice.goto(`${server.baseUrl}/r/${room}?name=Alice&join=1`);
		await alice.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 20_000 });
		const bob = await ctx.newPage();
		await bob.goto(`${server.baseUrl}/r/${room}?name=Bob&join=1`, { waitUntil: 'commit' });
		// Measured inside Bob's page, against its own navigation start (performance.now() = 0).
		const ms = await bob.evaluate(async (pollMs) => {
			const deadline = performance.now() + 30_000;
			while (performance.now() < deadline) {
				const stats = (await window.plenum?.client?.inboundStats()) ?? [];
				if (stats.some((s) => s.kind === 'video' && s.framesDecoded > 0)) return performance.now();
				await new Promise((r) => setTimeout(r, pollMs));
			}
			return Number.NaN;
		}, POLL_MS);
		results.push(ms);
		console.log(`trial ${i + 1}: ${ms.toFixed(0)} ms`);
		await ctx.close();
	}
} finally {
	await browser.close();
	await stopServer(server.child);
}
const sorted = [...results].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
console.log(`join → first decoded remote video frame (Chromium, loopback, ${trials} trials): median ${median.toFixed(0)} ms, min ${sorted[0]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`);
