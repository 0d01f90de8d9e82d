import type { BodyAndContentType, SessionDescriptionHandler } from 'sip.js';
import { z } from 'zod';
import { PlenumError } from '../shared/errors.js';
import { type PhoneCodecName, PhoneLeg, type PhoneLegParams } from './rtp/PhoneLeg.js';
import { type Direction, HOLD_ADDRESS, type IpFamily, readOffer } from './sdpOffer.js';

/** What we offer or accept, in our order of preference when we make the offer. */
const CODECS: Array<{ name: PhoneCodecName; payloadType: number }> = [
	{ name: 'PCMA', payloadType: 8 },
	{ name: 'PCMU', payloadType: 0 },
];
const DTMF_PT = 101;
const PTIME_MS = 20;

export type RtpSettings = { listenIp: string; announcedIp: string; portMin: number; portMax: number };

/** The address family of the RTP socket bound on `listenIp`, which offers must match. */
export function ipFamilyOf(listenIp: string): IpFamily {
	return listenIp.includes(':') ? 'ipv6' : 'ipv4';
}

const CodecNameSchema = z.enum(['PCMA', 'PCMU']) satisfies z.ZodType<PhoneCodecName>;
const PHONE_CODECS = new Set<string>(CodecNameSchema.options);
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

	/** The family of the leg's socket (PhoneLeg.open binds udp6 for an IPv6 listen address). */
	get #family(): IpFamily {
		return ipFamilyOf(this.#rtp.listenIp);
	}

	/** The RTP leg, bound on first use. */
	leg(): Promise<PhoneLeg> {
		this.#leg ??= PhoneLeg.open(this.#rtp.listenIp, this.#rtp.portMin, this.#rtp.portMax);
		return this.#leg;
	}

	async setDescription(sdp: string): Promise<void> {
		const offer = readOffer(sdp, this.#family);
		const chosen = this.#answer ? offer.codecs.find((o) => o.payloadType === this.#answer?.codec.payloadType) : undefined;
		const pick = chosen ?? offer.codecs.find((o) => (o.rate ?? 8000) === 8000 && PHONE_CODECS.has(o.name));
		const name = pick ? CodecNameSchema.safeParse(pick.name) : undefined;
		if (!pick || !name?.success) throw new PlenumError('PLN_SIP_NO_CODEC');
		const dtmf = offer.codecs.find((o) => o.name === 'TELEPHONE-EVENT' && o.rate === 8000);
		const onHold: Direction = offer.address === HOLD_ADDRESS ? 'inactive' : offer.direction;
		this.#answer = { codec: { name: name.data, payloadType: pick.payloadType }, dtmfPayloadType: dtmf?.payloadType, direction: MIRROR[onHold] };
		const leg = await this.leg();
		leg.configure({
			remote: { address: offer.address, port: offer.port },
			codec: this.#answer.codec,
			dtmfPayloadType: dtmf?.payloadType,
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
