import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import { io } from 'socket.io-client';
import type { Generator } from '../gen/Generator.js';
import { childPids, killOnExit, pinned } from '../lib/proc.js';
import { type MsSignal, type MsTransportInfo, MsParticipant } from './msFlow.js';
import type { BenchRoom, SystemUnderTest } from './types.js';

const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 20_000;
const LEAVE_TIMEOUT_MS = 2_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let roomSeq = 0;
// Server pushes the bench's participants got, by event: what Plenum's server sends while media flows.
const pushes = new Map<string, number>();

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

/** Plenum as users run it: `server/index.ts` with one mediasoup worker, through its socket.io signalling. */
export class Plenum implements SystemUnderTest {
	readonly name = 'plenum' as const;
	readonly #gen: Generator;
	readonly #cpus: string;
	readonly #rtcPort: number;
	readonly #logPath: string;
	#child: ChildProcess | undefined;
	#url = '';

	constructor(gen: Generator, cpus: string, rtcPort: number, logPath: string) {
		this.#gen = gen;
		this.#cpus = cpus;
		this.#rtcPort = rtcPort;
		this.#logPath = logPath;
	}

	async start(): Promise<void> {
		const env = { MEDIASOUP_WORKERS: '1', ROOM_EMPTY_GRACE_MS: '500', MAX_PARTICIPANTS_PER_ROOM: '1000', ROOM_SPILL_LOAD: '1000000' };
		const started = await spawnPlenum({ cpus: this.#cpus, rtcPort: this.#rtcPort, logPath: this.#logPath, env });
		this.#child = started.child;
		this.#url = started.url;
	}

	pids(): number[] {
		const pid = this.#child?.pid;
		return pid ? [pid, ...childPids(pid)] : [];
	}

	controllerPid(): number | undefined {
		return this.#child?.pid;
	}

	async openRoom(): Promise<BenchRoom> {
		const roomId = `bench-${process.pid}-${++roomSeq}`;
		return {
			join: async (publish) => {
				const signal = await socketSignal(this.#url, roomId, this.#gen.router.rtpCapabilities);
				// A join that fails (e.g. times out under overload) leaves: otherwise the server keeps
				// the participant, and the room with it, after the scenario ended.
				return MsParticipant.join(this.#gen, signal, publish).catch(async (err: unknown) => {
					await signal.close();
					throw err;
				});
			},
			// Participants disconnect themselves; the server closes the empty room.
			close: async () => {},
		};
	}

	async stop(): Promise<void> {
		if (pushes.size) console.log(`plenum: server pushes to the bench's participants: ${[...pushes].map(([e, n]) => `${e} ${n}`).join(', ')}`);
		pushes.clear();
		if (this.#child) await stopPlenum(this.#child);
	}
}

/**
 * Starts Plenum's server as users run it (`server/index.ts`, its own mediasoup workers) on a free
 * HTTP port, pinned to `cpus` when given; resolves with its URL once it prints it. stdout and
 * stderr go to `logPath`. The bench's media programs and bench:soak start it this way.
 */
export async function spawnPlenum(o: { cpus?: string; rtcPort: number; logPath: string; env?: Record<string, string> }): Promise<{ child: ChildProcess; url: string }> {
	const log = createWriteStream(o.logPath);
	const cmd = [process.execPath, ...cpuProfArgs(), '--import', 'tsx', 'server/index.ts'];
	const [file, args] = o.cpus ? pinned(o.cpus, cmd) : [process.execPath, cmd.slice(1)];
	const child = killOnExit(spawn(file, args, {
		cwd: ROOT,
		env: {
			...process.env, PORT: '0', HOST: '127.0.0.1', RTC_PORT: String(o.rtcPort), RTC_LISTEN_IP: '127.0.0.1',
			RTC_ANNOUNCED_ADDRESS: '127.0.0.1', LOG_LEVEL: 'warn', ...o.env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	}));
	child.stdout?.pipe(log);
	let stderr = '';
	const url = await new Promise<string>((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`plenum did not start:\n${stderr}`)), START_TIMEOUT_MS);
		child.stderr?.on('data', (d: Buffer) => {
			stderr += d.toString();
			log.write(d);
			const m = /Plenum is running: open (\S+)/.exec(stderr);
			if (m?.[1]) { clearTimeout(timer); ok(m[1].replace('localhost', '127.0.0.1')); }
		});
		child.once('exit', (code) => fail(new Error(`plenum exited with ${code}:\n${stderr}`)));
	});
	return { child, url };
}

/** Stops a server from spawnPlenum() at once: SIGINT (SIGTERM would drain), SIGKILL after 5 s. */
export async function stopPlenum(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	child.kill('SIGINT');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null) child.kill('SIGKILL');
}

// PLENUM_BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (see bench/README.md).
function cpuProfArgs(): string[] {
	const dir = process.env.PLENUM_BENCH_CPU_PROF;
	return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

/** Joins `roomId` through the server at `url` (any node of a cluster: bench:cluster) and returns the participant's requests. */
export async function socketSignal(url: string, roomId: string, clientCaps: types.RtpCapabilities): Promise<MsSignal> {
	const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
	await new Promise<void>((ok, fail) => {
		socket.once('connect', () => ok());
		socket.once('connect_error', fail);
	});
	socket.onAny((event: string) => pushes.set(event, (pushes.get(event) ?? 0) + 1));
	const req = <T>(name: string, payload: object): Promise<T> => new Promise((ok, fail) => {
		socket.timeout(REQUEST_TIMEOUT_MS).emit(name, payload, (err: Error | null, ack: Ack) => {
			if (err) fail(err);
			else if (ack.ok) ok(ack.data as T);
			else fail(new Error(`${name}: ${ack.error.code}`));
		});
	});
	let joined: { rtpCapabilities: types.RtpCapabilities };
	try {
		joined = await req<{ rtpCapabilities: types.RtpCapabilities }>('join', { roomId, displayName: 'bench' });
		await req('setRtpCapabilities', { rtpCapabilities: clientCaps });
	} catch (err) {
		socket.disconnect();
		throw err;
	}
	return {
		rtpCapabilities: joined.rtpCapabilities,
		createTransport: (direction) => req<MsTransportInfo>('createTransport', { direction }),
		connectTransport: async (transportId, dtlsParameters) => { await req('connectTransport', { transportId, dtlsParameters }); },
		produce: async (transportId, kind, rtpParameters) =>
			(await req<{ producerId: string }>('produce', { transportId, kind, source: kind === 'audio' ? 'mic' : 'camera', rtpParameters })).producerId,
		consume: (producerId) => req<{ id: string; rtpParameters: types.RtpParameters }>('consume', { producerId }),
		resumeConsumer: async (consumerId) => { await req('resumeConsumer', { consumerId }); },
		// Leave as the web client does: a socket that only drops is kept, with its media flowing,
		// for the reconnect grace (30 s), and the bench's departed subscribers would still cost.
		close: async () => {
			await Promise.race([req('leave', {}).catch(() => {}), new Promise((r) => setTimeout(r, LEAVE_TIMEOUT_MS))]);
			socket.disconnect();
		},
	};
}
