import { describe, expect, it } from 'vitest';
import { chooseCaller, numberPiecesIn, piecesIn, piecesOf } from './numberPieces.js';

describe('phone number pieces in heap strings', () => {
	const digits = '4915112345678';
	const pieces = piecesOf(digits);

	it('finds the number whole, with separators, or in part', () => {
		expect(numberPiecesIn(['sip:+4915112345678@127.0.0.1'], digits, pieces)).toEqual(pieces);
		expect(numberPiecesIn(['+49 151 12345678'], digits, pieces)).toEqual(['12345', '23456', '34567', '45678']);
		expect(numberPiecesIn(['phone-51123'], digits, pieces)).toEqual(['51123']);
	});

	it('ignores digits that only happen to contain a piece (timestamps, ids, the last four)', () => {
		expect(numberPiecesIn(['"time":1764423456781', 'id 9912345', '…5678', 'phone-5678'], digits, pieces)).toEqual([]);
	});

	it('cuts a number into its five-digit pieces', () => {
		expect(piecesOf('1234567')).toEqual(['12345', '23456', '34567']);
		expect(piecesOf('1234')).toEqual([]);
	});

	it('collects the pieces of every digit run, however long', () => {
		expect([...piecesIn(['a=rtpmap:96 VP8/90000', 'port 4000', 'id 1234567'])].sort()).toEqual(['12345', '23456', '34567', '90000']);
	});
});

describe('chooseCaller', () => {
	it('picks a number none of whose pieces is already in the heap, nor a port or a small integer', () => {
		const taken = new Set(['90000', '70000', '80000', '00000', '78907']);
		for (let i = 0; i < 200; i++) {
			const caller = chooseCaller(taken);
			expect(caller).toMatch(/^[789][0789]{7}\d{4}$/);
			for (const p of piecesOf(caller)) {
				expect(taken.has(p)).toBe(false);
				// A port or any integer below 70000 is never one of its pieces.
				expect(p.startsWith('0') || Number(p) >= 70_000).toBe(true);
			}
		}
	});

	it('a coincidental run made during the call cannot match: ports, timestamps and durations stay clear', () => {
		const caller = chooseCaller(new Set());
		const chance = ['127.0.0.1:35401', 'm=audio 65535 RTP/AVP 0', '"time":1796285286278', '"ms":69999', 'pid 4194303'];
		expect(numberPiecesIn(chance, caller, piecesOf(caller))).toEqual([]);
	});

	it('says so when every number is taken instead of retrying forever', () => {
		const all = new Set(Array.from({ length: 100_000 }, (_, n) => String(n).padStart(5, '0')));
		expect(() => chooseCaller(all)).toThrow(/avoids the 100000 five-digit pieces/);
	});
});
