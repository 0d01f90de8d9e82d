import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerPool } from './WorkerPool.js';

// A real pool of two workers: placement, a death and its replacement, close().
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('WorkerPool on real workers', () => {
	let pool: WorkerPool;
	let pids: Map<number, number>;
	const log = {
		...quiet,
		info(fields: { worker?: number; workerPid?: number }, msg: string) {
			if (msg === 'media worker started' && fields.worker !== undefined && fields.workerPid) pids.set(fields.worker, fields.workerPid);
		},
	};

	beforeEach(async () => {
		pids = new Map();
		pool = await WorkerPool.create({ workerCount: 2, rtcPort: 45000 + Math.floor(Math.random() * 1000) * 2, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log });
	});
	afterEach(() => pool.close());

	it('places two new rooms on the two workers', async () => {
		const a = await pool.createRoomMedia(quiet);
		a.addParticipant('p');
		await a.createTransport('p', 'recv');
		const b = await pool.createRoomMedia(quiet);
		expect(new Set([a.workerIndex, b.workerIndex])).toEqual(new Set([0, 1]));
		expect(pool.routers()).toBe(2);
		a.close();
		b.close();
	});

	it('a dead worker: workerDied once, its rooms move to the live one, then workerReplaced', async () => {
		const media = await pool.createRoomMedia(quiet);
		const index = media.workerIndex;
		const died = new Promise<number>((ok) => pool.once('workerDied', ok));
		const replaced = new Promise<number>((ok) => pool.once('workerReplaced', ok));
		process.kill(pids.get(index) as number, 'SIGKILL');
		expect(await died).toBe(index);
		expect(pool.workersAlive()).toBe(1);
		// Meanwhile the room works on the other worker.
		media.addParticipant('p');
		await media.createTransport('p', 'recv');
		expect(media.workerIndex).not.toBe(index);
		expect(media.closed).toBe(false);
		expect(await replaced).toBe(index);
		expect(pool.workersAlive()).toBe(2);
		media.close();
	});

	it('close() closes every worker; no room can be made after it', async () => {
		pool.close();
		pool.close();
		expect(pool.workersAlive()).toBe(0);
		await expect(pool.createRoomMedia(quiet)).rejects.toMatchObject({ code: 'PLN_NO_WORKER' });
	});
});
