/** Telephone events (RFC 4733) to digits; each event is reported once, however often it is repeated. */

const DIGITS = '0123456789*#ABCD';

export class DtmfEvents {
	#last: string | undefined;

	/** The digit of a telephone-event payload the first time its event (RTP timestamp) is seen. */
	push(payload: Buffer, timestamp: number): string | undefined {
		if (payload.length < 4) return undefined;
		const digit = DIGITS[payload[0]!];
		// An event repeats (same timestamp) until it ends; a new key press is a new timestamp or digit.
		const key = `${timestamp}:${digit}`;
		if (digit === undefined || key === this.#last) return undefined;
		this.#last = key;
		return digit;
	}
}

/** A SIP INFO body (application/dtmf-relay `Signal=5`, or application/dtmf `5`) to a digit. */
export function digitOfInfo(contentType: string | undefined, body: string): string | undefined {
	const type = (contentType ?? '').toLowerCase();
	let d: string | undefined;
	if (type.startsWith('application/dtmf-relay')) d = /Signal\s*=\s*([0-9*#A-D])/i.exec(body)?.[1];
	else if (type.startsWith('application/dtmf')) d = /^\s*([0-9*#A-D])/i.exec(body)?.[1];
	return d?.toUpperCase();
}
