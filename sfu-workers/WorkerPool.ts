import { readFile } from 'node:fs/promises';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from './Logger.js';
import { PlenumError } from '../server/shared/errors.js';
import { TypedEmitter } from '../server/shared/TypedEmitter.js';
import { MEDIA_CODECS } from './mediaCodecs.js';
import { MediaStats } from './MediaStats.js';
import { RoomMediaImpl } from './RoomMediaImpl.js';
import type { RouterHandle } from './RouterSet.js';
import { type WorkerLoad, pickWorker } from './placement.js';
import { workerBinary } from './workerBinary.js';

export interface WorkerPoolOptions {
	workerCount: number;
	rtcPort: number;
	listenIp: string;
	announcedAddress: string;
	/** A room's producers + consumers on one router before newcomers go to another worker. */
	roomSpillLoad: number;
	/** Cluster mode: the address other nodes' pipe transports send to (CLUSTER_ADDRESS); absent = no pipes. */
	clusterAddress?: string;
	/** Where pipe transports listen; default listenIp. */
	pipeListenIp?: string;
	/** UDP ports for pipe transports; default the worker's range. */
	pipePortRange?: { min: number; max: number };
	/** How often MediaStats reads RTP stats (0 = never); default 10 s. */
	statsIntervalMs?: number;
	log: Logger;
}

/** One live worker's resource use, for metrics. */
export interface WorkerUsage {
	index: number;
	pid: number;
	/** User + system CPU time since the worker started. */
	cpuSeconds: number;
	/** Resident memory now (VmRSS), or the peak where /proc is not available. */
	rssBytes: number;
}

export type WorkerPoolEvents = {
	/** A worker process died; its rooms already heard it ('workerLost') and move to live workers. */
	workerDied: [index: number];
	/** A replacement worker is up and takes new rooms. */
	workerReplaced: [index: number];
};

const RESPAWN_DELAY_MS = 1_000;
const DEFAULT_STATS_INTERVAL_MS = 10_000;

interface Slot {
	index: number;
	worker: types.Worker | undefined;
	webRtcServer: types.WebRtcServer | undefined;
	load: number;
	routers: number;
}

/**
 * One mediasoup worker per slot, each with a WebRtcServer on RTC_PORT + index (UDP and TCP).
 * Owns the workers; replaces one that dies. Rooms are placed on the least-loaded worker.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
	readonly #opts: WorkerPoolOptions;
	readonly #slots: Slot[] = [];
	readonly #workerBin = workerBinary();
	#closed = false;
	restarts = 0;
	/** RTP counters and live streams of every worker, for metrics. */
	readonly stats: MediaStats;

	private constructor(opts: WorkerPoolOptions) {
		super();
		this.#opts = opts;
		this.stats = new MediaStats(opts.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS);
	}

	static async create(opts: WorkerPoolOptions): Promise<WorkerPool> {
		const pool = new WorkerPool(opts);
		for (let index = 0; index < opts.workerCount; index++) {
			const slot: Slot = { index, worker: undefined, webRtcServer: undefined, load: 0, routers: 0 };
			pool.#slots.push(slot);
			await pool.#start(slot);
		}
		return pool;
	}

	async #start(slot: Slot): Promise<void> {
		const { rtcPort, listenIp, announcedAddress, log } = this.#opts;
		const before = signalListeners();
		const worker = await mediasoup.createWorker({ workerBin: this.#workerBin, logLevel: 'warn' });
		// NOTE: mediasoup closes each worker on the process's SIGINT/SIGTERM by itself. A drain
		// must keep meetings running after SIGTERM, and pool.close() closes the workers, so the
		// listeners it just added are removed.
		for (const [signal, l] of signalListeners()) if (!before.some(([s, b]) => s === signal && b === l)) process.removeListener(signal, l);
		const port = rtcPort + slot.index;
		const webRtcServer = await worker.createWebRtcServer({
			listenInfos: [
				{ protocol: 'udp', ip: listenIp, announcedAddress, port },
				{ protocol: 'tcp', ip: listenIp, announcedAddress, port },
			],
		});
		slot.worker = worker;
		slot.webRtcServer = webRtcServer;
		slot.load = 0;
		slot.routers = 0;
		this.#trackLoad(slot, worker);
		this.stats.watch(worker);
		worker.on('died', (err) => this.#onDied(slot, worker, err));
		log.info({ worker: slot.index, workerPid: worker.pid, port }, 'media worker started');
	}

	// Load is counted from mediasoup's observer events, so placement sees what really runs.
	#trackLoad(slot: Slot, worker: types.Worker): void {
		const count = (o: { observer: { once(e: 'close', f: () => void): unknown } }) => {
			if (slot.worker !== worker) return;
			slot.load++;
			o.observer.once('close', () => { if (slot.worker === worker) slot.load--; });
		};
		worker.observer.on('newrouter', (router) => {
			slot.routers++;
			router.observer.once('close', () => { if (slot.worker === worker) slot.routers--; });
			router.observer.on('newtransport', (transport) => {
				transport.observer.on('newproducer', count);
				transport.observer.on('newconsumer', count);
			});
		});
	}

	#onDied(slot: Slot, worker: types.Worker, err: Error): void {
		if (slot.worker !== worker) return;
		slot.worker = undefined;
		slot.webRtcServer = undefined;
		this.restarts++;
		this.#opts.log.error({ worker: slot.index, err }, 'media worker died');
		this.safeEmit('workerDied', slot.index);
		if (this.#closed) return;
		// Delay so a worker that dies at start cannot spin the CPU.
		setTimeout(() => {
			if (this.#closed) return;
			this.#start(slot).then(
				() => this.safeEmit('workerReplaced', slot.index),
				(e) => this.#opts.log.error({ worker: slot.index, err: e }, 'media worker restart failed'),
			);
		}, RESPAWN_DELAY_MS).unref();
	}

	/** Loads as placement sees them. */
	loads(): WorkerLoad[] {
		return this.#slots.map((s) => ({ index: s.index, load: s.load, routers: s.routers, alive: s.worker !== undefined && !s.worker.closed }));
	}

	workersAlive(): number {
		return this.loads().filter((w) => w.alive).length;
	}

	routers(): number {
		return this.#slots.reduce((n, s) => n + s.routers, 0);
	}

	/** Media for a new room: a router on the least-loaded worker, more workers as it grows. */
	async createRoomMedia(log: Logger): Promise<RoomMediaImpl> {
		const first = await this.#routerOn([]);
		if (!first) throw new PlenumError('PLN_NO_WORKER');
		const spill = { maxLoadPerRouter: this.#opts.roomSpillLoad, addRouter: (exclude: number[]) => this.#routerOn(exclude) };
		const { clusterAddress, pipeListenIp, pipePortRange, listenIp } = this.#opts;
		const pipe = clusterAddress ? { ip: pipeListenIp ?? listenIp, announcedAddress: clusterAddress, portRange: pipePortRange } : undefined;
		return RoomMediaImpl.create({ first, spill, log, pipe });
	}

	/** A new router on the least-loaded live worker not in `exclude`. */
	async #routerOn(exclude: number[]): Promise<RouterHandle | undefined> {
		const choice = pickWorker(this.loads().filter((w) => !exclude.includes(w.index)));
		const slot = choice && this.#slots[choice.index];
		if (!slot?.worker || !slot.webRtcServer) return undefined;
		const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
		return { router, webRtcServer: slot.webRtcServer, workerIndex: slot.index };
	}

	/** CPU and memory of each live worker: one getResourceUsage() and one /proc read each. */
	async resourceUsage(): Promise<WorkerUsage[]> {
		const live = this.#slots.flatMap((s) => (s.worker && !s.worker.closed ? [{ index: s.index, worker: s.worker }] : []));
		const read = async ({ index, worker }: { index: number; worker: types.Worker }): Promise<WorkerUsage | undefined> => {
			try {
				const u = await worker.getResourceUsage();
				const rss = await readFile(`/proc/${worker.pid}/status`, 'utf8').then((t) => Number(/VmRSS:\s+(\d+) kB/.exec(t)?.[1]) * 1024, () => Number.NaN);
				return { index, pid: worker.pid, cpuSeconds: (u.ru_utime + u.ru_stime) / 1000, rssBytes: Number.isFinite(rss) ? rss : u.ru_maxrss * 1024 };
			} catch {
				return undefined; // died or closing right now
			}
		};
		return (await Promise.all(live.map(read))).filter((u): u is WorkerUsage => u !== undefined);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.stats.close();
		for (const s of this.#slots) s.worker?.close();
	}
}

function signalListeners(): Array<['SIGINT' | 'SIGTERM', (...args: unknown[]) => void]> {
	return (['SIGINT', 'SIGTERM'] as const).flatMap((s) => process.listeners(s).map((l) => [s, l] as ['SIGINT' | 'SIGTERM', (...args: unknown[]) => void]));
}
