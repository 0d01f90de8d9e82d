import { EmitterImpl, type Transport, TransportState } from 'sip.js';
import type { SipListener } from './SipListener.js';

export type SipJsTransportOptions = { listener: SipListener };

/**
 * sip.js's Transport interface over our SipListener. sip.js ships only a WebSocket transport;
 * trunks speak UDP/TCP/TLS, which the listener provides. The Via protocol comes from here.
 */
export class SipJsTransport implements Transport {
	readonly protocol: string;
	readonly stateChange = new EmitterImpl<TransportState>();
	onConnect: (() => void) | undefined;
	onDisconnect: ((error?: Error) => void) | undefined;
	onMessage: ((message: string) => void) | undefined;
	#state = TransportState.Disconnected;
	readonly #listener: SipListener;
	readonly #forward = (text: string) => this.onMessage?.(text);

	constructor(_logger: unknown, options: SipJsTransportOptions) {
		this.#listener = options.listener;
		this.protocol = this.#listener.protocol.toUpperCase();
	}

	get state(): TransportState {
		return this.#state;
	}

	#set(state: TransportState): void {
		if (this.#state === state) return;
		this.#state = state;
		this.stateChange.emit(state);
	}

	async connect(): Promise<void> {
		this.#listener.on('message', this.#forward);
		this.#set(TransportState.Connected);
		this.onConnect?.();
	}

	async disconnect(): Promise<void> {
		this.#listener.off('message', this.#forward);
		this.#set(TransportState.Disconnected);
		this.onDisconnect?.();
	}

	async dispose(): Promise<void> {
		await this.disconnect();
	}

	isConnected(): boolean {
		return this.#state === TransportState.Connected;
	}

	async send(message: string): Promise<void> {
		if (!this.#listener.send(message)) throw new Error('no route for SIP message');
	}
}
