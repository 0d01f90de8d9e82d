import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '../support/clusterNodes.js';
import { connectedAs, decodesAll, decodesNow, idOf, watchEnds } from './clusterPages.js';
import { connectBrowser, eventually, joinInBrowser, uniqueRoomId } from './helpers.js';

// Issue 15, behaviour 5: SIGTERM on the node that owns a room, in cluster mode, moves the room
// and that node's participants to other nodes: nobody sees the meeting end, media returns,
// /readyz says 503 meanwhile, and the process exits 0.
describe('rolling restart: SIGTERM a node in cluster mode', () => {
	let cluster: Cluster;
	let browser: Browser;
	let ctx: BrowserContext;
	const roomId = uniqueRoomId('cd');

	beforeAll(async () => {
		// A long drain timeout: the node must leave because it handed everything over, not because time ran out.
		cluster = await startCluster(3, { env: { DRAIN_TIMEOUT_MS: '120000' } });
		browser = await connectBrowser();
		ctx = await browser.newContext();
	}, 90_000);
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		await cluster?.stop();
	});

	it('moves its participants and its room, no roomClosed, /readyz 503 while draining, exit 0', async () => {
		const pages: Page[] = [];
		for (const [i, name] of ['Ana', 'Ben', 'Cleo'].entries()) pages.push(await joinInBrowser(ctx, roomId, name, cluster.nodes[i]?.baseUrl));
		const ids = (await Promise.all(pages.map((p) => idOf(p)))) as string[];
		const others = (i: number) => ids.filter((_, j) => j !== i);
		await Promise.all(pages.map((p, i) => decodesAll(p, others(i), 40_000, `participant ${i + 1}`)));
		const ends = await Promise.all(pages.map((p) => watchEnds(p)));
		const owner = await cluster.ownerOf(roomId);
		expect(owner).toBeDefined();
		const drained = owner as NonNullable<typeof owner>;

		// /readyz is read in a tight loop from the signal until the process has gone.
		const statuses: number[] = [];
		let gone = false;
		const exited = drained.exited().then((code) => { gone = true; return code; });
		const signalledAt = Date.now();
		drained.kill('SIGTERM');
		const poll = (async () => {
			while (!gone) {
				const s = await fetch(`${drained.baseUrl}/readyz`).then((r) => r.status, () => 0);
				if (s !== 0) statuses.push(s);
				await new Promise((r) => setTimeout(r, 10));
			}
		})();
		expect(await exited).toBe(0);
		await poll;
		console.log(`[clusterDrain] ${drained.id} drained and exited 0 after ${Date.now() - signalledAt} ms; /readyz answers seen: ${statuses.length}`);
		expect(statuses).toContain(503);
		// A request racing the signal handler may still be answered 200; none after the first 503.
		expect(statuses.slice(statuses.indexOf(503)).filter((s) => s !== 503)).toEqual([]);

		// Everyone is in the meeting on a live node, as the same participant, decoding all others.
		const back = await Promise.all(pages.map((p, i) => eventually(async () => {
			const ok = (await connectedAs(p, ids[i] as string)) && (await decodesNow(p, others(i), 300));
			return ok && Date.now() - signalledAt;
		}, 30_000, `participant ${i + 1} decoding after the drain`)));
		console.log(`[clusterDrain] everyone decoding again ${Math.max(...back)} ms after SIGTERM (each: ${back.join(', ')} ms)`);
		const next = await cluster.ownerOf(roomId);
		expect(next).toBeDefined();
		expect(next?.id).not.toBe(drained.id);
		for (const e of ends) expect(await e()).toEqual({ closed: [], left: [] });
	});
});
