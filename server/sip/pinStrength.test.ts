import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { MIN_DAYS_TO_GUESS, maxRoomsFor, meanDaysToGuess, pinSpace } from './pinStrength.js';

const sip = { SIP_ENABLED: 'true', SIP_DIAL_IN_NUMBER: '+49 30 1234567' };

describe('PIN strength', () => {
	it('the defaults (9 digits, 1 000 rooms, 20 wrong PINs a minute) take at least 30 days to guess', () => {
		expect(pinSpace(9)).toBe(900_000_000);
		expect(meanDaysToGuess(9, 1000, 20)).toBeCloseTo(31.22, 2);
		expect(meanDaysToGuess(9, 1000, 20)).toBeGreaterThanOrEqual(MIN_DAYS_TO_GUESS);
		expect(maxRoomsFor(9, 20)).toBe(1040);
		expect(meanDaysToGuess(9, maxRoomsFor(9, 20), 20)).toBeGreaterThanOrEqual(MIN_DAYS_TO_GUESS);
		expect(meanDaysToGuess(9, maxRoomsFor(9, 20) + 1, 20)).toBeLessThan(MIN_DAYS_TO_GUESS);
	});

	it('the old settings (6 digits, 1 000 rooms, 60 a minute for the bridge) fell in about 15 minutes', () => {
		expect(meanDaysToGuess(6, 1000, 60) * 24 * 60).toBeCloseTo(15, 0);
	});

	it('the config starts with the defaults and refuses settings that guess faster, saying what fits', () => {
		const c = loadConfig(sip);
		expect(c.dialInPinDigits).toBe(9);
		expect(c.sip?.pinBudget).toEqual({ perCaller: 5, perTrunk: 20, perBridge: 20 });
		expect(() => loadConfig({ ...sip, SIP_PIN_DIGITS: '6' })).toThrow(/SIP_PIN_DIGITS=6 with MAX_ROOMS=1000 and SIP_PIN_BRIDGE_GUESSES_PER_MINUTE=20: .* 0\.7 hours .* at least 30 days.*no MAX_ROOMS fits/);
		expect(() => loadConfig({ ...sip, MAX_ROOMS: '2000' })).toThrow(/MAX_ROOMS \(at most 1040 with these two\)/);
		expect(() => loadConfig({ ...sip, SIP_PIN_BRIDGE_GUESSES_PER_MINUTE: '21' })).toThrow(/SIP_PIN_BRIDGE_GUESSES_PER_MINUTE=21/);
		expect(loadConfig({ ...sip, MAX_ROOMS: '1000000', SIP_PIN_DIGITS: '12' }).maxRooms).toBe(1_000_000);
		expect(loadConfig({ MAX_ROOMS: '1000000' }).maxRooms).toBe(1_000_000); // no dial-in, no PINs to guess
	});
});
