import { describe, expect, it } from 'vitest';
import { readOffer } from './sdpOffer.js';

const sdp = (o: { c?: string; m?: string; extra?: string[] } = {}) => [
	'v=0', 'o=- 1 1 IN IP4 192.0.2.5', 's=-', ...(o.c === '' ? [] : [o.c ?? 'c=IN IP4 192.0.2.5']), 't=0 0',
	o.m ?? 'm=audio 4000 RTP/AVP 0 8 101', 'a=rtpmap:101 telephone-event/8000', ...(o.extra ?? []), '',
].join('\r\n');

describe('readOffer', () => {
	it('reads address, port, direction and codecs (static payload types without rtpmap included)', () => {
		expect(readOffer(sdp({ extra: ['a=sendonly'] }), 'ipv4')).toEqual({
			address: '192.0.2.5', port: 4000, direction: 'sendonly',
			codecs: [{ payloadType: 0, name: 'PCMU', rate: 8000 }, { payloadType: 8, name: 'PCMA', rate: 8000 }, { payloadType: 101, name: 'TELEPHONE-EVENT', rate: 8000 }],
		});
		expect(readOffer(sdp({ c: 'c=IN IP6 2001:db8::5' }), 'ipv6').address).toBe('2001:db8::5');
	});

	it('takes the session-level direction when the stream has none, and sendrecv without either', () => {
		const session = [...sdp().split('\r\n').slice(0, 4), 'a=inactive', ...sdp().split('\r\n').slice(4)].join('\r\n');
		expect(readOffer(session, 'ipv4').direction).toBe('inactive');
		expect(readOffer(sdp(), 'ipv4').direction).toBe('sendrecv');
	});

	it('takes c=0.0.0.0 (old-style hold) on either family', () => {
		expect(readOffer(sdp({ c: 'c=IN IP4 0.0.0.0' }), 'ipv6').address).toBe('0.0.0.0');
	});

	it.each([
		['a hostname as address', { c: 'c=IN IP4 phone.example.org' }],
		['no connection line', { c: '' }],
		['an IPv6 address for an IPv4 socket', { c: 'c=IN IP6 2001:db8::5' }],
		['a port above 65535', { m: 'm=audio 70000 RTP/AVP 0' }],
		['a payload type above 127', { m: 'm=audio 4000 RTP/AVP 0 300', extra: ['a=rtpmap:300 PCMU/8000'] }],
	])('refuses %s with PLN_SIP_BAD_SDP', (_what, o) => {
		expect(() => readOffer(sdp(o), 'ipv4')).toThrow(expect.objectContaining({ code: 'PLN_SIP_BAD_SDP' }));
	});

	it('an IPv4 address for an IPv6 socket is refused too', () => {
		expect(() => readOffer(sdp(), 'ipv6')).toThrow(expect.objectContaining({ code: 'PLN_SIP_BAD_SDP' }));
	});

	it('refuses an offer without an active audio stream with PLN_SIP_NO_AUDIO, and never throws anything uncoded', () => {
		expect(() => readOffer(sdp({ m: 'm=audio 0 RTP/AVP 0' }), 'ipv4')).toThrow(expect.objectContaining({ code: 'PLN_SIP_NO_AUDIO' }));
		expect(() => readOffer('garbage\r\n\u0000', 'ipv4')).toThrow(expect.objectContaining({ code: expect.stringMatching(/^PLN_SIP_/) }));
		expect(() => readOffer('', 'ipv4')).toThrow(expect.objectContaining({ code: 'PLN_SIP_NO_AUDIO' }));
	});
});
