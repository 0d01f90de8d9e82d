import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** A redis-server a test started; it owns and stops it. */
export interface RedisServer {
	/** redis://[:password@]127.0.0.1:<port> */
	url: string;
	port: number;
	/** The current process's pid (changes on restart). */
	readonly pid: number;
	/** SIGTERM, then waits for exit (SIGKILL after STOP_TIMEOUT_MS). */
	stop(): Promise<void>;
	/** Stops (if running) and starts again on the same port, same options; resolves once PING answers. */
	restart(): Promise<void>;
}

export interface RedisOptions {
	password?: string;
	/** Extra redis-server arguments (e.g. ['--save', '60 1'] to test the persistence check). */
	args?: string[];
}

/**
 * Debian's redis-server on 127.0.0.1, a free port, no persistence (`--save '' --appendonly no`),
 * as deploy/redis/redis.conf runs it. Resolves once it answers PING.
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
	const port = await freePort();
	// Its own working directory: a test that turns persistence on must not leave dump.rdb in the checkout.
	const dir = mkdtempSync(join(tmpdir(), 'plenum-redis-'));
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
	if (opts.password) args.push('--requirepass', opts.password);
	args.push(...(opts.args ?? []));
	let child: ChildProcess = await launch(args, port, opts.password);
	const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
	const stop = async () => {
		const c = child;
		if (c.exitCode !== null || c.signalCode !== null) return;
		const exited = new Promise((ok) => c.once('exit', ok));
		c.kill('SIGTERM');
		const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
		await exited;
		clearTimeout(timer);
		rmSync(dir, { recursive: true, force: true });
	};
	return {
		url: `redis://${auth}127.0.0.1:${port}`,
		port,
		get pid() {
			return child.pid ?? 0;
		},
		stop,
		async restart() {
			await stop();
			mkdirSync(dir, { recursive: true });
			child = await launch(args, port, opts.password);
		},
	};
}

async function launch(args: string[], port: number, password?: string): Promise<ChildProcess> {
	const child = spawn(REDIS_SERVER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
	child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await answersPing(port, password))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`redis-server did not start:\n${out}`);
		}
		await new Promise((ok) => setTimeout(ok, 50));
	}
	return child;
}

/** Sends (AUTH and) PING in RESP; true once +PONG comes back. */
function answersPing(port: number, password?: string): Promise<boolean> {
	return new Promise((ok) => {
		const sock = createConnection({ host: '127.0.0.1', port });
		let buf = '';
		const done = (v: boolean) => {
			sock.destroy();
			ok(v);
		};
		sock.setTimeout(1_000, () => done(false));
		sock.on('error', () => done(false));
		sock.on('connect', () => {
			const auth = password ? `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n` : '';
			sock.write(`${auth}*1\r\n$4\r\nPING\r\n`);
		});
		sock.on('data', (d: Buffer) => {
			buf += d.toString();
			if (buf.includes('+PONG')) done(true);
			else if (buf.includes('-')) done(false);
		});
	});
}

function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const srv = createServer();
		srv.on('error', fail);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => ok(port));
		});
	});
}
