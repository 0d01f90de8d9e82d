import { describe, expect, it } from 'vitest';
import { LIMITS } from './common.js';
import { Requests, isRequestName } from './requests.js';

describe('request schemas', () => {
	it('join accepts a random id or a chosen name and trims the display name', () => {
		const r = Requests.join.parse({ roomId: 'Ab3_-x.~', displayName: '  Erika  ' });
		expect(r.displayName).toBe('Erika');
	});

	it('join strips control and bidi-override characters from display names', () => {
		expect(Requests.join.parse({ roomId: 'r', displayName: 'Ev\u202eil\u0007' }).displayName).toBe('Evil');
		expect(Requests.join.safeParse({ roomId: 'r', displayName: '\u202e\u0000' }).success).toBe(false);
	});

	it('join rejects path-like, oversized and non-string room ids', () => {
		for (const roomId of ['../x', 'a b', 'r'.repeat(LIMITS.ROOM_ID_MAX + 1), '', 5, null, { $ne: 1 }]) {
			expect(Requests.join.safeParse({ roomId, displayName: 'x' }).success, String(roomId)).toBe(false);
		}
	});

	it('requests are strict: unknown fields are refused', () => {
		expect(Requests.createTransport.safeParse({ direction: 'send', sneaky: 1 }).success).toBe(false);
		expect(Requests.createTransport.safeParse({ direction: 'sideways' }).success).toBe(false);
	});

	it('media JSON is bounded in size', () => {
		const huge = { codecs: 'x'.repeat(LIMITS.MEDIA_JSON_MAX_BYTES) };
		expect(Requests.setRtpCapabilities.safeParse({ rtpCapabilities: huge }).success).toBe(false);
		expect(Requests.setRtpCapabilities.safeParse({ rtpCapabilities: { codecs: [] } }).success).toBe(true);
	});

	it('simulcast layers are limited to the three we send', () => {
		expect(Requests.setPreferredLayers.safeParse({ consumerId: 'c', spatialLayer: 2 }).success).toBe(true);
		expect(Requests.setPreferredLayers.safeParse({ consumerId: 'c', spatialLayer: 3 }).success).toBe(false);
	});

	it('isRequestName does not see inherited properties', () => {
		expect(isRequestName('join')).toBe(true);
		expect(isRequestName('__proto__')).toBe(false);
		expect(isRequestName('toString')).toBe(false);
	});
});
