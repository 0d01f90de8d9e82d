import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_REQUESTS } from '../../server/signalling/Session.js';
import { startServer, stopServer } from '../support/serverProcess.js';
import { eventually, uniqueRoomId } from './helpers.js';

type Answer = { ok: boolean; error?: { code: string } };

// A server of its own with one media worker, which the test freezes (SIGSTOP): requests that
// need the worker then wait, and a client can pile them up faster than the rate limit refills.
describe('requests in flight are bounded per connection', () => {
	const logPath = join(mkdtempSync(join(tmpdir(), 'plenum-pending-')), 'server.log');
	let server: { child: ChildProcess; baseUrl: string };
	let workerPid = 0;
	let socket: Socket | undefined;

	beforeAll(async () => {
		server = await startServer(logPath, { MEDIASOUP_WORKERS: '1', MEDIA_STATS_INTERVAL_MS: '0' });
		// stdout reaches the file through a pipe: wait for the line rather than read it once.
		workerPid = await eventually(async () => {
			const started = readFileSync(logPath, 'utf8').split('\n').filter((l) => l.includes('"media worker started"'));
			return Number((JSON.parse(started.at(-1) ?? '{}') as { workerPid?: number }).workerPid) || undefined;
		}, 10_000, 'the worker pid in the log');
	});
	afterAll(async () => {
		if (workerPid) process.kill(workerPid, 'SIGCONT');
		socket?.disconnect();
		if (server) await stopServer(server.child);
	});

	it(`past ${MAX_PENDING_REQUESTS} unanswered requests the next is refused with PLN_TOO_MANY_PENDING at once; all are answered when the worker wakes`, async () => {
		socket = io(server.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
		const s = socket;
		await new Promise<void>((ok, fail) => { s.once('connect', () => ok()); s.once('connect_error', fail); });
		const ask = (event: string, payload: unknown) => s.timeout(60_000).emitWithAck(event, payload) as Promise<Answer & { data?: any }>;
		expect((await ask('join', { roomId: uniqueRoomId('pending'), displayName: 'Piles up' })).ok).toBe(true);
		const transport = await ask('createTransport', { direction: 'send' });
		expect(transport.ok).toBe(true);
		const transportId = String(transport.data.id);

		process.kill(workerPid, 'SIGSTOP');
		const answers: Answer[] = [];
		let sent = 0;
		const restart = () => {
			sent++;
			void ask('restartIce', { transportId }).then((a) => answers.push(a));
		};
		// The burst first (all wait for the frozen worker), then a steady trickle while the
		// rate limit refills, until the bound is met.
		for (let i = 0; i < 500; i++) restart();
		const refused = await eventually(async () => {
			for (let i = 0; i < 5; i++) restart();
			return answers.find((a) => a.error?.code === 'PLN_TOO_MANY_PENDING');
		}, 20_000, 'a PLN_TOO_MANY_PENDING answer');
		expect(refused.ok).toBe(false);
		// Once the last refusals are in, exactly the bound is still waiting (none answered yet:
		// the worker is frozen), and everything else was refused at once.
		await eventually(async () => sent - answers.length === MAX_PENDING_REQUESTS, 10_000, `${MAX_PENDING_REQUESTS} requests waiting (${sent - answers.length} now)`);
		const refusedAtOnce = (a: Answer) => a.error?.code === 'PLN_TOO_MANY_PENDING' || a.error?.code === 'PLN_RATE_LIMITED';
		expect(answers.every(refusedAtOnce)).toBe(true);

		process.kill(workerPid, 'SIGCONT');
		await eventually(async () => answers.length === sent, 30_000, 'every request to be answered');
		expect(answers.filter((a) => a.ok)).toHaveLength(MAX_PENDING_REQUESTS);
		// The connection works as before.
		expect((await ask('restartIce', { transportId })).ok).toBe(true);
	});
});
