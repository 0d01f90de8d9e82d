import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import type { Generator } from '../gen/Generator.js';
import { killOnExit, pinned } from '../lib/proc.js';
import type { HostRequest } from './bareMediasoupHost.js';
import { type MsSignal, MsParticipant } from './msFlow.js';
import type { BenchRoom, SystemUnderTest } from './types.js';

const START_TIMEOUT_MS = 30_000;
const HOST = fileURLToPath(new URL('./bareMediasoupHost.ts', import.meta.url));

type Reply = { id: number; ok: true; data: unknown } | { id: number; ok: false; error: string };

/**
 * Bare mediasoup: one worker (Plenum's binary, codecs and transport options) behind a
 * WebRtcServer, owned by a minimal Node script (bareMediasoupHost.ts) that the bench drives over
 * an IPC channel: no signalling, no rooms logic. The engine's ceiling.
 */
export class BareMediasoup implements SystemUnderTest {
	readonly name = 'mediasoup' as const;
	readonly #gen: Generator;
	readonly #cpus: string;
	readonly #port: number;
	readonly #pending = new Map<number, (r: Reply) => void>();
	#child: ChildProcess | undefined;
	#workerPid = 0;
	#seq = 0;

	constructor(gen: Generator, cpus: string, port: number) {
		this.#gen = gen;
		this.#cpus = cpus;
		this.#port = port;
	}

	async start(): Promise<void> {
		const child = killOnExit(spawn(...pinned(this.#cpus, [process.execPath, '--import', 'tsx', HOST, String(this.#port)]), {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		}));
		this.#child = child;
		this.#workerPid = await new Promise<number>((ok, fail) => {
			const timer = setTimeout(() => fail(new Error('bare mediasoup host did not start')), START_TIMEOUT_MS);
			child.once('exit', (code) => fail(new Error(`bare mediasoup host exited with ${code}`)));
			child.on('message', (m: Reply | { ready: number }) => {
				if ('ready' in m) { clearTimeout(timer); ok(m.ready); return; }
				this.#pending.get(m.id)?.(m);
				this.#pending.delete(m.id);
			});
		});
	}

	#call<T>(req: HostRequest): Promise<T> {
		const id = ++this.#seq;
		return new Promise((ok, fail) => {
			this.#pending.set(id, (r) => (r.ok ? ok(r.data as T) : fail(new Error(`${req.op}: ${r.error}`))));
			this.#child?.send({ id, req });
		});
	}

	pids(): number[] {
		const pid = this.#child?.pid;
		return pid ? [pid, this.#workerPid] : [];
	}

	controllerPid(): number | undefined {
		return this.#child?.pid;
	}

	async openRoom(): Promise<BenchRoom> {
		const { room, rtpCapabilities } = await this.#call<{ room: string; rtpCapabilities: types.RtpCapabilities }>({ op: 'openRoom' });
		const gen = this.#gen;
		return {
			join: async (publish) => MsParticipant.join(gen, this.#signal(room, rtpCapabilities, gen.router.rtpCapabilities), publish),
			close: async () => { await this.#call({ op: 'closeRoom', room }); },
		};
	}

	#signal(room: string, rtpCapabilities: types.RtpCapabilities, clientCaps: types.RtpCapabilities): MsSignal {
		const mine: string[] = [];
		return {
			rtpCapabilities,
			createTransport: async () => {
				const t = await this.#call<{ id: string; iceParameters: unknown; iceCandidates: unknown; dtlsParameters: unknown }>({ op: 'createTransport', room });
				mine.push(t.id);
				return t;
			},
			connectTransport: (transportId, dtlsParameters) => this.#call({ op: 'connectTransport', transportId, dtlsParameters }),
			produce: (transportId, kind, rtpParameters) => this.#call<string>({ op: 'produce', transportId, kind, rtpParameters }),
			consume: (producerId) => {
				const transportId = mine.at(-1);
				if (!transportId) throw new Error('no recv transport');
				return this.#call({ op: 'consume', transportId, producerId, rtpCapabilities: clientCaps });
			},
			resumeConsumer: (consumerId) => this.#call({ op: 'resumeConsumer', consumerId }),
			close: async () => {
				for (const transportId of mine) await this.#call({ op: 'closeTransport', transportId });
			},
		};
	}

	async stop(): Promise<void> {
		const child = this.#child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((ok) => child.once('exit', ok));
		child.disconnect();
		await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
		if (child.exitCode === null) child.kill('SIGKILL');
	}
}
