import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileWrites } from '../privacy/straceWrites.js';

export const TURNSERVER_PATH = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
/** The privacy-minded config operators get; the test overrides only addresses, ports and the secret. */
export const COTURN_CONF = resolve('deploy/coturn/turnserver.conf');
const START_TIMEOUT_MS = 15_000;

export interface Coturn {
	child: ChildProcess;
	port: number;
	secret: string;
	/** Everything coturn printed (the shipped config prints nothing but OS warnings). */
	output: () => string;
	/** Stops coturn; under strace, resolves with the files it wrote, created or removed. */
	stop: () => Promise<string[] | undefined>;
}

const STRACE = '/usr/bin/strace';

/**
 * Debian's coturn with deploy/coturn/turnserver.conf, on loopback, random ports, no TLS (no
 * certificate here), loopback peers allowed (Plenum's media ports are on 127.0.0.1 in tests).
 * Resolves once it answers on its UDP port.
 */
export async function startCoturn(): Promise<Coturn> {
	const port = 20_000 + Math.floor(Math.random() * 9_000);
	const minPort = 30_000 + Math.floor(Math.random() * 9_000);
	const secret = randomBytes(32).toString('base64url');
	const trace = existsSync(STRACE) ? join(mkdtempSync(join(tmpdir(), 'plenum-coturn-')), 'trace') : undefined;
	const args = [
		'-c', COTURN_CONF,
		'--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '--listening-port', String(port),
		'--min-port', String(minPort), '--max-port', String(minPort + 100),
		'--static-auth-secret', secret, '--realm', 'plenum.test', '--no-tls',
		// Plenum's media ports listen on 127.0.0.1 here: the shipped config denies loopback peers.
		'--allow-loopback-peers', '--allowed-peer-ip', '127.0.0.1',
	];
	// Under strace, file calls are recorded: the shipped config must write no file at all.
	const child = trace
		? spawn(STRACE, ['-f', '-qq', '-e', 'trace=%file', '-o', trace, TURNSERVER_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
		: spawn(TURNSERVER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
	child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((ok) => child.once('exit', ok));
			// strace does not pass SIGTERM on: signal coturn itself (the trace's first pid), while
			// strace still runs, so the pid cannot belong to another process yet.
			const tracee = trace && existsSync(trace) ? /^(\d+)\s/.exec(readFileSync(trace, 'utf8'))?.[1] : undefined;
			if (tracee) process.kill(Number(tracee), 'SIGTERM');
			else child.kill('SIGTERM');
			await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
		return trace && existsSync(trace) ? fileWrites(readFileSync(trace, 'utf8')) : undefined;
	};
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await answersStun(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`coturn did not start:\n${out}`);
		}
	}
	return { child, port, secret, output: () => out, stop };
}

/** Sends a STUN Binding request; any answer (with secure-stun: 401) means coturn listens. */
function answersStun(port: number): Promise<boolean> {
	return new Promise((ok) => {
		const sock = createSocket('udp4');
		const header = Buffer.alloc(20);
		header.writeUInt16BE(0x0001, 0); // Binding request, no attributes
		header.writeUInt32BE(0x2112a442, 4); // magic cookie
		randomBytes(12).copy(header, 8);
		const done = (v: boolean) => {
			clearTimeout(timer);
			sock.close();
			ok(v);
		};
		const timer = setTimeout(() => done(false), 300);
		sock.once('message', () => done(true));
		sock.once('error', () => done(false));
		sock.send(header, port, '127.0.0.1');
	});
}
