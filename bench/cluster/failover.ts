import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startCluster } from '../../test/support/clusterNodes.js';
import { GapSampler, type GapSummary, type PairGap, summarise } from './gaps.js';

const POLL_MS = 100;
const JOIN_TIMEOUT_MS = 40_000;
const BACK_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 30_000;
// As test/integration/clusterDrain.test.ts: a drained node must leave because it handed everything over, not because time ran out.
const DRAIN_ENV = { DRAIN_TIMEOUT_MS: '120000' };

/**
 * ms after the signal: another node holds the room's lease (server side); the signalled node's
 * participant, and everyone, back and decoding; the media gaps meanwhile; for SIGTERM the exit
 * code and when the process ended.
 */
export interface FailoverSample {
	node: string; newOwnerMs: number; nodeMs: number; everyoneMs: number;
	gaps: GapSummary; pairs: PairGap[]; exitCode?: number | null | 'not exited'; exitMs?: number;
}

/** A kill or drain after which someone was not back in time: what each page showed, and where the nodes' logs are. */
export interface FailoverMiss { node: string; error: string; pages: unknown[]; logDir: string; exitCode?: number | null | 'not exited' }

const idOf = (p: Page) => p.evaluate(() => window.plenum?.client?.participantId);

/**
 * Camera frames and mic samples `page` decoded from each other participant; consumers in
 * `stale` (made before the signal, on the signalled node's media) do not count: a decoder plays
 * out its buffer for a while after its stream stopped, which looked like a 0.4 s failover.
 */
async function decoded(page: Page, stale: ReadonlySet<string> = new Set()): Promise<Map<string, [number, number]>> {
	const out = new Map<string, [number, number]>();
	for (const s of await page.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([]))) {
		if (stale.has(s.consumerId)) continue;
		const cur = out.get(s.participantId) ?? [0, 0];
		if (s.source === 'camera') cur[0] = Math.max(cur[0], s.framesDecoded);
		if (s.source === 'mic') cur[1] = Math.max(cur[1], s.totalSamplesReceived);
		out.set(s.participantId, cur);
	}
	return out;
}

/** The consumers on `page` that the signal ends: all of the signalled node's page, and everyone's of its media. */
async function endedConsumers(page: Page, isVictim: boolean, victimId: string): Promise<Set<string>> {
	const stats = await page.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([]));
	return new Set(stats.filter((s) => isVictim || s.participantId === victimId).map((s) => s.consumerId));
}

/** Connected as `id` (no reconnecting banner) and decoding video and audio of every one of `others`, rising over 300 ms. */
async function backAndDecoding(page: Page, id: string, others: string[], stale?: ReadonlySet<string>): Promise<boolean> {
	if ((await idOf(page)) !== id || (await page.locator('#reconnecting').count()) > 0) return false;
	const a = await decoded(page, stale);
	await new Promise((r) => setTimeout(r, 300));
	const b = await decoded(page, stale);
	return others.every((o) => {
		const x = a.get(o);
		const y = b.get(o);
		return !!x && !!y && y[0] > x[0] && y[1] > x[1];
	});
}

async function until<T>(check: () => Promise<T | false>, timeoutMs: number, what: string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const v = await check().catch(() => false as const);
		if (v !== false) return v;
		await new Promise((r) => setTimeout(r, POLL_MS));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/**
 * One kill (SIGKILL) or drain (SIGTERM): three nodes (compiled server), three Chromium
 * participants (the real client, which fails over and resumes by itself), one per node; the
 * signal to the room's owner; ms from it until the signalled node's participant, and until
 * everyone, is back as the same id and decoding; each page sampled meanwhile for media gaps.
 */
export async function signalOwnerOnce(browser: Browser, logDir: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<FailoverSample | FailoverMiss> {
	const cluster = await startCluster(3, { logDir, env: signal === 'SIGTERM' ? DRAIN_ENV : {} });
	const ctx = await browser.newContext();
	try {
		const roomId = `bench-fo-${randomBytes(6).toString('hex')}`;
		const pages: Page[] = [];
		for (const [i, node] of cluster.nodes.entries()) {
			const page = await ctx.newPage();
			await page.goto(`${node.baseUrl}/r/${roomId}?name=P${i + 1}&join=1`);
			await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 20_000 });
			pages.push(page);
		}
		const ids = (await Promise.all(pages.map(idOf))) as string[];
		const others = (i: number) => ids.filter((_, j) => j !== i);
		await Promise.all(pages.map((p, i) => until(async () => (await backAndDecoding(p, ids[i]!, others(i))) || false, JOIN_TIMEOUT_MS, 'everyone decoding')));
		const owner = await cluster.ownerOf(roomId);
		if (!owner) throw new Error('no owner lease for the room');
		const victim = cluster.nodes.indexOf(owner);
		const stale = await Promise.all(pages.map((p, i) => endedConsumers(p, i === victim, ids[victim]!)));
		const sampler = new GapSampler(pages, ids, stale);
		await sampler.start();
		const t0 = performance.now();
		owner.kill(signal);
		const exit = signal === 'SIGTERM'
			? Promise.race([owner.exited().then((code) => ({ code, ms: performance.now() - t0 })), new Promise<{ code: 'not exited'; ms: number }>((ok) => setTimeout(() => ok({ code: 'not exited', ms: Number.NaN }), EXIT_TIMEOUT_MS))])
			: undefined;
		let back: number[];
		const newOwner = until(async () => {
			const o = await cluster.ownerOf(roomId);
			return !!o && o !== owner && performance.now() - t0;
		}, BACK_TIMEOUT_MS, 'a new owner').catch(() => Number.NaN);
		try {
			back = await Promise.all(pages.map((p, i) => until(async () => (await backAndDecoding(p, ids[i]!, others(i), stale[i])) && performance.now() - t0, BACK_TIMEOUT_MS, `participant ${i + 1} back after the ${signal}`)));
		} catch (err) {
			await sampler.stop();
			const state = await Promise.all(pages.map(async (p, i) => ({
				node: cluster.nodes[i]!.id, wasId: ids[i], id: await idOf(p).catch(() => undefined), url: p.url(),
				reconnecting: await p.locator('#reconnecting').count().catch(() => -1), decoded: [...(await decoded(p).catch(() => new Map()))],
			})));
			return { node: owner.id, error: String(err), pages: state, logDir, ...(exit ? { exitCode: (await exit).code } : {}) };
		}
		const pairs = await sampler.stop();
		const ended = await exit;
		return {
			node: owner.id, newOwnerMs: await newOwner, nodeMs: back[victim]!, everyoneMs: Math.max(...back),
			gaps: summarise(pairs, ids[victim]!), pairs, ...(ended ? { exitCode: ended.code, exitMs: ended.ms } : {}),
		};
	} finally {
		await ctx.close();
		await cluster.stop();
	}
}
