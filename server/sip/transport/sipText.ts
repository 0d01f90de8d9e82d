/** The few header reads the transport needs before sip.js parses a message. */

const COMPACT: Record<string, string> = { via: 'v', 'call-id': 'i', 'content-length': 'l' };

/** First value of a header (long or compact name), or undefined. */
export function header(message: string, name: string): string | undefined {
	const lower = name.toLowerCase();
	const compact = COMPACT[lower];
	const end = message.indexOf('\r\n\r\n');
	const head = end < 0 ? message : message.slice(0, end);
	for (const line of head.split('\r\n').slice(1)) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const n = line.slice(0, colon).trim().toLowerCase();
		if (n === lower || n === compact) return line.slice(colon + 1).trim();
	}
	return undefined;
}

export function isResponse(message: string): boolean {
	return message.startsWith('SIP/2.0 ');
}

/** 'INVITE', 'BYE', … for a request; undefined for a response. */
export function methodOf(message: string): string | undefined {
	return isResponse(message) ? undefined : message.slice(0, message.indexOf(' '));
}

/** host and port of a request's Request-URI (default port 5060). */
export function requestTarget(message: string): { address: string; port: number } | undefined {
	const uri = message.slice(0, message.indexOf('\r\n')).split(' ')[1] ?? '';
	const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/i.exec(uri);
	if (!m?.[1]) return undefined;
	return { address: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 5060 };
}

/** Where a response goes: the top Via's received/rport, else its sent-by (RFC 3261 18.2.2, RFC 3581). */
export function responseTarget(message: string): { address: string; port: number } | undefined {
	const via = header(message, 'via')?.split(',')[0];
	if (!via) return undefined;
	const m = /^SIP\/2\.0\/\w+\s+(\[[^\]]+\]|[^:;\s]+)(?::(\d+))?(.*)$/i.exec(via);
	if (!m?.[1]) return undefined;
	const params = m[3] ?? '';
	const received = /;received=([^;\s]+)/i.exec(params)?.[1];
	const rport = /;rport=(\d+)/i.exec(params)?.[1];
	return { address: received ?? m[1].replace(/^\[|\]$/g, ''), port: Number(rport ?? m[2] ?? 5060) };
}

/** Stamps the top Via of an inbound request with where it really came from (NAT). */
export function stampVia(message: string, from: { address: string; port: number }): string {
	return message.replace(/^(Via|v)(\s*:\s*)([^\r,]*)/im, (_all, name: string, sep: string, value: string) => {
		const clean = value.replace(/;rport(=\d*)?/i, '').replace(/;received=[^;\s]*/i, '');
		return `${name}${sep}${clean};received=${from.address};rport=${from.port}`;
	});
}

/** Splits a TCP byte stream into SIP messages by Content-Length (RFC 3261 18.3). */
export class StreamFramer {
	#buf = '';
	readonly #maxBytes: number;

	constructor(maxBytes: number) {
		this.#maxBytes = maxBytes;
	}

	/** Adds bytes; returns the complete messages. Throws when a message grows too large. */
	push(chunk: string): string[] {
		this.#buf += chunk;
		const out: string[] = [];
		for (;;) {
			this.#buf = this.#buf.replace(/^(\r\n)+/, ''); // keep-alive pings
			const end = this.#buf.indexOf('\r\n\r\n');
			if (end < 0) break;
			const length = Number(header(this.#buf.slice(0, end + 4), 'content-length') ?? 0);
			if (!Number.isInteger(length) || length < 0) throw new Error('bad Content-Length');
			const total = end + 4 + length;
			if (total > this.#maxBytes) throw new Error('SIP message too large');
			if (this.#buf.length < total) break;
			out.push(this.#buf.slice(0, total));
			this.#buf = this.#buf.slice(total);
		}
		if (this.#buf.length > this.#maxBytes) throw new Error('SIP message too large');
		return out;
	}
}
