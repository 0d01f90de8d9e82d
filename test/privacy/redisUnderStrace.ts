import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '../support/clusterNodes.js';
import type { RedisServer } from '../support/redisServer.js';
import { REDIS_SERVER_PATH } from '../support/redisServer.js';
import { TRACED_CALLS } from './serverUnderAudit.js';

const START_TIMEOUT_MS = 10_000;

/** A RedisServer run under `strace -f` (file calls only); the trace goes to a pipe we read, no trace file. */
export interface TracedRedis extends RedisServer {
	/** strace's lines so far. */
	trace(): string;
}

/**
 * redis-server as the cluster runs it (loopback, `--save '' --appendonly no`), under strace
 * from its first call, so the audit can tell that Redis wrote no file (invariant 1).
 */
export async function startTracedRedis(): Promise<TracedRedis> {
	const port = await freePort();
	const args = ['-f', '-qq', '-e', `trace=${TRACED_CALLS}`, REDIS_SERVER_PATH, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
	let trace = '';
	let child: ChildProcess;
	const launch = async () => {
		child = spawn('strace', args, { stdio: ['ignore', 'ignore', 'pipe'] });
		child.stderr?.on('data', (d: Buffer) => { trace += d.toString(); });
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (!(await answersPing(port))) {
			if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server under strace did not start:\n${trace.slice(-2000)}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	};
	const stop = async () => {
		const c = child;
		if (c.exitCode !== null || c.signalCode !== null) return;
		const exited = new Promise((ok) => c.once('exit', ok));
		// SIGTERM to redis-server itself (as its service manager would); strace exits after it.
		const pid = await serverPid(port).catch(() => undefined);
		if (pid) process.kill(pid, 'SIGTERM');
		else c.kill('SIGTERM');
		const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	};
	await launch();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		get pid() {
			return child.pid ?? 0;
		},
		stop,
		restart: async () => {
			await stop();
			await launch();
		},
		trace: () => trace,
	};
}

/** redis-server's own pid (the child is strace): from INFO. */
async function serverPid(port: number): Promise<number | undefined> {
	const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
	client.on('error', () => undefined);
	try {
		await client.connect();
		const pid = /process_id:(\d+)/.exec(await client.info('server'))?.[1];
		return pid ? Number(pid) : undefined;
	} finally {
		client.disconnect();
	}
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((ok) => {
		const sock = createConnection({ host: '127.0.0.1', port });
		const done = (v: boolean) => {
			sock.destroy();
			ok(v);
		};
		sock.setTimeout(1_000, () => done(false));
		sock.on('error', () => done(false));
		sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
		sock.on('data', (d: Buffer) => done(d.toString().includes('+PONG')));
	});
}
