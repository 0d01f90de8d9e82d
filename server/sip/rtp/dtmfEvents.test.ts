import { describe, expect, it } from 'vitest';
import { DtmfEvents, digitOfInfo } from './dtmfEvents.js';

const ev = (digit: number, end: boolean) => Buffer.from([digit, end ? 0x8a : 0x0a, 0x01, 0x40]);

describe('DtmfEvents', () => {
	it('reports each key press once, however often its packets repeat', () => {
		const d = new DtmfEvents();
		const got = [ev(5, false), ev(5, false), ev(5, true), ev(5, true), ev(5, true)].map((p) => d.push(p, 1000));
		expect(got.filter(Boolean)).toEqual(['5']);
		expect(d.push(ev(11, false), 2000)).toBe('#');
	});

	it('counts a replayed key press (same timestamp, after its end) again', () => {
		const d = new DtmfEvents();
		expect(d.push(ev(9, false), 7)).toBe('9');
		d.push(ev(9, true), 7);
		expect(d.push(ev(9, false), 7)).toBe('9');
	});

	it('reads SIP INFO bodies', () => {
		expect(digitOfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160')).toBe('5');
		expect(digitOfInfo('application/dtmf', '#')).toBe('#');
		expect(digitOfInfo('text/plain', '5')).toBeUndefined();
	});
});
