import { describe, expect, it } from 'vitest';
import { numberPiecesIn, piecesOf } from './numberPieces.js';

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
});
