import { describe, expect, it } from 'vitest';
import { bisectStep, largestPassing, lossFraction, percentile, ratio, slope, spread } from './stats.js';
import { bindingRequest, bindingSuccess, isBindingRequest } from '../gen/stun.js';
import { parseSdp, receiveParameters } from '../systems/sdp.js';

describe('bench statistics', () => {
	it('percentile interpolates between ranks and ignores input order', () => {
		expect(percentile([3, 1, 2, 4], 50)).toBe(2.5);
		expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
		expect(percentile([7], 99)).toBe(7);
		expect(percentile([], 50)).toBeNaN();
	});

	it('spread gives median and range, leaving failed (NaN) runs out', () => {
		expect(spread([5, Number.NaN, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
		expect(spread([Number.NaN]).n).toBe(0);
	});

	it('slope is the marginal cost: a fixed cost and point order do not change it', () => {
		const cost = (x: number) => 0.05 + 0.004 * x;
		expect(slope([300, 100, 200].map((x) => ({ x, y: cost(x) })))).toBeCloseTo(0.004);
		expect(slope([{ x: 100, y: 1 }])).toBeNaN();
		expect(slope([{ x: 100, y: 1 }, { x: 100, y: 2 }])).toBeNaN();
	});

	it('ratio and loss never divide by zero', () => {
		expect(ratio(3, 2)).toBe(1.5);
		expect(ratio(1, 0)).toBeNaN();
		expect(lossFraction(1000, 990)).toBeCloseTo(0.01);
		expect(lossFraction(0, 0)).toBe(0);
		expect(lossFraction(100, 105)).toBe(0);
	});

	it('the ramp answer is the last step before the first one at or over the loss limit', () => {
		const steps = [{ consumers: 100, loss: 0 }, { consumers: 200, loss: 0.02 }, { consumers: 300, loss: 0 }];
		expect(largestPassing(steps, (s) => s.loss < 0.01)?.consumers).toBe(100);
		expect(largestPassing([{ consumers: 50, loss: 0.5 }], (s) => s.loss < 0.01)).toBeUndefined();
	});

	it('refined steps count in order of consumers, not of measurement', () => {
		const steps = [{ consumers: 200, loss: 0 }, { consumers: 400, loss: 0.2 }, { consumers: 300, loss: 0 }, { consumers: 350, loss: 0.05 }, { consumers: 324, loss: 0.001 }];
		expect(largestPassing(steps, (s) => s.loss < 0.01)?.consumers).toBe(324);
	});

	it('bisection stays on the participant grid and stops when the gap is small', () => {
		expect(bisectStep(300, 400, 2, 20)).toBe(350);
		expect(bisectStep(300, 351, 2, 20)).toBe(326);
		expect(bisectStep(300, 318, 2, 20)).toBeUndefined();
		expect(bisectStep(10, 12, 2, 0)).toBeUndefined(); // no grid point strictly between
	});
});

describe('bench ICE and SDP helpers', () => {
	it('a binding request carries USERNAME, USE-CANDIDATE, integrity and fingerprint', () => {
		const req = bindingRequest('remote', 'local', 'pwd');
		expect(isBindingRequest(req)).toBe(true);
		expect(req.readUInt16BE(2)).toBe(req.length - 20);
		expect(req.includes(Buffer.from('remote:local'))).toBe(true);
		const res = bindingSuccess(req, { address: '127.0.0.1', port: 5000 }, 'pwd');
		expect(res.readUInt16BE(0)).toBe(0x0101);
		expect(res.subarray(8, 20)).toEqual(req.subarray(8, 20));
	});

	it('reads a Janus-style offer: credentials, loopback candidate, codecs and SSRCs', () => {
		const sdp = ['v=0', 'a=ice-ufrag:ab', 'a=ice-pwd:cdef', 'a=fingerprint:sha-256 AA:BB',
			'm=video 9 UDP/TLS/RTP/SAVPF 101', 'a=mid:v0', 'a=rtpmap:101 VP8/90000', 'a=ssrc:42 cname:x',
			'a=candidate:1 1 udp 1 192.0.2.9 4000 typ host', 'a=candidate:2 1 udp 1 127.0.0.1 4001 typ host'].join('\r\n');
		const s = parseSdp(sdp);
		expect(s).toMatchObject({ ufrag: 'ab', pwd: 'cdef', address: '127.0.0.1', port: 4001 });
		const p = receiveParameters(s.media[0]!);
		expect(p.codecs[0]).toMatchObject({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 });
		expect(p.encodings?.[0]?.ssrc).toBe(42);
	});
});
