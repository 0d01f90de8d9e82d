import WebSocket from 'ws';

/** What one ack carried, and how long it took. */
export interface AckResult {
	answer: unknown;
	ms: number;
}

/**
 * A socket.io connection spoken by hand (Engine.IO v4 over WebSocket), so a test can put any
 * frame on the wire: payload text that JSON.stringify never makes (`1e999` → Infinity, raw
 * `__proto__` keys, 30 000 levels of nesting that would overflow socket.io-client's own
 * encoder), binary attachments, broken packets. Acks are matched by id.
 */
export class RawEngineSocket {
	readonly #ws: WebSocket;
	readonly #acks = new Map<number, { sentAt: number; done: (r: AckResult | undefined) => void }>();
	#nextId = 0;
	#closed = false;
	readonly closedAt: Promise<void>;
	pushes = 0;
	/** The WebSocket close code and the last frame this side sent before it, for a failure message. */
	closeInfo: { code: number; lastSent: string } | undefined;
	#lastSent = '';

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		this.closedAt = new Promise((ok) => ws.once('close', () => ok()));
		ws.on('close', (code) => {
			this.#closed = true;
			this.closeInfo = { code, lastSent: this.#lastSent.slice(0, 160) };
			for (const a of this.#acks.values()) a.done(undefined);
			this.#acks.clear();
		});
	}

	/** Opens and connects to the main namespace; rejects if the server refuses. */
	static open(base: string, timeoutMs = 10_000): Promise<RawEngineSocket> {
		const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
		const s = new RawEngineSocket(ws);
		return new Promise((ok, fail) => {
			const timer = setTimeout(() => fail(new Error('socket.io connect timed out')), timeoutMs);
			ws.on('error', (err) => { clearTimeout(timer); fail(err); });
			ws.on('message', (raw, isBinary) => {
				if (isBinary) return;
				const text = raw.toString();
				if (text.startsWith('0{')) ws.send('40');
				else if (text.startsWith('40')) { clearTimeout(timer); ok(s); }
				else if (text === '2') ws.send('3'); // Engine.IO ping → pong
				else if (text.startsWith('42')) s.pushes++;
				else if (text.startsWith('43')) s.#onAck(text.slice(2));
			});
		});
	}

	get closed(): boolean {
		return this.#closed;
	}

	get pending(): number {
		return this.#acks.size;
	}

	/**
	 * Sends `42<id>["<event>",<payloadText>]` (payloadText verbatim; omitted if undefined);
	 * resolves with the ack, or undefined if the connection closed first.
	 */
	request(event: string, payloadText?: string, attachments: Buffer[] = []): Promise<AckResult | undefined> {
		if (this.#closed) return Promise.resolve(undefined);
		const id = this.#nextId++;
		const args = payloadText === undefined ? JSON.stringify(event) : `${JSON.stringify(event)},${payloadText}`;
		const head = attachments.length > 0 ? `45${attachments.length}-${id}` : `42${id}`;
		return new Promise((done) => {
			this.#acks.set(id, { sentAt: performance.now(), done });
			this.#lastSent = `${head}[${args}]`;
			this.#ws.send(this.#lastSent);
			for (const a of attachments) this.#ws.send(a);
		});
	}

	/** Any frame, as is (text or binary). */
	sendRaw(frame: string | Buffer): void {
		if (this.#closed) return;
		this.#lastSent = typeof frame === 'string' ? frame : `<binary ${frame.length}>`;
		this.#ws.send(frame);
	}

	close(): void {
		this.#ws.close();
	}

	#onAck(rest: string): void {
		const m = /^(\d+)(.*)$/s.exec(rest);
		if (!m) return;
		const id = Number(m[1]);
		const a = this.#acks.get(id);
		if (!a) return;
		this.#acks.delete(id);
		const args = JSON.parse(m[2] ?? '[]') as unknown[];
		a.done({ answer: args[0], ms: performance.now() - a.sentAt });
	}
}
