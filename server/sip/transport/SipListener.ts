import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import { callerKey, scrubNumbers } from '../callerId.js';
import { StreamFramer, header, isResponse, methodOf, requestTarget, responseTarget, stampVia } from './sipText.js';

export type SipProtocol = 'udp' | 'tcp' | 'tls';
export type SipPeer = { address: string; port: number };

export type SipListenerEvents = {
	/** Each inbound message, numbers already scrubbed, Via stamped with the real source. */
	message: [text: string, from: SipPeer];
};

const MAX_MESSAGE_BYTES = 64 * 1024;
const FLOW_IDLE_MS = 60_000;

const key = (p: SipPeer) => `${p.address}|${p.port}`;

/**
 * The SIP socket(s) of the bridge: UDP, or a TCP/TLS server plus the connections peers opened.
 * sip.js hands us whole messages without a destination, so this routes them: responses by
 * their Via, in-dialog requests back along the call's flow (the peer's NAT binding or TCP
 * connection), others by Request-URI.
 */
export class SipListener extends TypedEmitter<SipListenerEvents> {
	readonly protocol: SipProtocol;
	readonly #udp: dgram.Socket | undefined;
	readonly #server: net.Server | undefined;
	readonly #conns = new Map<string, net.Socket>();
	// Call-ID → where the call's requests came from; IPs live here only while a call does.
	// `caller`: the keyed hash of the caller's number, until the bridge takes it.
	readonly #flows = new Map<string, { peer: SipPeer; pinned: boolean; at: number; caller: string | undefined }>();
	// Keys callerKey(); random per process and never leaves it.
	readonly #callerSecret = randomBytes(32);
	readonly #sweep: NodeJS.Timeout;
	#port = 0;
	#closed = false;

	private constructor(protocol: SipProtocol, udp: dgram.Socket | undefined, server: net.Server | undefined) {
		super();
		this.protocol = protocol;
		this.#udp = udp;
		this.#server = server;
		this.#sweep = setInterval(() => this.#sweepFlows(), FLOW_IDLE_MS).unref();
	}

	static async listen(o: { protocol: SipProtocol; host: string; port: number; tls?: { cert: Buffer; key: Buffer } }): Promise<SipListener> {
		if (o.protocol === 'udp') {
			const udp = dgram.createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
			const l = new SipListener('udp', udp, undefined);
			udp.on('message', (buf, rinfo) => l.#inbound(buf.toString('latin1'), { address: rinfo.address, port: rinfo.port }));
			udp.on('error', () => {}); // ICMP unreachable and the like: the transaction times out
			await new Promise<void>((ok, fail) => udp.once('error', fail).bind(o.port, o.host, () => ok()));
			l.#port = udp.address().port;
			return l;
		}
		const onConn = (sock: net.Socket) => l.#adopt(sock);
		const server = o.protocol === 'tls' ? tls.createServer({ cert: o.tls?.cert, key: o.tls?.key }, onConn) : net.createServer(onConn);
		const l = new SipListener(o.protocol, undefined, server);
		await new Promise<void>((ok, fail) => server.once('error', fail).listen(o.port, o.host, () => ok()));
		l.#port = (server.address() as net.AddressInfo).port;
		return l;
	}

	get port(): number {
		return this.#port;
	}

	#adopt(sock: net.Socket): void {
		const peer = { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0 };
		const framer = new StreamFramer(MAX_MESSAGE_BYTES);
		this.#conns.set(key(peer), sock);
		sock.setEncoding('latin1');
		sock.setTimeout(10 * 60_000, () => sock.destroy());
		sock.on('data', (chunk: string) => {
			try {
				for (const m of framer.push(chunk)) this.#inbound(m, peer);
			} catch {
				sock.destroy(); // garbage or oversize: this peer's problem only
			}
		});
		sock.on('error', () => {});
		sock.on('close', () => this.#conns.delete(key(peer)));
	}

	#inbound(raw: string, from: SipPeer): void {
		if (raw.length > MAX_MESSAGE_BYTES || !raw.includes('\r\n\r\n')) return; // keep-alives, junk
		let text = scrubNumbers(raw);
		if (!isResponse(text)) {
			text = stampVia(text, from);
			const callId = header(text, 'call-id');
			// The one use of the whole number: hashed from the raw text, which is then dropped.
			if (callId && methodOf(text) === 'INVITE' && !this.#flows.has(callId)) {
				this.#flows.set(callId, { peer: from, pinned: false, at: Date.now(), caller: callerKey(raw, this.#callerSecret) });
			}
		}
		this.safeEmit('message', text, from);
	}

	/** Where the INVITE of this call came from (for the allow-list). */
	sourceOf(callId: string): SipPeer | undefined {
		return this.#flows.get(callId)?.peer;
	}

	/**
	 * The keyed hash of this call's caller number (callerKey()), handed over once: the flow
	 * keeps it no longer than that.
	 */
	takeCallerKey(callId: string): string | undefined {
		const f = this.#flows.get(callId);
		const key = f?.caller;
		if (f) f.caller = undefined;
		return key;
	}

	/** Keeps a call's flow until forget(): the call was answered. */
	pin(callId: string): void {
		const f = this.#flows.get(callId);
		if (f) f.pinned = true;
	}

	forget(callId: string): void {
		this.#flows.delete(callId);
	}

	#sweepFlows(): void {
		const old = Date.now() - FLOW_IDLE_MS;
		for (const [id, f] of this.#flows) if (!f.pinned && f.at < old) this.#flows.delete(id);
	}

	/** Sends one message from sip.js to where it belongs; false when there is no route. */
	send(message: string): boolean {
		const callId = header(message, 'call-id');
		const flow = callId ? this.#flows.get(callId)?.peer : undefined;
		const to = isResponse(message) ? responseTarget(message) : (flow ?? requestTarget(message));
		if (!to) return false;
		if (this.#udp) {
			this.#udp.send(Buffer.from(message, 'latin1'), to.port, to.address);
			return true;
		}
		const sock = this.#conns.get(key(to)) ?? (flow ? this.#conns.get(key(flow)) : undefined);
		if (!sock || sock.destroyed) return false; // we never dial out over TCP: peers connect to us
		sock.write(message, 'latin1');
		return true;
	}

	/** Closes the socket(s) and every connection; idempotent (dgram throws on a second close). */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#sweep);
		this.#flows.clear();
		this.#udp?.close();
		for (const s of this.#conns.values()) s.destroy();
		this.#conns.clear();
		this.#server?.close();
	}
}
