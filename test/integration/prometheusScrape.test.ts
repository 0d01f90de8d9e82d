import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMTOOL_BIN, freePort, promQuery, startPrometheus } from '../support/prometheusProcess.js';
import { startServer, stopServer } from '../support/serverProcess.js';
import { connectBrowser, eventually, joinInBrowser } from './helpers.js';

const ROOM = 'Canary-Metrics-Room-Kp3';
const NAMES = ['Canary Metrics Alice Zq81', 'Canary Metrics Bob Wv27'];
const ALERT_RULES = resolve('deploy/prometheus/plenum-alerts.yml');

// A Plenum server of its own (metrics on a separate loopback port behind a bearer token, stats
// read every second), a real Prometheus scraping it, and two Chromium pages in a meeting.
describe('Prometheus scrapes Plenum during a meeting', () => {
	let dir: string;
	let server: { child: ChildProcess; baseUrl: string };
	let prom: { child: ChildProcess; url: string };
	let metricsUrl: string;
	let browser: Browser;
	let ctx: BrowserContext;
	const token = randomBytes(16).toString('hex');
	const scrape = async () => (await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } })).text();

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'plenum-prom-'));
		const metricsPort = await freePort();
		metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
		server = await startServer(join(dir, 'server.log'), {
			MEDIASOUP_WORKERS: '1', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', METRICS_TOKEN: token, MEDIA_STATS_INTERVAL_MS: '1000',
		});
		prom = await startPrometheus(dir, { target: `127.0.0.1:${metricsPort}`, token, ruleFiles: [ALERT_RULES] });
		browser = await connectBrowser();
		ctx = await browser.newContext();
		for (const name of NAMES) {
			const page = await joinInBrowser(ctx, ROOM, name, server.baseUrl);
			// The second joins a room with media flowing: that join is the one join latency times.
			await page.waitForFunction(() => window.plenum?.client?.isPublishing('camera'), undefined, { timeout: 30_000 });
		}
	}, 120_000);

	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (prom) {
			const exited = new Promise((ok) => prom.child.once('exit', ok));
			prom.child.kill('SIGTERM');
			await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
			if (prom.child.exitCode === null) prom.child.kill('SIGKILL');
		}
		if (server) await stopServer(server.child);
		rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	it('a query through the HTTP API returns two participants and non-zero forwarded bytes; the alert rules load', async () => {
		await eventually(async () => (await promQuery(prom.url, 'up{job="plenum"}')) === 1, 30_000, 'Prometheus to scrape Plenum');
		await eventually(async () => (await promQuery(prom.url, 'sum(plenum_participants{job="plenum"})')) === 2, 30_000, 'two participants in Prometheus');
		expect(await promQuery(prom.url, 'plenum_participants{kind="browser"}')).toBe(2);
		const forwarded = await eventually(async () => {
			const v = await promQuery(prom.url, 'sum(plenum_media_bytes_total{job="plenum",direction="out"})');
			return v !== undefined && v > 0 && v;
		}, 45_000, 'forwarded bytes in Prometheus');
		expect(forwarded).toBeGreaterThan(0);
		await eventually(async () => (await promQuery(prom.url, 'sum(plenum_media_producers{kind="video"})')) === 2, 30_000, 'two cameras in Prometheus');

		const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } };
		const loaded = rules.data.groups.flatMap((g) => g.rules);
		expect(loaded.map((r) => r.name)).toEqual(expect.arrayContaining(['PlenumMediaWorkerDown', 'PlenumHighPacketLoss', 'PlenumMediaWorkerHighCpu', 'PlenumNoCapacity']));
		expect(loaded.every((r) => r.health !== 'err')).toBe(true);
	});

	it('the exposition holds no canary, no address and only bounded labels while the meeting runs', async () => {
		// Wait until media stats, join latency and worker usage have all been recorded.
		const text = await eventually(async () => {
			const t = await scrape();
			const has = (re: RegExp) => re.test(t);
			return has(/^plenum_media_rtt_seconds_count [1-9]/m) && has(/^plenum_signalling_join_latency_seconds_count [1-9]/m) && has(/^plenum_media_stats_poll_seconds_count [1-9]/m) &&
				has(/^plenum_media_worker_cpu_seconds_total\{worker="0"\} [0-9.e-]*[1-9]/m) && t;
		}, 45_000, 'RTT, join latency and worker CPU in the exposition');
		// The cost of reading stats, for the record (the bench measures CPU under load).
		const value = (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
		const streams = [...text.matchAll(/^plenum_media_(?:producers|consumers)\{kind="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
		const polls = value('plenum_media_stats_poll_seconds_count');
		console.info(`stats polls: ${polls}, mean ${((1000 * value('plenum_media_stats_poll_seconds_sum')) / polls).toFixed(1)} ms for ${streams} streams`);
		expect(value('plenum_signalling_messages_total{type="join",result="ok"}')).toBe(2);
		expect(value('plenum_signalling_messages_total{type="resumeConsumer",result="ok"}')).toBeGreaterThanOrEqual(2);
		expect(value('plenum_media_worker_memory_bytes{worker="0"}')).toBeGreaterThan(1e6);
		for (const canary of [ROOM, ...NAMES, 'Canary']) expect(text).not.toContain(canary);
		expect(text).not.toMatch(/\b127\.0\.0\.1\b/);
		const allowed: Record<string, RegExp> = {
			// kind: media and participant kinds, and Node's GC kinds (minor, major, incremental, weakcb).
			kind: /^(audio|video|screen|browser|phone|minor|major|incremental|weakcb)$/, direction: /^(in|out)$/, worker: /^\d{1,3}$/, result: /^(ok|error)$/,
			type: /^[a-zA-Z]+$/, code: /^PLN_[A-Z_]+$/, reason: /^[a-zA-Z]+$/, le: /^[0-9.e+]+|\+Inf$/, space: /^[a-z_]+$/,
			version: /^v[\d.]+$/, major: /^\d+$/, minor: /^\d+$/, patch: /^\d+$/,
		};
		for (const [, labels] of text.matchAll(/^\w+\{([^}]*)\}/gm)) {
			for (const [, name, value] of (labels ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
				expect(Object.keys(allowed), `label ${name}`).toContain(name);
				expect(value, `${name}="${value}"`).toMatch(allowed[name ?? ''] ?? /^$/);
			}
		}
	});

	it('/metrics wants the token, is not on the public port, and promtool finds only prom-client\'s known nodejs_active_* complaints', async () => {
		expect((await fetch(metricsUrl)).status).toBe(401);
		expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
		const lint = spawnSync(PROMTOOL_BIN, ['check', 'metrics'], { input: await scrape(), encoding: 'utf8' });
		expect(lint.error).toBeUndefined();
		const complaints = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => l.trim());
		for (const line of complaints) expect(line).toMatch(/nodejs_active_(handles|requests|resources)_total/);
	});

	it('promtool accepts the shipped alert rules and scrape configuration', () => {
		const rules = spawnSync(PROMTOOL_BIN, ['check', 'rules', ALERT_RULES], { encoding: 'utf8' });
		expect(rules.status, rules.stdout + rules.stderr).toBe(0);
		expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
		// The shipped config names a token file under /etc; check it for syntax only.
		const config = spawnSync(PROMTOOL_BIN, ['check', 'config', '--syntax-only', resolve('deploy/prometheus/prometheus.yml')], { encoding: 'utf8' });
		expect(config.status, config.stdout + config.stderr).toBe(0);
	});
});
