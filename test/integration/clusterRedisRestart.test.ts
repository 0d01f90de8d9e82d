import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, type ClusterNode, startCluster } from '../support/clusterNodes.js';
import { decodesAll, decodesNow, idOf } from './clusterPages.js';
import { ask, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

// Issue 15, behaviour 6: Redis goes away mid-meeting (longer than a lease lives) and comes
// back empty (no persistence). The meeting goes on meanwhile on each node; what needs the
// cluster is refused with PLN_CLUSTER_UNAVAILABLE; after the restart the cluster works again.
const DOWN_FOR_MS = 4_000;

describe('Redis stopped and restarted mid-meeting', () => {
	let cluster: Cluster;
	let browser: Browser;
	let ctx: BrowserContext;
	const roomId = uniqueRoomId('cr');

	beforeAll(async () => {
		cluster = await startCluster(3);
		browser = await connectBrowser();
		ctx = await browser.newContext();
	}, 90_000);
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		await cluster?.stop();
	});

	it('media flows on while Redis is down, a join needing the cluster is refused, and after the restart a newcomer joins', async () => {
		const [n1, n2] = cluster.nodes as [ClusterNode, ClusterNode];
		const ana = await joinInBrowser(ctx, roomId, 'Ana', n1.baseUrl);
		const ben = await joinInBrowser(ctx, roomId, 'Ben', n2.baseUrl);
		const [a, b] = (await Promise.all([ana, ben].map((p) => idOf(p)))) as [string, string];
		await Promise.all([decodesAll(ana, [b], 40_000, 'Ana (n1)'), decodesAll(ben, [a], 40_000, 'Ben (n2)')]);
		const owner = await cluster.ownerOf(roomId);
		expect(owner).toBeDefined();
		const notOwner = cluster.nodes.find((n) => n.id !== owner?.id) as ClusterNode;

		await cluster.redis.stop();
		const downAt = Date.now();
		// Through a node that does not own the room, a join needs the cluster: refused, catalogued.
		const s = await rawSocket(notOwner.baseUrl);
		try {
			const joined = await ask(s, 'join', { roomId, displayName: 'While Down' });
			expect(joined.error?.code).toBe('PLN_CLUSTER_UNAVAILABLE');
		} finally {
			s.disconnect();
		}
		// Media keeps flowing on each node, read again and again until Redis has been gone a while.
		let reads = 0;
		while (Date.now() - downAt < DOWN_FOR_MS || reads < 3) {
			expect(await decodesNow(ana, [b], 400), 'Ana decodes Ben while Redis is down').toBe(true);
			expect(await decodesNow(ben, [a], 400), 'Ben decodes Ana while Redis is down').toBe(true);
			reads++;
		}

		await cluster.redis.restart();
		// The owner writes its lease again; then a newcomer through another node joins the same meeting.
		await eventually(async () => (await cluster.ownerOf(roomId))?.id === owner?.id, 10_000, 'the owner’s lease back in Redis');
		const cleo: Page = await joinInBrowser(ctx, roomId, 'Cleo', notOwner.baseUrl);
		const c = (await idOf(cleo)) as string;
		await Promise.all([
			decodesAll(cleo, [a, b], 40_000, `Cleo (${notOwner.id})`),
			decodesAll(ana, [b, c], 40_000, 'Ana (n1)'),
			decodesAll(ben, [a, c], 40_000, 'Ben (n2)'),
		]);
	});
});
