/** Telephone events (RFC 4733) to digits; each event is reported once, however often it is repeated. */

const DIGITS = '0123456789*#ABCD';

export class DtmfEvents {
	#last: { key: string; ended: boolean } | undefined;

	/**
	 * The digit of a telephone-event payload the first time its event is seen. An event repeats
	 * with one timestamp until its end packets (sent three times). A key press that starts again
	 * after its end with the same timestamp (replayed captures do that) counts as a new press.
	 */
	push(payload: Buffer, timestamp: number): string | undefined {
		if (payload.length < 4) return undefined;
		const digit = DIGITS[payload[0]!];
		if (digit === undefined) return undefined;
		const end = (payload[1]! & 0x80) !== 0;
		const key = `${timestamp}:${digit}`;
		const last = this.#last;
		if (last?.key === key && !(last.ended && !end)) {
			if (end) last.ended = true;
			return undefined;
		}
		this.#last = { key, ended: end };
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
