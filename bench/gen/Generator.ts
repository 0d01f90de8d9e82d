import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../sfu-workers/mediaCodecs.js';
import { workerBinary } from '../../sfu-workers/workerBinary.js';
import { killOnExit, pin, pinned } from '../lib/proc.js';
import { bindingRequest } from './stun.js';

/** What a remote WebRTC endpoint (the SFU's side of one transport) tells a client. */
export interface RemoteEndpoint {
	iceParameters: { usernameFragment: string; password: string };
	/** Loopback address (127.x) and UDP port where the SFU's side listens. */
	address: string;
	port: number;
	fingerprints: types.DtlsFingerprint[];
}

const CONSENT_INTERVAL_MS = 4_000;
const DTLS_TIMEOUT_MS = 30_000;
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * The load generator's client side: its own mediasoup worker (same binary as the SFU's) whose
 * WebRtcTransports play the browsers. Real ICE checks, DTLS and SRTP reach the SFU. Both ends
 * are ICE-lite, so this class is the controlling ICE agent: it sends the checks from each
 * transport's own port (raw socket, spoof.py). Against a full ICE agent (Janus) the
 * generator declares itself ICE-lite and the SFU checks it. Pinned to the generator's CPU.
 */
export class Generator {
	readonly worker: types.Worker;
	readonly router: types.Router;
	readonly direct: types.DirectTransport;
	readonly #spoof: ChildProcess;
	readonly #checks = new Map<string, () => void>();
	readonly #timer: NodeJS.Timeout;
	/** UDP ports of the generator's sockets: client transports and ffmpeg inputs (to tell their kernel drops from the SFU's). */
	readonly ports = new Set<number>();
	/** Client transports that lost ICE consent or DTLS after connecting (should stay 0). */
	iceDisconnects = 0;

	private constructor(worker: types.Worker, router: types.Router, direct: types.DirectTransport, spoof: ChildProcess) {
		this.worker = worker;
		this.router = router;
		this.direct = direct;
		this.#spoof = spoof;
		this.#timer = setInterval(() => { for (const f of this.#checks.values()) f(); }, CONSENT_INTERVAL_MS);
	}

	static async create(cpus: string): Promise<Generator> {
		const worker = await mediasoup.createWorker({ workerBin: workerBinary(), logLevel: 'error' });
		pin(worker.pid, cpus);
		const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
		const direct = await router.createDirectTransport();
		const script = fileURLToPath(new URL('./spoof.py', import.meta.url));
		const spoof = killOnExit(spawn(...pinned(cpus, ['python3', '-u', script]), { stdio: ['pipe', 'ignore', 'inherit'] }));
		spoof.once('exit', (code) => { if (code !== null) console.error(`ICE check sender exited with ${code}`); });
		return new Generator(worker, router, direct, spoof);
	}

	/** A client transport with its own UDP port (as a browser has), on 127.0.0.1 unless told. */
	async transport(ip = '127.0.0.1'): Promise<types.WebRtcTransport> {
		const t = await this.router.createWebRtcTransport({
			// A big receive buffer: a receiver that is briefly descheduled on this shared machine
			// should not turn into loss charged to the SFU (rmem_max here is 4 MiB).
			listenInfos: [{ protocol: 'udp', ip, portRange: { min: 49000, max: 59999 }, recvBufferSize: RECV_BUFFER_BYTES }],
			enableUdp: true,
			enableTcp: false,
		});
		const port = t.iceCandidates[0]!.port;
		this.ports.add(port);
		t.observer.once('close', () => this.ports.delete(port));
		return t;
	}

	/** Our DTLS parameters for the SFU: we are the DTLS client. */
	static dtlsOf(t: types.WebRtcTransport): types.DtlsParameters {
		return { role: 'client', fingerprints: t.dtlsParameters.fingerprints };
	}

	/**
	 * Connects `t` to the remote endpoint (whose side must already know our DTLS parameters):
	 * ICE checks both ways, then waits for DTLS. Checks repeat for consent until `t` closes.
	 */
	async connect(t: types.WebRtcTransport, remote: RemoteEndpoint, opts: { remoteChecks?: boolean } = {}): Promise<void> {
		await t.connect({ dtlsParameters: { role: 'server', fingerprints: remote.fingerprints } });
		const local = t.iceParameters;
		const { address: localIp, port: localPort } = t.iceCandidates[0]!;
		const toClient = () => this.#send(remote.address, remote.port, localIp, localPort, bindingRequest(local.usernameFragment, remote.iceParameters.usernameFragment, local.password));
		// The SFU must know our tuple before our worker's DTLS ClientHello reaches it. Sending our
		// check first is enough: both leave one raw socket in order, and the ClientHello that the
		// second one triggers queues behind the first at the SFU's socket. (A fixed wait here was
		// added to every join time measured against the mediasoup-based systems.)
		const check = () => {
			this.#send(localIp, localPort, remote.address, remote.port, bindingRequest(remote.iceParameters.usernameFragment, local.usernameFragment, remote.iceParameters.password));
			toClient();
		};
		// A full ICE agent (Janus) checks us itself, but keeps the path alive with indications,
		// which do not count as consent for our worker: renew it on its behalf.
		this.#checks.set(t.id, opts.remoteChecks ? toClient : check);
		t.observer.once('close', () => this.#checks.delete(t.id));
		const connected = new Promise<void>((ok, fail) => {
			const timer = setTimeout(() => fail(new Error('DTLS did not connect')), DTLS_TIMEOUT_MS);
			t.on('dtlsstatechange', (s) => {
				if (s === 'connected') { clearTimeout(timer); ok(); }
				if (s === 'failed' || s === 'closed') { clearTimeout(timer); fail(new Error(`DTLS ${s}`)); }
			});
		});
		if (!opts.remoteChecks) check();
		await connected;
		t.on('icestatechange', (s) => { if (s === 'disconnected') this.iceDisconnects++; });
		// Not 'closed': the SFU closes DTLS when a participant leaves, which is no loss.
		t.on('dtlsstatechange', (s) => { if (s === 'failed') this.iceDisconnects++; });
	}

	#send(srcIp: string, src: number, dstIp: string, dst: number, payload: Buffer): void {
		this.#spoof.stdin?.write(`${srcIp} ${src} ${dstIp} ${dst} ${payload.toString('hex')}\n`);
	}

	close(): void {
		clearInterval(this.#timer);
		this.#spoof.kill('SIGKILL');
		this.worker.close();
	}
}
