import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Which leg of a relayed call seals: the caller's node's (B) or the hosting node's (A). */
export type SealSide = 'caller' | 'host';

/** Length of a relay key in bytes. */
export const SEAL_KEY_BYTES = 32;
/** Bytes a sealed packet has more than the plain one: version, nonce, tag. */
export const SEAL_OVERHEAD = 1 + 12 + 16;

// NOTE: the top two bits of the version byte are 00, so a sealed packet never parses as RTP or
// RTCP (version 2): a late packet of a former host is dropped as malformed, not played.
const VERSION = Buffer.from([0x01]);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SIDE_BYTE: Record<SealSide, number> = { caller: 1, host: 2 };
/** Packets a sealed one may arrive behind the newest and still be taken (SRTP's default, RFC 3711). */
const REPLAY_WINDOW = 64n;

/** A fresh random relay key. */
export function newSealKey(): Buffer {
	return randomBytes(SEAL_KEY_BYTES);
}

/**
 * One leg's end of the sealing of a relayed call's RTP between nodes (dial-in across nodes,
 * server/sip/CallRelay.ts): AES-256-GCM over the whole RTP packet, one key per hosted call.
 * A sealed packet is `version | nonce (12) | ciphertext | tag (16)`; the nonce is the sender's
 * side and its packet counter, so it never repeats under a key (each side has one sealer per
 * key), and open() takes each counter of the other side once: a captured packet replayed, or
 * one of ours sent back to us, is dropped (RTP itself would take a replayed DTMF press again).
 * Owned by its PhoneLeg; it holds no resources.
 */
export class RelaySeal {
	readonly #key: Buffer;
	readonly #mine: number;
	readonly #theirs: number;
	#sent = 0;
	/** Highest counter opened so far, and which of the REPLAY_WINDOW below it were (bit n = highest − n). */
	#highest = -1n;
	#seen = 0n;

	constructor(key: Buffer, side: SealSide) {
		if (key.length !== SEAL_KEY_BYTES) throw new RangeError('relay key must be 32 bytes');
		this.#key = key;
		this.#mine = SIDE_BYTE[side];
		this.#theirs = SIDE_BYTE[side === 'caller' ? 'host' : 'caller'];
	}

	/** Seals one RTP packet for the other side. */
	seal(packet: Buffer): Buffer {
		const nonce = Buffer.alloc(NONCE_BYTES);
		nonce[0] = this.#mine;
		nonce.writeBigUInt64BE(BigInt(this.#sent++), 4);
		const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
		cipher.setAAD(VERSION);
		const body = cipher.update(packet);
		cipher.final();
		return Buffer.concat([VERSION, nonce, body, cipher.getAuthTag()]);
	}

	/**
	 * The packet inside `sealed`; undefined for anything the other side did not seal with this
	 * key, that was changed, or that was opened before (or is older than the replay window).
	 */
	open(sealed: Buffer): Buffer | undefined {
		if (sealed.length < SEAL_OVERHEAD || sealed[0] !== VERSION[0]) return undefined;
		const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
		if (nonce[0] !== this.#theirs || nonce.readUIntBE(1, 3) !== 0) return undefined;
		const counter = nonce.readBigUInt64BE(4);
		if (!this.#fresh(counter)) return undefined;
		let body: Buffer;
		try {
			const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
			decipher.setAAD(VERSION);
			decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
			body = decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES));
			decipher.final();
		} catch {
			return undefined; // wrong key or changed bytes
		}
		this.#remember(counter); // only once it authenticated: forged counters move nothing
		return body;
	}

	#fresh(counter: bigint): boolean {
		if (counter > this.#highest) return true;
		const behind = this.#highest - counter;
		return behind < REPLAY_WINDOW && (this.#seen & (1n << behind)) === 0n;
	}

	#remember(counter: bigint): void {
		if (counter > this.#highest) {
			const shift = counter - this.#highest;
			this.#seen = shift >= REPLAY_WINDOW ? 1n : ((this.#seen << shift) | 1n) & ((1n << REPLAY_WINDOW) - 1n);
			this.#highest = counter;
		} else {
			this.#seen |= 1n << (this.#highest - counter);
		}
	}
}
