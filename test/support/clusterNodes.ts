import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { roomKey } from '../../server/cluster/roomKey.js';
import { type RedisServer, startRedis } from './redisServer.js';
import { type StartedServer, startServer, stopServer } from './serverProcess.js';

/** A free loopback TCP port (asked from the kernel, then released for the caller to bind). */
export function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const s = createServer();
		s.once('error', fail);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => ok(port));
		});
	});
}

/** The hash a room's keys are named by (server/cluster/roomKey.ts), so a SCAN shows no room name. */
export const roomKeyOf = roomKey;

export interface ClusterNode {
	id: string;
	baseUrl: string;
	child: ChildProcess;
	server: StartedServer;
	logPath: string;
	kill(signal: NodeJS.Signals): void;
	/** Resolves with the exit code (null after a signal) once the process has ended. */
	exited(): Promise<number | null>;
}

export interface Cluster {
	redis: RedisServer;
	/** A client of the test's own, to read what the nodes wrote (never used by the nodes). */
	client: Redis;
	nodes: ClusterNode[];
	/** The node whose id owns `roomId` now (its lease in Redis), if any. */
	ownerOf(roomId: string): Promise<ClusterNode | undefined>;
	/** Every key matching `pattern` (SCAN, so a big Redis is not blocked). */
	keys(pattern: string): Promise<string[]>;
	stop(): Promise<void>;
}

export interface ClusterOptions {
	/** Extra env for every node. */
	env?: Record<string, string>;
	/** Extra env for node i (e.g. SIP dial-in on one node only). */
	nodeEnv?: Array<Record<string, string> | undefined>;
	/** A Redis already started (e.g. the audit's, under strace); else one is started and stopped with the cluster. */
	redis?: RedisServer;
	/** Logs to files in this directory (default: a new temp dir); undefined = keep logs in memory. */
	logDir?: string | null;
}

/**
 * `n` Plenum processes (compiled server, real mediasoup workers) in cluster mode on one Redis:
 * NODE_ID n1…, each its own HTTP port (picked first, so PUBLIC_URL is known before start),
 * its own RTC port, one worker each (a test machine has few cores).
 */
export async function startCluster(n: number, opts: ClusterOptions = {}): Promise<Cluster> {
	const redis = opts.redis ?? await startRedis();
	const dir = opts.logDir === null ? undefined : opts.logDir ?? mkdtempSync(join(tmpdir(), 'plenum-cluster-'));
	const rtcBase = 42000 + Math.floor(Math.random() * 4000);
	const nodes = await Promise.all(Array.from({ length: n }, async (_, i): Promise<ClusterNode> => {
		const id = `n${i + 1}`;
		const port = await freePort();
		const publicUrl = `http://127.0.0.1:${port}`;
		const logPath = dir ? join(dir, `${id}.log`) : '';
		const server = await startServer(dir ? logPath : undefined, {
			PORT: String(port),
			PUBLIC_URL: publicUrl,
			RTC_PORT: String(rtcBase + i * 10),
			MEDIASOUP_WORKERS: '1',
			REDIS_URL: redis.url,
			NODE_ID: id,
			CLUSTER_ADDRESS: '127.0.0.1',
			...opts.env,
			...opts.nodeEnv?.[i],
		});
		const exit = new Promise<number | null>((ok) => {
			if (server.child.exitCode !== null || server.child.signalCode !== null) ok(server.child.exitCode);
			else server.child.once('exit', (code) => ok(code));
		});
		return { id, baseUrl: server.baseUrl, child: server.child, server, logPath, kill: (s) => server.child.kill(s), exited: () => exit };
	}));
	// Each node must know the others before a page loads: its CSP names the nodes a page may fail over to.
	await Promise.all(nodes.map(async (x) => {
		for (let i = 0; i < 100; i++) {
			const text = await fetch(`${x.baseUrl}/metrics`).then((r) => r.text(), () => '');
			if (new RegExp(`^plenum_cluster_nodes_alive ${n}$`, 'm').test(text)) return;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`node ${x.id} did not see all ${n} nodes`);
	}));
	// Fails fast while Redis is down (a test of that), reconnects by itself after.
	const client = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
	client.on('error', () => undefined);
	await new Promise((ok) => client.once('ready', ok));
	const keys = async (pattern: string) => {
		const found: string[] = [];
		let cursor = '0';
		do {
			const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
			cursor = next;
			found.push(...batch);
		} while (cursor !== '0');
		return found;
	};
	return {
		redis,
		client,
		nodes,
		keys,
		ownerOf: async (roomId) => {
			const id = await client.get(`pln:room:${roomKeyOf(roomId)}:owner`);
			return nodes.find((x) => x.id === id);
		},
		stop: async () => {
			client.disconnect();
			await Promise.all(nodes.map((x) => stopServer(x.child)));
			if (!opts.redis) await redis.stop();
		},
	};
}
