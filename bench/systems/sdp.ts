import type { types } from 'mediasoup';

/** One m-line of a remote SDP, as far as the bench needs it. */
export interface SdpMedia {
	kind: 'audio' | 'video';
	mid: string;
	payloadTypes: number[];
	rtpmap: Map<number, { name: string; clockRate: number; channels?: number }>;
	fmtp: Map<number, string>;
	ssrcs: number[];
	direction: string;
}

export interface SdpSummary {
	ufrag: string;
	pwd: string;
	fingerprint: types.DtlsFingerprint;
	/** Address and UDP port of the first loopback (127.x) host candidate. */
	address: string;
	port: number;
	media: SdpMedia[];
}

/** Reads ICE credentials, fingerprint, the loopback candidate and the m-lines of an SDP. */
export function parseSdp(sdp: string): SdpSummary {
	let ufrag = '';
	let pwd = '';
	let fingerprint: types.DtlsFingerprint | undefined;
	let port = 0;
	let address = '';
	const media: SdpMedia[] = [];
	for (const line of sdp.split(/\r?\n/)) {
		const m = media.at(-1);
		if (line.startsWith('m=')) {
			const [kind, , , ...pts] = line.slice(2).split(' ');
			media.push({ kind: kind as 'audio' | 'video', mid: '', payloadTypes: pts.map(Number), rtpmap: new Map(), fmtp: new Map(), ssrcs: [], direction: 'sendrecv' });
		} else if (line.startsWith('a=ice-ufrag:')) ufrag = line.slice(12);
		else if (line.startsWith('a=ice-pwd:')) pwd = line.slice(10);
		else if (line.startsWith('a=fingerprint:')) {
			const [algorithm, value] = line.slice(14).split(' ');
			fingerprint = { algorithm: algorithm as types.FingerprintAlgorithm, value: value! };
		} else if (line.startsWith('a=candidate:')) {
			const f = line.split(' ');
			if (!port && f[2]?.toLowerCase() === 'udp' && isBenchAddress(f[4])) {
				address = f[4];
				port = Number(f[5]);
			}
		} else if (m && line.startsWith('a=mid:')) m.mid = line.slice(6);
		else if (m && line.startsWith('a=rtpmap:')) {
			const [pt, codec] = line.slice(9).split(' ');
			const [name, rate, ch] = codec!.split('/');
			m.rtpmap.set(Number(pt), { name: name!, clockRate: Number(rate), ...(ch ? { channels: Number(ch) } : {}) });
		} else if (m && line.startsWith('a=fmtp:')) {
			const i = line.indexOf(' ');
			m.fmtp.set(Number(line.slice(7, i)), line.slice(i + 1));
		} else if (m && line.startsWith('a=ssrc:')) {
			const ssrc = Number(line.slice(7).split(' ')[0]);
			if (!m.ssrcs.includes(ssrc)) m.ssrcs.push(ssrc);
		} else if (m && /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) m.direction = line.slice(2);
	}
	if (!fingerprint || !ufrag || !pwd || !port) throw new Error('SDP lacks ICE/DTLS parameters or a UDP candidate on the bench addresses');
	return { ufrag, pwd, fingerprint, address, port, media };
}

/** Our side of a session (the generator's client transport) for an SDP we write. */
export interface LocalSide {
	address: string;
	ufrag: string;
	pwd: string;
	fingerprint: types.DtlsFingerprint;
	port: number;
}

// ICE-lite: the generator's worker answers checks; Janus, a full agent, controls.
function sessionLines(sdpMids: string[]): string[] {
	return ['v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${sdpMids.join(' ')}`, 'a=ice-lite', 'a=msid-semantic: WMS *'];
}

function transportLines(local: LocalSide): string[] {
	return [
		`c=IN IP4 ${local.address}`, 'a=rtcp-mux', `a=ice-ufrag:${local.ufrag}`, `a=ice-pwd:${local.pwd}`,
		`a=fingerprint:${local.fingerprint.algorithm} ${local.fingerprint.value}`, 'a=setup:active',
		`a=candidate:1 1 udp 2130706431 ${local.address} ${local.port} typ host`, 'a=end-of-candidates',
	];
}

/** A send-only offer for the tracks the generator's consumers carry (their mids, PTs, SSRCs). */
export function publishOffer(local: LocalSide, tracks: types.RtpParameters[], kinds: Array<'audio' | 'video'>): string {
	const lines = sessionLines(tracks.map((t) => t.mid!));
	for (const [i, t] of tracks.entries()) {
		const codecs = t.codecs;
		lines.push(`m=${kinds[i]} 9 UDP/TLS/RTP/SAVPF ${codecs.map((c) => c.payloadType).join(' ')}`, ...transportLines(local), `a=mid:${t.mid}`, 'a=sendonly');
		for (const c of codecs) {
			const [, name] = c.mimeType.split('/');
			lines.push(`a=rtpmap:${c.payloadType} ${name}/${c.clockRate}${c.channels ? `/${c.channels}` : ''}`);
			const fmtp = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(';');
			if (fmtp) lines.push(`a=fmtp:${c.payloadType} ${fmtp}`);
		}
		for (const h of t.headerExtensions ?? []) lines.push(`a=extmap:${h.id} ${h.uri}`);
		const enc = t.encodings?.[0];
		if (enc?.rtx) lines.push(`a=ssrc-group:FID ${enc.ssrc} ${enc.rtx.ssrc}`, `a=ssrc:${enc.rtx.ssrc} cname:bench`);
		if (enc?.ssrc) lines.push(`a=ssrc:${enc.ssrc} cname:bench`);
	}
	return `${lines.join('\r\n')}\r\n`;
}

/** A receive-only answer accepting each offered m-line's first codec, no header extensions. */
export function subscribeAnswer(local: LocalSide, offer: SdpSummary): string {
	const lines = sessionLines(offer.media.map((m) => m.mid));
	for (const m of offer.media) {
		const pt = m.payloadTypes[0]!;
		const codec = m.rtpmap.get(pt)!;
		lines.push(`m=${m.kind} 9 UDP/TLS/RTP/SAVPF ${pt}`, ...transportLines(local), `a=mid:${m.mid}`, 'a=recvonly',
			`a=rtpmap:${pt} ${codec.name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`);
		const fmtp = m.fmtp.get(pt);
		if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
	}
	return `${lines.join('\r\n')}\r\n`;
}

/** rtpParameters for a generator producer that receives one offered m-line. */
export function receiveParameters(m: SdpMedia): types.RtpParameters {
	const pt = m.payloadTypes[0]!;
	const c = m.rtpmap.get(pt)!;
	const mimeType = `${m.kind}/${c.name}`;
	const parameters = Object.fromEntries((m.fmtp.get(pt) ?? '').split(';').filter(Boolean).map((kv) => {
		const [k, v] = kv.split('=');
		return [k!.trim(), Number.isNaN(Number(v)) ? v : Number(v)];
	}));
	return {
		codecs: [{ mimeType, payloadType: pt, clockRate: c.clockRate, ...(c.channels ? { channels: c.channels } : {}), parameters, rtcpFeedback: [] }],
		encodings: [{ ssrc: m.ssrcs[0]! }],
		headerExtensions: [],
		rtcp: { cname: 'bench' },
	};
}

/** Loopback, or the address the bench gives Janus inside its own network namespace (see netns.ts). */
export function isBenchAddress(ip: string | undefined): ip is string {
	return !!ip && (ip.startsWith('127.') || ip === JANUS_ADDRESS);
}

export const JANUS_ADDRESS = '10.255.77.1';
