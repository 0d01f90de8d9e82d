import sdpTransform from 'sdp-transform';
import { z } from 'zod';
import { PlenumError } from '../shared/errors.js';

/** The SDP directions; a phone holds the call with sendonly or inactive. */
export const DirectionSchema = z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
export type Direction = z.infer<typeof DirectionSchema>;

/** The address family of the phone leg's socket: an offer must name an address it can send to. */
export type IpFamily = 'ipv4' | 'ipv6';

/** The old way to put a call on hold (RFC 2543): c=0.0.0.0, whatever the socket's family. */
export const HOLD_ADDRESS = '0.0.0.0';

/**
 * What the bridge reads of a phone's SDP, parsed, never cast (STYLE.md §6): an IP literal
 * (a hostname would make every RTP send a DNS lookup), a port, a direction, payload types.
 */
const OfferSchema = z.object({
	address: z.union([z.ipv4(), z.ipv6()]),
	port: z.number().int().min(1).max(65535),
	direction: DirectionSchema,
	codecs: z.array(z.object({ payloadType: z.number().int().min(0).max(127), name: z.string().max(64), rate: z.number().int().positive().optional() })).max(64),
});

/** A phone's offer (or answer) for its audio stream. */
export type SdpOffer = z.infer<typeof OfferSchema>;

/**
 * Reads the first active audio stream of `sdp`. Throws PLN_SIP_NO_AUDIO when there is none,
 * and PLN_SIP_BAD_SDP when its address is not an IP literal of `family` (or the hold
 * address), its port is out of 1–65535, its direction unknown or its payload types invalid.
 */
export function readOffer(sdp: string, family: IpFamily): SdpOffer {
	let session: sdpTransform.SessionDescription;
	try {
		session = sdpTransform.parse(sdp);
	} catch (cause) {
		throw new PlenumError('PLN_SIP_BAD_SDP', { cause });
	}
	const audio = (session.media ?? []).find((m) => m.type === 'audio' && m.port !== 0);
	if (!audio) throw new PlenumError('PLN_SIP_NO_AUDIO');
	const order = String(audio.payloads ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
	const codecs: Array<{ payloadType: number; name: string; rate: number | undefined }> = (audio.rtp ?? []).map((r) => ({ payloadType: r.payload, name: r.codec.toUpperCase(), rate: r.rate }));
	// Static payload types may come without a=rtpmap.
	for (const pt of order) {
		if ((pt === 0 || pt === 8) && !codecs.some((c) => c.payloadType === pt)) codecs.push({ payloadType: pt, name: pt === 0 ? 'PCMU' : 'PCMA', rate: 8000 });
	}
	codecs.sort((a, b) => order.indexOf(a.payloadType) - order.indexOf(b.payloadType));
	const parsed = OfferSchema.safeParse({
		address: audio.connection?.ip ?? session.connection?.ip,
		port: audio.port,
		direction: audio.direction ?? session.direction ?? 'sendrecv',
		codecs,
	});
	if (!parsed.success) throw new PlenumError('PLN_SIP_BAD_SDP', { cause: parsed.error });
	const offer = parsed.data;
	if (offer.address !== HOLD_ADDRESS && familyOf(offer.address) !== family) throw new PlenumError('PLN_SIP_BAD_SDP');
	return offer;
}

function familyOf(address: string): IpFamily {
	return address.includes(':') ? 'ipv6' : 'ipv4';
}
