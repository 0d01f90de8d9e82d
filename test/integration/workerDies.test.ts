import { afterAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ask, eventually, metric, rawSocket, uniqueRoomId } from './helpers.js';
import { serverLogLines, workerPidsByIndex } from './serverLog.js';

// Kill a real mediasoup worker process: its rooms close with 'workerDied', the others live on,
// the pool replaces the worker and counts the restart.
describe('a mediasoup worker dies', () => {
	const sockets: Socket[] = [];
	afterAll(() => {
		for (const s of sockets) s.disconnect();
	});

	const joinRoom = async () => {
		const s = await rawSocket();
		sockets.push(s);
		const openedBefore = serverLogLines().filter((l) => l.msg === 'room opened').length;
		const ack = await ask(s, 'join', { roomId: uniqueRoomId('wd'), displayName: 'Worker test' });
		expect(ack.ok).toBe(true);
		// The log reaches the file through a pipe: wait for the line.
		const opened = await eventually(async () => serverLogLines().filter((l) => l.msg === 'room opened')[openedBefore], 5_000, 'the room opened log line');
		return { socket: s, worker: Number(opened.worker) };
	};

	it('closes the rooms on that worker with reason workerDied, keeps the others, and replaces the worker', async () => {
		await eventually(async () => (await metric('plenum_rooms')) === 0, 10_000, 'earlier rooms to close');
		const restartsBefore = await metric('plenum_media_worker_restarts_total{reason="died"}').catch(() => 0);
		const a = await joinRoom();
		const b = await joinRoom();
		expect(a.worker).not.toBe(b.worker); // two empty rooms spread over the two workers

		const closed = new Promise<{ reason: string }>((ok) => a.socket.once('roomClosed', ok));
		const pid = workerPidsByIndex().get(a.worker);
		expect(pid).toBeGreaterThan(0);
		process.kill(pid as number, 'SIGKILL');

		expect((await closed).reason).toBe('workerDied');
		expect((await ask(a.socket, 'createTransport', { direction: 'recv' })).error?.code).toBe('PLN_NOT_JOINED');
		// The room on the other worker still works.
		expect((await ask(b.socket, 'createTransport', { direction: 'recv' })).ok).toBe(true);

		expect(await metric('plenum_media_worker_restarts_total{reason="died"}')).toBe(restartsBefore + 1);
		await eventually(async () => (await metric('plenum_media_workers_alive')) === 2, 15_000, 'the worker to be replaced');
		await eventually(async () => workerPidsByIndex().get(a.worker) !== pid, 5_000, 'a new worker pid in the log');
		expect(serverLogLines().some((l) => l.msg === 'media worker died' && l.level === 50)).toBe(true);

		// A new room can use the replacement.
		const c = await joinRoom();
		expect((await ask(c.socket, 'createTransport', { direction: 'send' })).ok).toBe(true);
	});
});
