import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, roomKeyOf, startCluster } from '../support/clusterNodes.js';
import { connectedAs, decodesAll, decodesNow, idOf, watchEnds } from './clusterPages.js';
import { ask, connectBrowser, eventually, joinInBrowser, rawSocket, uniqueRoomId } from './helpers.js';

// Issue 15, behaviour 4: the node that owns a room is SIGKILLed mid-meeting. Within 5 s the
// room has a new owner (restored from its replicated state) and everyone is back and decoding:
// the same participants, the chat as it was; the client that was on the dead node fails over
// to another node's URL by itself. The others keep decoding each other throughout.
const FAILOVER_BUDGET_MS = 5_000;

describe('the owner node dies', () => {
	let cluster: Cluster;
	let browser: Browser;
	let ctx: BrowserContext;
	const roomId = uniqueRoomId('cf');

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

	it('everyone is back and decoding within 5 s, same ids, chat intact', async () => {
		const pages = [];
		for (const [i, name] of ['Ana', 'Ben', 'Cleo'].entries()) pages.push(await joinInBrowser(ctx, roomId, name, cluster.nodes[i]?.baseUrl));
		const ids = (await Promise.all(pages.map((p) => idOf(p)))) as string[];
		const others = (i: number) => ids.filter((_, j) => j !== i);
		await Promise.all(pages.map((p, i) => decodesAll(p, others(i), 40_000, `participant ${i + 1}`)));
		await (pages[0] as Page).evaluate(() => window.plenum?.client?.sendChat('said before the owner died'));
		await Promise.all(pages.map((p) => eventually(() => p.evaluate(() => window.plenum?.client?.chatLog.some((m) => m.text === 'said before the owner died')), 10_000, 'the chat line everywhere')));
		const ends = await Promise.all(pages.map((p) => watchEnds(p)));
		const owner = await cluster.ownerOf(roomId);
		expect(owner).toBeDefined();
		// The state is saved ~50 ms after a change: the kill comes once Redis has the chat line.
		const stateKey = `pln:room:${roomKeyOf(roomId)}:state`;
		await eventually(async () => (await cluster.client.get(stateKey))?.includes('said before the owner died'), 5_000, 'the chat line in the replicated state');

		const killedAt = Date.now();
		owner?.kill('SIGKILL');
		// Participants on the other nodes keep their media (the new owner adopts it): they never
		// stop decoding each other, only the dead node's publisher pauses for them.
		const survivors = pages.map((_, i) => i).filter((i) => cluster.nodes[i] !== owner);
		// A gap is two windows in a row without decoding (over half a second): one window alone
		// also fails when 2 cores, 3 nodes and 3 pages are busy with the move (CI: once in ~5 runs).
		const steady = (async () => {
			const gaps: string[] = [];
			const missed = new Map<number, number>();
			for (let round = 0; round < 6; round++) {
				for (const i of survivors) {
					const peers = survivors.filter((j) => j !== i).map((j) => ids[j] as string);
					const ok = await decodesNow(pages[i] as Page, peers, 250);
					missed.set(i, ok ? 0 : (missed.get(i) ?? 0) + 1);
					if ((missed.get(i) ?? 0) >= 2) gaps.push(`participant ${i + 1} at ${Date.now() - killedAt} ms`);
				}
			}
			return gaps;
		})();
		const back = await Promise.all(pages.map((p, i) => eventually(async () => {
			const ok = (await connectedAs(p, ids[i] as string)) && (await decodesNow(p, others(i), 300));
			return ok && Date.now() - killedAt;
		}, 30_000, `participant ${i + 1} back and decoding after the kill`)));
		expect(survivors).toHaveLength(2);
		expect(await steady).toEqual([]);
		const slowest = Math.max(...back);
		console.log(`[clusterFailover] owner ${owner?.id} killed; everyone back and decoding after ${slowest} ms (each: ${back.join(', ')} ms)`);
		expect(slowest).toBeLessThanOrEqual(FAILOVER_BUDGET_MS);

		// A new owner, among the live nodes.
		const next = await cluster.ownerOf(roomId);
		expect(next).toBeDefined();
		expect(next?.id).not.toBe(owner?.id);
		// Nobody saw the meeting end or anybody leave.
		for (const e of ends) expect(await e()).toEqual({ closed: [], left: [] });
		// Same participants, chat intact: a newcomer through a live node sees them and the line.
		const late = await rawSocket(next?.baseUrl);
		try {
			const joined = await ask(late, 'join', { roomId, displayName: 'Late' });
			expect(joined.error).toBeUndefined();
			expect(joined.data.participants.map((p: { id: string }) => p.id).sort()).toEqual([...ids].sort());
			expect(joined.data.chat.map((m: { text: string }) => m.text)).toEqual(['said before the owner died']);
		} finally {
			late.disconnect();
		}
		for (const p of pages) expect(await p.evaluate(() => window.plenum?.client?.chatLog.map((m) => m.text))).toEqual(['said before the owner died']);
	});
});
