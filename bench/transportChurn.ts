/**
 * `npm run bench:churn`: does a participant's worker memory go when it leaves, and does the
 * quota stop a client that loops? `--clients` scripted participants (socket.io, no browser)
 * each join, ask for 10 transports (the quota grants 4), leave and reconnect, for `--seconds`.
 * The worker's resident memory is read from /metrics before, during and after (once the room
 * closed); writes bench/results/churn.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { RESULTS_DIR, options, runBench } from './lib/cli.js';
import { workerNeed } from './lib/preflight.js';
import { spawnPlenum, stopPlenum } from './systems/plenum.js';

const ASKS_PER_JOIN = 10;
const SETTLE_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;

const args = options({
	clients: { type: 'string', default: '4' },
	seconds: { type: 'string', default: '30' },
	out: { type: 'string', default: RESULTS_DIR },
});

await runBench({
	needs: [workerNeed()],
	main: async () => {
		const logPath = join(mkdtempSync(join(tmpdir(), 'plenum-churn-')), 'server.log');
		const { child, url } = await spawnPlenum({ rtcPort: 47100, logPath, env: { MEDIASOUP_WORKERS: '1', ROOM_EMPTY_GRACE_MS: '500' } });
		try {
			const rss = async () => Number(/^plenum_media_worker_memory_bytes\{worker="0"\} (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
			const rooms = async () => Number(/^plenum_rooms (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
			const before = await rss();
			const counts = { joins: 0, created: 0, refused: 0, other: 0 };
			let peak = before;
			const deadline = Date.now() + Number(args.seconds) * 1000;
			const sampler = setInterval(() => void rss().then((v) => { peak = Math.max(peak, v); }), 1000);
			await Promise.all(Array.from({ length: Number(args.clients) }, async () => {
				while (Date.now() < deadline) await churnOnce(url, counts);
			}));
			clearInterval(sampler);
			const settleUntil = Date.now() + SETTLE_MS;
			while ((await rooms()) > 0 && Date.now() < settleUntil) await new Promise((ok) => setTimeout(ok, 200));
			await new Promise((ok) => setTimeout(ok, 2_000)); // let the worker return freed pages
			const after = await rss();
			const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
			const result = { date: new Date().toISOString(), clients: Number(args.clients), seconds: Number(args.seconds), ...counts, workerRssMB: { before: mb(before), peak: mb(peak), after: mb(after) } };
			console.log(`churn: ${counts.joins} joins, ${counts.created} transports created, ${counts.refused} refused (PLN_QUOTA_EXCEEDED), ${counts.other} other errors; worker RSS ${mb(before)} MB before, ${mb(peak)} MB peak, ${mb(after)} MB after`);
			writeFileSync(join(args.out, 'churn.json'), `${JSON.stringify(result, null, 2)}\n`);
		} finally {
			await stopPlenum(child);
		}
	},
});

/** One participant's life: join, ask for too many transports, leave. */
async function churnOnce(url: string, counts: { joins: number; created: number; refused: number; other: number }): Promise<void> {
	const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
	try {
		await new Promise<void>((ok, fail) => socket.once('connect', () => ok()).once('connect_error', fail));
		const ask = (name: string, payload: object) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, payload) as Promise<{ ok: boolean; error?: { code: string } }>;
		if (!(await ask('join', { roomId: 'churn-bench', displayName: 'Churn' })).ok) return;
		counts.joins++;
		const acks = await Promise.all(Array.from({ length: ASKS_PER_JOIN }, (_, i) => ask('createTransport', { direction: i % 2 ? 'send' : 'recv' })));
		for (const a of acks) {
			if (a.ok) counts.created++;
			else if (a.error?.code === 'PLN_QUOTA_EXCEEDED') counts.refused++;
			else counts.other++;
		}
		await ask('leave', {});
	} catch {
		counts.other++;
	} finally {
		socket.disconnect();
	}
}
