import type { Browser, BrowserContext, Page } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_PATH, FIREFOX_PREFS } from '../support/browserFlags.js';
import { type Cluster, roomKeyOf, startCluster } from '../support/clusterNodes.js';
import { decodesAll, idOf } from './clusterPages.js';
import { connectBrowser, eventually, joinInBrowser, uniqueRoomId } from './helpers.js';

// Issue 15: three Plenum nodes on one Redis; one participant on each node's own URL (one of
// them in Firefox), one room. The room lives on one owner; media spans the nodes by pipes.
describe('a room across three nodes', () => {
	let cluster: Cluster;
	let browser: Browser;
	let ctx: BrowserContext;
	let firefox: FirefoxBrowser;
	let ana: Page;
	let ben: Page;
	let fritz: FirefoxPage;
	const roomId = uniqueRoomId('c3');

	beforeAll(async () => {
		cluster = await startCluster(3);
		browser = await connectBrowser();
		ctx = await browser.newContext();
		firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: FIREFOX_PREFS });
	}, 90_000);
	afterAll(async () => {
		await firefox?.close();
		await ctx?.close();
		await browser?.close();
		await cluster?.stop();
	});

	it('each participant, each on another node, decodes every other one’s video and audio', async () => {
		const [n1, n2, n3] = cluster.nodes.map((n) => n.baseUrl) as [string, string, string];
		ana = await joinInBrowser(ctx, roomId, 'Ana', n1);
		ben = await joinInBrowser(ctx, roomId, 'Ben', n2);
		fritz = await firefox.newPage();
		await fritz.goto(`${n3}/r/${roomId}?name=Fritz&join=1`);
		// Polled with evaluate: puppeteer's waitForFunction builds a Function(), which Plenum's CSP refuses in Firefox.
		await eventually(() => fritz.evaluate(() => window.plenum?.client?.isPublishing('camera') ?? false), 30_000, 'Firefox to publish its camera');
		const ids = await Promise.all([ana, ben, fritz].map((p) => idOf(p)));
		expect(new Set(ids).size).toBe(3);
		const [a, b, f] = ids as [string, string, string];
		await Promise.all([
			decodesAll(ana, [b, f], 40_000, 'Ana (n1)'),
			decodesAll(ben, [a, f], 40_000, 'Ben (n2)'),
			decodesAll(fritz, [a, b], 40_000, 'Fritz (n3, Firefox)'),
		]);
	});

	it('the room has one owner key in Redis, no key names the room, and every key has a TTL', async () => {
		const owners = await cluster.keys('pln:room:*:owner');
		expect(owners).toEqual([`pln:room:${roomKeyOf(roomId)}:owner`]);
		expect(cluster.nodes.map((n) => n.id)).toContain(await cluster.client.get(owners[0] as string));
		const all = await cluster.keys('*');
		expect(all.length).toBeGreaterThan(3); // three node entries, the lease, the state at least
		expect(all.filter((k) => k.includes(roomId))).toEqual([]);
		const ttls = await Promise.all(all.map(async (k) => [k, await cluster.client.pttl(k)] as const));
		expect(ttls.filter(([, t]) => !(t > 0))).toEqual([]);
	});

	it('after everyone left: no key of the room and no PIN key in Redis', async () => {
		// Not vacuous: the room's keys are there while it is open.
		expect((await cluster.keys('pln:room:*')).length).toBeGreaterThan(0);
		await ana.close();
		await ben.close();
		await fritz.close();
		const left = await eventually(async () => {
			const keys = [...(await cluster.keys('pln:room:*')), ...(await cluster.keys('pln:pin:*'))];
			return keys.length === 0 && keys;
		}, 15_000, 'the room’s keys to go').catch(async (err) => {
			throw new Error(`${err.message}; still there: ${[...(await cluster.keys('pln:room:*')), ...(await cluster.keys('pln:pin:*'))].join(', ')}`);
		});
		expect(left).toEqual([]);
	});
});
