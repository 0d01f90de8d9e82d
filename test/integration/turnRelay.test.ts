import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredentials } from '../../server/auth/turnCredentials.js';
import { type Coturn, startCoturn } from '../support/coturn.js';
import { startServer, stopServer } from '../support/serverProcess.js';
import { connectBrowser, eventually, inboundStats, uniqueRoomId } from './helpers.js';

declare global {
	interface Window {
		__pcs?: RTCPeerConnection[];
	}
}

/**
 * Before any page script: every RTCPeerConnection is relay-only (a client behind a firewall
 * that lets nothing but TURN through), optionally with the TURN URLs cut to one transport.
 */
async function forceRelay(page: Page, transport: 'udp' | 'tcp'): Promise<void> {
	await page.addInitScript((only: string) => {
		const Native = window.RTCPeerConnection;
		window.__pcs = [];
		window.RTCPeerConnection = class extends Native {
			constructor(cfg: RTCConfiguration = {}) {
				const iceServers = (cfg.iceServers ?? []).map((s) => ({ ...s, urls: [s.urls].flat().filter((u) => u.endsWith(`transport=${only}`)) }));
				super({ ...cfg, iceServers, iceTransportPolicy: 'relay' });
				window.__pcs?.push(this);
			}
		};
	}, transport);
}

/** The selected candidate pair of each connected RTCPeerConnection in the page. */
function selectedPairs(page: Page): Promise<Array<{ localType: string; relayProtocol: string; bytesReceived: number }>> {
	return page.evaluate(async () => {
		const out = [];
		for (const pc of window.__pcs ?? []) {
			const stats = await pc.getStats();
			for (const s of stats.values()) {
				if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
				const pair = stats.get(s.selectedCandidatePairId);
				const local = pair && stats.get(pair.localCandidateId);
				if (local) out.push({ localType: String(local.candidateType), relayProtocol: String(local.relayProtocol ?? ''), bytesReceived: Number(pair.bytesReceived ?? 0) });
			}
		}
		return out;
	});
}

/** Gathers ICE candidates with only this TURN server; says whether a relay candidate came, and the errors. */
function gatherRelay(page: Page, server: RTCIceServer): Promise<{ relay: boolean; errors: number[] }> {
	return page.evaluate(async (iceServer) => {
		const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
		const errors: number[] = [];
		let relay = false;
		pc.addEventListener('icecandidateerror', (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode));
		pc.addEventListener('icecandidate', (e) => { if (e.candidate?.type === 'relay') relay = true; });
		const done = new Promise<void>((ok) => {
			pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') ok(); });
			setTimeout(ok, 15_000);
		});
		pc.createDataChannel('probe');
		await pc.setLocalDescription(await pc.createOffer());
		await done;
		pc.close();
		return { relay, errors };
	}, server);
}

// Needs Debian's coturn (apt-get install coturn; .ci/run installs it).
describe('TURN relay through coturn (deploy/coturn/turnserver.conf)', () => {
	let coturn: Coturn;
	let server: { child: ChildProcess; baseUrl: string };
	let browser: Browser;
	let ctx: BrowserContext;

	beforeAll(async () => {
		coturn = await startCoturn();
		const turnUrls = [`turn:127.0.0.1:${coturn.port}?transport=udp`, `turn:127.0.0.1:${coturn.port}?transport=tcp`];
		server = await startServer(join(mkdtempSync(join(tmpdir(), 'plenum-turn-')), 'server.log'), {
			TURN_URLS: turnUrls.join(','),
			TURN_SECRET: coturn.secret,
			TURN_TTL_S: '600',
		});
		browser = await connectBrowser();
		ctx = await browser.newContext();
	});
	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		if (server) await stopServer(server.child);
		await coturn?.stop();
	});

	it('relay-only clients join and media flows through TURN over UDP and over TCP', async () => {
		const roomId = uniqueRoomId('turn');
		const pages: Record<'udp' | 'tcp', Page> = { udp: await ctx.newPage(), tcp: await ctx.newPage() };
		for (const [t, page] of Object.entries(pages) as Array<['udp' | 'tcp', Page]>) {
			await forceRelay(page, t);
			await page.goto(`${server.baseUrl}/r/${roomId}?name=${t.toUpperCase()}&join=1`);
			await page.waitForFunction(() => window.plenum?.client?.participantId !== undefined, undefined, { timeout: 30_000 });
		}
		for (const [t, page] of Object.entries(pages)) {
			const first = await eventually(async () => {
				const s = await inboundStats(page);
				const video = s.find((x) => x.source === 'camera');
				const audio = s.find((x) => x.source === 'mic');
				return video && audio && video.framesDecoded > 0 && audio.packetsReceived > 0 && { video, audio };
			}, 40_000, `${t} client to decode media`);
			await eventually(async () => {
				const v = (await inboundStats(page)).find((x) => x.consumerId === first.video.consumerId);
				return v && v.framesDecoded > first.video.framesDecoded + 10;
			}, 20_000, `${t} client's frames to keep rising`);
			const pairs = await selectedPairs(page);
			expect(pairs.length, t).toBeGreaterThanOrEqual(2); // send and receive transports
			for (const p of pairs) expect(p, t).toMatchObject({ localType: 'relay', relayProtocol: t });
			expect(Math.max(...pairs.map((p) => p.bytesReceived))).toBeGreaterThan(10_000);
		}
		// The shipped config logs nothing: no client address, no TURN username.
		expect(coturn.output()).not.toMatch(/127\.0\.0\.1|session|realm/);
	}, 180_000);

	it('coturn refuses expired credentials and credentials signed with another secret', async () => {
		const page = await ctx.newPage();
		const urls = [`turn:127.0.0.1:${coturn.port}?transport=udp`];
		const fresh = turnCredentials({ urls, secret: coturn.secret, ttlS: 600 });
		expect((await gatherRelay(page, fresh)).relay).toBe(true); // the control: good credentials work

		const expired = turnCredentials({ urls, secret: coturn.secret, ttlS: 60 }, Date.now() - 3_600_000);
		const refused = await gatherRelay(page, expired);
		expect(refused.relay).toBe(false);
		expect(refused.errors).toContain(401);

		const forged = turnCredentials({ urls, secret: 'not-the-secret-'.repeat(3), ttlS: 600 });
		expect((await gatherRelay(page, forged)).relay).toBe(false);
		await page.close();
	});

	it('coturn with the shipped config wrote, created or removed no file (strace)', async () => {
		const writes = await coturn.stop();
		// test/preflight.mjs made sure strace is here: no trace is a failure, not a pass.
		expect(writes).toBeDefined();
		expect(writes).toEqual([]);
	});
});
