/** RTP (RFC 3550) parse and build for the bridge's own audio legs, with the audio-level extension (RFC 6464). */

export interface RtpPacket {
	payloadType: number;
	marker: boolean;
	sequence: number;
	timestamp: number;
	ssrc: number;
	payload: Buffer;
	/** −dBov of the ssrc-audio-level extension (0 loudest … 127 silent), when present and asked for. */
	audioLevel?: number;
}

/** Parses a datagram; undefined for RTCP, padding-only or malformed input. */
export function parseRtp(buf: Buffer, audioLevelExtId?: number): RtpPacket | undefined {
	if (buf.length < 12 || buf[0]! >> 6 !== 2) return undefined;
	const pt = buf[1]! & 0x7f;
	if (pt >= 64 && pt <= 95) return undefined; // RTCP sharing the port (RFC 5761)
	const cc = buf[0]! & 0x0f;
	let offset = 12 + cc * 4;
	let audioLevel: number | undefined;
	if (buf[0]! & 0x10) {
		if (buf.length < offset + 4) return undefined;
		const profile = buf.readUInt16BE(offset);
		const words = buf.readUInt16BE(offset + 2);
		const extStart = offset + 4;
		offset = extStart + words * 4;
		if (buf.length < offset) return undefined;
		if (profile === 0xbede && audioLevelExtId !== undefined) audioLevel = readOneByteExt(buf, extStart, offset, audioLevelExtId);
	}
	let end = buf.length;
	if (buf[0]! & 0x20) end -= buf[buf.length - 1]!;
	if (end < offset) return undefined;
	return {
		payloadType: pt,
		marker: (buf[1]! & 0x80) !== 0,
		sequence: buf.readUInt16BE(2),
		timestamp: buf.readUInt32BE(4),
		ssrc: buf.readUInt32BE(8),
		payload: buf.subarray(offset, end),
		audioLevel,
	};
}

function readOneByteExt(buf: Buffer, start: number, end: number, id: number): number | undefined {
	let i = start;
	while (i < end) {
		const b = buf[i]!;
		if (b === 0) {
			i++; // padding
			continue;
		}
		const extId = b >> 4;
		const len = (b & 0x0f) + 1;
		if (extId === 15) return undefined;
		if (extId === id && i + 1 < end) return buf[i + 1]! & 0x7f;
		i += 1 + len;
	}
	return undefined;
}

/** Builds a packet; `audioLevel` adds the one-byte ssrc-audio-level extension. */
export function buildRtp(p: Omit<RtpPacket, 'audioLevel'> & { audioLevel?: { id: number; level: number; voice: boolean } }): Buffer {
	const ext = p.audioLevel ? 8 : 0;
	const out = Buffer.allocUnsafe(12 + ext + p.payload.length);
	out[0] = 0x80 | (ext ? 0x10 : 0);
	out[1] = (p.marker ? 0x80 : 0) | p.payloadType;
	out.writeUInt16BE(p.sequence & 0xffff, 2);
	out.writeUInt32BE(p.timestamp >>> 0, 4);
	out.writeUInt32BE(p.ssrc >>> 0, 8);
	if (p.audioLevel) {
		out.writeUInt16BE(0xbede, 12);
		out.writeUInt16BE(1, 14);
		out[16] = (p.audioLevel.id << 4) | 0; // one data byte
		out[17] = (p.audioLevel.voice ? 0x80 : 0) | Math.min(127, Math.max(0, Math.round(p.audioLevel.level)));
		out[18] = 0;
		out[19] = 0;
	}
	p.payload.copy(out, 12 + ext);
	return out;
}

/** RFC 6464 level of 16-bit PCM: −dBov, 0 (full scale) … 127 (silence). */
export function audioLevelOf(pcm: Int16Array): number {
	let sum = 0;
	for (const s of pcm) sum += s * s;
	const rms = Math.sqrt(sum / Math.max(1, pcm.length)) / 32768;
	if (rms <= 0) return 127;
	return Math.min(127, Math.max(0, Math.round(-20 * Math.log10(rms))));
}
