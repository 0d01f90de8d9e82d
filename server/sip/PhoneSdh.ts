import sdpTransform from 'sdp-transform';
import type { BodyAndContentType, SessionDescriptionHandler } from 'sip.js';
import { PlenumError } from '../shared/errors.js';
import { type PhoneCodecName, PhoneLeg, type PhoneLegParams } from './rtp/PhoneLeg.js';

/** What we offer or accept, in our order of preference when we make the offer. */
const CODECS: Array<{ name: PhoneCodecName; payloadType: number }> = [
	{ name: 'PCMA', payloadType: 8 },
	{ name: 'PCMU', payloadType: 0 },
];
const DTMF_PT = 101;
const PTIME_MS = 20;

export type RtpSettings = { listenIp: string; announcedIp: string; portMin: number; portMax: number };

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const MIRROR: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

/**
 * sip.js's SessionDescriptionHandler for Node: plain RTP/AVP with G.711 and telephone-event,
 * answered from (or offered on) one PhoneLeg. Hold is a re-INVITE with sendonly/inactive:
 * we answer recvonly/inactive and stop sending.
 */
export class PhoneSdh implements SessionDescriptionHandler {
	readonly #rtp: RtpSettings;
	#leg: Promise<PhoneLeg> | undefined;
	#answer: { codec: PhoneLegParams['codec']; dtmfPayloadType: number | undefined; direction: Direction } | undefined;
	#version = 0;
	readonly #sessionId = String(Date.now());

	constructor(rtp: RtpSettings) {
		this.#rtp = rtp;
	}

	/** The RTP leg, bound on first use. */
	leg(): Promise<PhoneLeg> {
		this.#leg ??= PhoneLeg.open(this.#rtp.listenIp, this.#rtp.portMin, this.#rtp.portMax);
		return this.#leg;
	}

	async setDescription(sdp: string): Promise<void> {
		const session = sdpTransform.parse(sdp);
		const audio = session.media.find((m) => m.type === 'audio' && m.port !== 0);
		if (!audio) throw new PlenumError('PLN_SIP_NO_AUDIO');
		const offered = audio.rtp.map((r) => ({ pt: r.payload, name: r.codec.toUpperCase(), rate: r.rate }));
		// Static payload types may come without a=rtpmap.
		for (const pt of String(audio.payloads ?? '').split(' ').map(Number)) {
			if ((pt === 0 || pt === 8) && !offered.some((o) => o.pt === pt)) offered.push({ pt, name: pt === 0 ? 'PCMU' : 'PCMA', rate: 8000 });
		}
		const order = String(audio.payloads ?? '').split(' ').map(Number);
		offered.sort((a, b) => order.indexOf(a.pt) - order.indexOf(b.pt));
		const chosen = this.#answer?.codec ? offered.find((o) => o.pt === this.#answer?.codec.payloadType) : undefined;
		const pick = chosen ?? offered.find((o) => (o.name === 'PCMU' || o.name === 'PCMA') && (o.rate ?? 8000) === 8000);
		if (!pick) throw new PlenumError('PLN_SIP_NO_CODEC');
		const dtmf = offered.find((o) => o.name === 'TELEPHONE-EVENT' && o.rate === 8000);
		const address = audio.connection?.ip ?? session.connection?.ip ?? '0.0.0.0';
		const theirs = (audio.direction ?? session.direction ?? 'sendrecv') as Direction;
		const onHold = address === '0.0.0.0' ? 'inactive' : theirs;
		this.#answer = { codec: { name: pick.name as PhoneCodecName, payloadType: pick.pt }, dtmfPayloadType: dtmf?.pt, direction: MIRROR[onHold] };
		const leg = await this.leg();
		leg.configure({
			remote: { address, port: audio.port },
			codec: this.#answer.codec,
			dtmfPayloadType: dtmf?.pt,
			send: onHold === 'sendrecv' || onHold === 'recvonly',
			receive: onHold === 'sendrecv' || onHold === 'sendonly',
		});
	}

	/** Our answer to the last offer, or an offer of our own (INVITE without SDP). */
	async getDescription(): Promise<BodyAndContentType> {
		const leg = await this.leg();
		const ip = this.#rtp.announcedIp;
		const codecs = this.#answer ? [this.#answer.codec] : CODECS;
		const dtmfPt = this.#answer ? this.#answer.dtmfPayloadType : DTMF_PT;
		const pts = [...codecs.map((c) => c.payloadType), ...(dtmfPt === undefined ? [] : [dtmfPt])];
		const lines = [
			'v=0',
			`o=plenum ${this.#sessionId} ${this.#version++} IN IP4 ${ip}`,
			's=Plenum',
			`c=IN IP4 ${ip}`,
			't=0 0',
			`m=audio ${leg.port} RTP/AVP ${pts.join(' ')}`,
			...codecs.map((c) => `a=rtpmap:${c.payloadType} ${c.name}/8000`),
			...(dtmfPt === undefined ? [] : [`a=rtpmap:${dtmfPt} telephone-event/8000`, `a=fmtp:${dtmfPt} 0-16`]),
			`a=ptime:${PTIME_MS}`,
			`a=${this.#answer?.direction ?? 'sendrecv'}`,
		];
		return { body: `${lines.join('\r\n')}\r\n`, contentType: 'application/sdp' };
	}

	hasDescription(contentType: string): boolean {
		return contentType === 'application/sdp';
	}

	async rollbackDescription(): Promise<void> {}

	sendDtmf(): boolean {
		return false; // the bridge never sends DTMF to phones
	}

	close(): void {
		void this.#leg?.then((l) => l.close(), () => {});
	}
}
