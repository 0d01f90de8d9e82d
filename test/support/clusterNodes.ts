import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface TestRedis {
	port: number;
	url: string;
	child: ChildProcess;
	/** Runs one redis-cli command against it; resolves with its raw stdout. */
	cli(...args: string[]): Promise<string>;
	stop(): Promise<void>;
	/** Starts it again on the same port (after stop(); a test of Redis going away). */
	restart(): Promise<void>;
}

const redisArgs = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'plenum-redis-'))];

/**
 * Debian's redis-server on a free loopback port, no persistence. `wrapper` runs it under
 * another program (the audit's strace). Resolves once it answers PING.
 */
export async function startRedis(wrapper: string[] = []): Promise<TestRedis> {
	const port = await freePort();
	const spawnIt = () => {
		const [cmd, ...args] = [...wrapper, 'redis-server', ...redisArgs(port)];
		return spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
	};
	const cli = (...args: string[]) => new Promise<string>((ok, fail) => {
		const c = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
		c.once('error', fail);
		c.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`redis-cli ${args[0]} exited ${code}`))));
	});
	const ready = async () => {
		for (let i = 0; i < 100; i++) {
			if ((await cli('PING').catch(() => '')).includes('PONG')) return;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error('redis-server did not answer PING');
	};
	const redis: TestRedis = {
		port,
		url: `redis://127.0.0.1:${port}`,
		child: spawnIt(),
		cli,
		stop: async () => {
			const c = redis.child;
			if (c.exitCode !== null || c.signalCode !== null) return;
			const exited = new Promise((ok) => c.once('exit', ok));
			c.kill('SIGTERM');
			await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
			if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
		},
		restart: async () => {
			redis.child = spawnIt();
			await ready();
		},
	};
	await ready();
	return redis;
}

/** roomKey() of server/cluster: sha256 hex of the room id, so a SCAN shows no room name. */
export function roomKeyOf(roomId: string): string {
	return createHash('sha256').update(roomId).digest('hex').slice(0, 32);
}

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
	redis: TestRedis;
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
	/** A Redis already started (e.g. under strace); else one is started and stopped with the cluster. */
	redis?: TestRedis;
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
		});
		const exit = new Promise<number | null>((ok) => {
			if (server.child.exitCode !== null || server.child.signalCode !== null) ok(server.child.exitCode);
			else server.child.once('exit', (code) => ok(code));
		});
		return { id, baseUrl: server.baseUrl, child: server.child, server, logPath, kill: (s) => server.child.kill(s), exited: () => exit };
	}));
	const keys = async (pattern: string) => {
		const found: string[] = [];
		let cursor = '0';
		do {
			const [next, ...batch] = (await redis.cli('--raw', 'SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000')).trim().split('\n');
			cursor = next ?? '0';
			found.push(...batch.filter((k) => k !== ''));
		} while (cursor !== '0');
		return found;
	};
	return {
		redis,
		nodes,
		keys,
		ownerOf: async (roomId) => {
			const id = (await redis.cli('--raw', 'GET', `pln:room:${roomKeyOf(roomId)}:owner`)).trim();
			return nodes.find((x) => x.id === id);
		},
		stop: async () => {
			await Promise.all(nodes.map((x) => stopServer(x.child)));
			if (!opts.redis) await redis.stop();
		},
	};
}
