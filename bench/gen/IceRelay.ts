import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { bindingSuccess, isBindingRequest } from './stun.js';

const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * A UDP hop between a client transport of the generator and Janus, for publishers only.
 * Janus answers a publisher's offer as the controlled ICE agent and checks the client; the
 * generator's mediasoup worker (ICE-lite) cannot answer a controlled agent's check, so this
 * relay answers Janus's checks itself and forwards everything else both ways (including the
 * generator's nominating checks, which makes Janus's side controlled-but-nominated).
 * Owner: the Janus participant; close() with its transport.
 */
export class IceRelay {
	readonly #socket: Socket;
	readonly #client: { address: string; port: number };
	readonly #localPassword: string;
	#remote: RemoteInfo | undefined;

	private constructor(socket: Socket, client: { address: string; port: number }, localPassword: string) {
		this.#socket = socket;
		this.#client = client;
		this.#localPassword = localPassword;
		socket.on('message', (m, from) => this.#onMessage(m, from));
	}

	static async create(ip: string, client: { address: string; port: number }, localPassword: string): Promise<IceRelay> {
		// The bench process runs this hop: a big buffer, so its stalls do not turn into loss
		// charged to Janus (its drops count as the generator's: see Generator.ports).
		const socket = createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
		await new Promise<void>((ok) => socket.bind(0, ip, ok));
		return new IceRelay(socket, client, localPassword);
	}

	/** Where Janus listens (from its answer), so the generator's checks can go first. */
	setRemote(address: string, port: number): void {
		this.#remote ??= { address, port, family: 'IPv4', size: 0 };
	}

	get port(): number {
		return this.#socket.address().port;
	}

	#onMessage(m: Buffer, from: RemoteInfo): void {
		if (from.address === this.#client.address && from.port === this.#client.port) {
			if (this.#remote) this.#socket.send(m, this.#remote.port, this.#remote.address);
			return;
		}
		this.#remote = from;
		if (isBindingRequest(m)) this.#socket.send(bindingSuccess(m, from, this.#localPassword), from.port, from.address);
		else this.#socket.send(m, this.#client.port, this.#client.address);
	}

	close(): void {
		this.#socket.close();
	}
}
