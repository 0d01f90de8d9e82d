import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;
const FINGERPRINT_XOR = 0x5354554e;

function attr(type: number, value: Buffer): Buffer {
	const pad = (4 - (value.length % 4)) % 4;
	const b = Buffer.alloc(4 + value.length + pad);
	b.writeUInt16BE(type, 0);
	b.writeUInt16BE(value.length, 2);
	value.copy(b, 4);
	return b;
}

/**
 * An ICE connectivity check (STUN Binding request, RFC 8445) as a controlling agent sends it:
 * USERNAME "remoteUfrag:localUfrag", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE (nominates),
 * MESSAGE-INTEGRITY keyed by the remote password, FINGERPRINT.
 */
export function bindingRequest(remoteUfrag: string, localUfrag: string, remotePassword: string): Buffer {
	const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
	const body = Buffer.concat([
		attr(0x0006, Buffer.from(`${remoteUfrag}:${localUfrag}`)),
		attr(0x0024, u32(0x6e0001ff)),
		attr(0x802a, randomBytes(8)),
		attr(0x0025, Buffer.alloc(0)),
	]);
	return sign(0x0001, randomBytes(12), body, remotePassword);
}

/** A Binding success response to `request` from `from`, keyed by our own ICE password. */
export function bindingSuccess(request: Buffer, from: { address: string; port: number }, localPassword: string): Buffer {
	const xor = Buffer.alloc(8);
	xor.writeUInt16BE(0x0001, 0);
	xor.writeUInt16BE(from.port ^ (MAGIC_COOKIE >>> 16), 2);
	const ip = from.address.split('.').reduce((a, o) => (a << 8) + Number(o), 0);
	xor.writeUInt32BE((ip ^ MAGIC_COOKIE) >>> 0, 4);
	return sign(0x0101, request.subarray(8, 20), attr(0x0020, xor), localPassword);
}

export function isBindingRequest(p: Buffer): boolean {
	return p.length >= 20 && p.readUInt16BE(0) === 0x0001 && p.readUInt32BE(4) === MAGIC_COOKIE;
}

function sign(type: number, transactionId: Buffer, body: Buffer, key: string): Buffer {
	const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
	const header = Buffer.alloc(20);
	header.writeUInt16BE(type, 0);
	header.writeUInt32BE(MAGIC_COOKIE, 4);
	transactionId.copy(header, 8);
	// MESSAGE-INTEGRITY covers the message with its length already counting the MI attribute.
	header.writeUInt16BE(body.length + 24, 2);
	const mi = createHmac('sha1', key).update(Buffer.concat([header, body])).digest();
	const withMi = Buffer.concat([header, body, attr(0x0008, mi)]);
	withMi.writeUInt16BE(body.length + 24 + 8, 2);
	const fp = (crc32(withMi) ^ FINGERPRINT_XOR) >>> 0;
	return Buffer.concat([withMi, attr(0x8028, u32(fp))]);
}
