import { describe, expect, it } from 'vitest';
import { newSealKey, RelaySeal, SEAL_KEY_BYTES, SEAL_OVERHEAD } from './RelaySeal.js';
import { buildRtp, parseRtp } from './rtpPacket.js';

const rtp = (sequence = 7) => buildRtp({ payloadType: 0, marker: false, sequence, timestamp: 160, ssrc: 42, payload: Buffer.alloc(160, 0x55) });

function pair(key = newSealKey()) {
	return { caller: new RelaySeal(key, 'caller'), host: new RelaySeal(key, 'host') };
}

describe('RelaySeal', () => {
	it('open(seal(p)) on the other side gives p back, both ways; the sealed bytes show nothing of p', () => {
		const { caller, host } = pair();
		const p = rtp();
		const sealed = caller.seal(p);
		expect(sealed.length).toBe(p.length + SEAL_OVERHEAD);
		expect(sealed.includes(p.subarray(12, 44))).toBe(false);
		expect(host.open(sealed)?.equals(p)).toBe(true);
		expect(caller.open(host.seal(p))?.equals(p)).toBe(true);
	});

	it('seals the same packet differently each time, and never as RTP', () => {
		const { caller } = pair();
		const seen = new Set<string>();
		for (let i = 0; i < 50; i++) {
			const s = caller.seal(rtp());
			expect(parseRtp(s)).toBeUndefined();
			seen.add(s.toString('hex'));
		}
		expect(seen.size).toBe(50);
	});

	it('open() is undefined for a changed byte anywhere', () => {
		const { caller, host } = pair();
		const sealed = caller.seal(rtp());
		for (const at of [0, 1, 5, 12, 13, 40, sealed.length - 1]) {
			const bad = Buffer.from(sealed);
			bad[at] = bad[at]! ^ 0x01;
			expect(host.open(bad), `byte ${at}`).toBeUndefined();
		}
		expect(host.open(sealed)).toBeDefined(); // the forgeries did not use up its counter
	});

	it('open() is undefined for a wrong key, short input and plain RTP; a short key is refused', () => {
		const { caller, host } = pair();
		const sealed = caller.seal(rtp());
		expect(new RelaySeal(newSealKey(), 'host').open(sealed)).toBeUndefined();
		expect(host.open(sealed.subarray(0, SEAL_OVERHEAD - 1))).toBeUndefined();
		expect(host.open(sealed.subarray(0, sealed.length - 1))).toBeUndefined();
		expect(host.open(Buffer.alloc(0))).toBeUndefined();
		expect(host.open(rtp())).toBeUndefined();
		expect(() => new RelaySeal(newSealKey().subarray(0, 16), 'host')).toThrow(RangeError);
		expect(newSealKey().length).toBe(SEAL_KEY_BYTES);
	});

	it('takes each packet once: a replay, or our own packet sent back, is undefined', () => {
		const { caller, host } = pair();
		const sealed = caller.seal(rtp());
		expect(host.open(sealed)).toBeDefined();
		expect(host.open(sealed)).toBeUndefined();
		expect(host.open(host.seal(rtp()))).toBeUndefined(); // reflected
		expect(caller.open(caller.seal(rtp()))).toBeUndefined();
	});

	it('takes packets out of order within 64, not older ones', () => {
		const { caller, host } = pair();
		const sealed = Array.from({ length: 100 }, (_, i) => caller.seal(rtp(i)));
		expect(host.open(sealed[99]!)).toBeDefined();
		expect(host.open(sealed[36]!)).toBeDefined(); // 63 behind
		expect(host.open(sealed[35]!)).toBeUndefined(); // 64 behind
		expect(host.open(sealed[98]!)).toBeDefined();
		expect(host.open(sealed[98]!)).toBeUndefined();
		expect(host.open(sealed[36]!)).toBeUndefined();
	});

	it('an empty packet round-trips', () => {
		const { caller, host } = pair();
		expect(host.open(caller.seal(Buffer.alloc(0)))?.length).toBe(0);
	});
});
