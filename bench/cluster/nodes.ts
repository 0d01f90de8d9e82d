import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, roomKeyOf } from '../../test/support/clusterNodes.js';
import { type RedisServer, startRedis } from '../../test/support/redisServer.js';
import { childPids, cpuSeconds } from '../lib/proc.js';
import { spawnPlenum, stopPlenum } from '../systems/plenum.js';

const ALIVE_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 5_000;

/** One Plenum process of the bench's cluster; a restart keeps its ports and takes a new NODE_ID. */
export interface BenchNode {
	readonly name: string;
	/** NODE_ID of the current process (name, then name-2, name-3 … after restarts). */
	id: string;
	readonly url: string;
	child: ChildProcess;
	/** Server process + its mediasoup workers, now. */
	pids(): number[];
}

export interface ClusterOpts {
	/** Pin every node to these CPUs (the SFU's); unpinned when undefined. */
	cpus?: string;
	logDir: string;
	/** First RTC port; node i gets rtcBase + 10 i. */
	rtcBase: number;
	env?: Record<string, string>;
}

/**
 * A redis-server (test/support/redisServer.ts: loopback, no persistence) and Plenum nodes in
 * cluster mode on it, started as the bench starts Plenum (systems/plenum.ts: server/index.ts,
 * one worker). The owner stops it.
 */
export class BenchCluster {
	readonly nodes: BenchNode[] = [];
	readonly redis: RedisServer;
	readonly client: Redis;
	readonly #opts: ClusterOpts;
	#incarnations = new Map<string, number>();

	private constructor(redis: RedisServer, client: Redis, opts: ClusterOpts) {
		this.redis = redis;
		this.client = client;
		this.#opts = opts;
	}

	static async start(n: number, opts: ClusterOpts): Promise<BenchCluster> {
		const redis = await startRedis();
		const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
		client.on('error', () => undefined);
		const c = new BenchCluster(redis, client, opts);
		for (let i = 0; i < n; i++) c.nodes.push(await c.#spawn(`n${i + 1}`, await freePort(), opts.rtcBase + 10 * i));
		await c.waitAlive();
		return c;
	}

	async #spawn(name: string, port: number, rtcPort: number): Promise<BenchNode> {
		const k = (this.#incarnations.get(name) ?? 0) + 1;
		this.#incarnations.set(name, k);
		const id = k === 1 ? name : `${name}-${k}`;
		const url = `http://127.0.0.1:${port}`;
		const env = {
			MEDIASOUP_WORKERS: '1', ROOM_EMPTY_GRACE_MS: '500', MAX_PARTICIPANTS_PER_ROOM: '1000', ROOM_SPILL_LOAD: '1000000',
			PORT: String(port), PUBLIC_URL: url, REDIS_URL: this.redis.url, NODE_ID: id, CLUSTER_ADDRESS: '127.0.0.1',
			...this.#opts.env,
		};
		const { child } = await spawnPlenum({ cpus: this.#opts.cpus, rtcPort, logPath: join(this.#opts.logDir, `${id}.log`), env });
		const pids = () => (child.pid ? [child.pid, ...childPids(child.pid)] : []);
		return { name, id, url, child, pids };
	}

	/** Waits until every current node's heartbeat key is in Redis. */
	async waitAlive(): Promise<void> {
		const deadline = Date.now() + ALIVE_TIMEOUT_MS;
		const live = async () => (await this.client.exists(...this.nodes.map((x) => `pln:node:${x.id}`))) === this.nodes.length;
		while (!(await live())) {
			if (Date.now() > deadline) throw new Error(`not every node is live in Redis after ${ALIVE_TIMEOUT_MS} ms`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	/** The node whose lease owns `roomId` now. */
	async ownerOf(roomId: string): Promise<BenchNode | undefined> {
		const id = await this.client.get(`pln:room:${roomKeyOf(roomId)}:owner`);
		return this.nodes.find((x) => x.id === id);
	}

	/** SIGKILL of the server and its workers at once, as a power loss; resolves when all are gone. */
	async kill(node: BenchNode): Promise<void> {
		const pids = node.pids();
		for (const pid of pids) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		const deadline = Date.now() + EXIT_TIMEOUT_MS;
		while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
	}

	/** Starts a killed node again on its ports (a new NODE_ID), and waits until all nodes are live. */
	async restart(node: BenchNode): Promise<void> {
		const i = this.nodes.indexOf(node);
		const port = Number(new URL(node.url).port);
		const fresh = await this.#spawn(node.name, port, this.#opts.rtcBase + 10 * i);
		this.nodes[i] = fresh;
		await this.waitAlive();
	}

	/** Every node's server and workers, and Redis. */
	pids(): number[] {
		return this.nodes.flatMap((x) => x.pids());
	}

	redisCpuSeconds(): number {
		return cpuSeconds([this.redis.pid]);
	}

	async stop(): Promise<void> {
		this.client.disconnect();
		await Promise.all(this.nodes.map((x) => stopPlenum(x.child)));
		await this.redis.stop();
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
