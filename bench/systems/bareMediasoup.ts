import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../sfu-workers/mediaCodecs.js';
import { workerBinary } from '../../sfu-workers/workerBinary.js';
import type { Generator } from '../gen/Generator.js';
import { pin } from '../lib/proc.js';
import { type MsSignal, MsParticipant } from './msFlow.js';
import type { BenchRoom, SystemUnderTest } from './types.js';

// The transport options Plenum's RoomMediaImpl uses, so both run the engine the same way.
const INITIAL_OUTGOING_BITRATE = 1_000_000;

/**
 * Bare mediasoup: one worker (Plenum's binary, codecs and transport options) behind a
 * WebRtcServer, driven by direct calls: no signalling, no rooms logic. The engine's ceiling.
 */
export class BareMediasoup implements SystemUnderTest {
	readonly name = 'mediasoup' as const;
	readonly #gen: Generator;
	readonly #cpus: string;
	readonly #port: number;
	#worker: types.Worker | undefined;
	#server: types.WebRtcServer | undefined;

	constructor(gen: Generator, cpus: string, port: number) {
		this.#gen = gen;
		this.#cpus = cpus;
		this.#port = port;
	}

	async start(): Promise<void> {
		this.#worker = await mediasoup.createWorker({ workerBin: workerBinary(), logLevel: 'warn' });
		pin(this.#worker.pid, this.#cpus);
		this.#server = await this.#worker.createWebRtcServer({
			listenInfos: [
				{ protocol: 'udp', ip: '127.0.0.1', announcedAddress: '127.0.0.1', port: this.#port },
				{ protocol: 'tcp', ip: '127.0.0.1', announcedAddress: '127.0.0.1', port: this.#port },
			],
		});
	}

	pids(): number[] {
		return this.#worker ? [this.#worker.pid] : [];
	}

	async openRoom(): Promise<BenchRoom> {
		const worker = this.#worker;
		const server = this.#server;
		if (!worker || !server) throw new Error('not started');
		const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
		const gen = this.#gen;
		return {
			join: async (publish) => MsParticipant.join(gen, directSignal(router, server, gen.router.rtpCapabilities), publish),
			close: async () => router.close(),
		};
	}

	async stop(): Promise<void> {
		this.#worker?.close();
	}
}

function directSignal(router: types.Router, server: types.WebRtcServer, clientCaps: types.RtpCapabilities): MsSignal {
	const transports = new Map<string, types.WebRtcTransport>();
	const consumers = new Map<string, types.Consumer>();
	const get = (id: string) => {
		const t = transports.get(id);
		if (!t) throw new Error('no such transport');
		return t;
	};
	return {
		rtpCapabilities: router.rtpCapabilities,
		async createTransport() {
			const t = await router.createWebRtcTransport({
				webRtcServer: server, enableUdp: true, enableTcp: true, preferUdp: true,
				initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
			});
			transports.set(t.id, t);
			return t;
		},
		async connectTransport(id, dtlsParameters) {
			await get(id).connect({ dtlsParameters });
		},
		async produce(id, kind, rtpParameters) {
			return (await get(id).produce({ kind, rtpParameters })).id;
		},
		async consume(producerId) {
			const recv = [...transports.values()].at(-1);
			if (!recv) throw new Error('no recv transport');
			const c = await recv.consume({ producerId, rtpCapabilities: clientCaps, paused: true });
			consumers.set(c.id, c);
			return c;
		},
		async resumeConsumer(id) {
			await consumers.get(id)?.resume();
		},
		async close() {
			for (const t of transports.values()) t.close();
		},
	};
}
