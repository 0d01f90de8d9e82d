/**
 * How long PIN guessing takes: the arithmetic behind SIP_PIN_DIGITS, MAX_ROOMS and
 * SIP_PIN_BRIDGE_GUESSES_PER_MINUTE (docs/sip.md, "How long guessing takes"). The config
 * refuses settings under MIN_DAYS_TO_GUESS.
 */

/** A guesser at the bridge's full rate must need at least this long, on average, to reach any open room. */
export const MIN_DAYS_TO_GUESS = 30;
const MINUTES_PER_DAY = 24 * 60;

/** PINs of `digits` digits: the first is never 0, so all of them have the same length. */
export function pinSpace(digits: number): number {
	return 9 * 10 ** (digits - 1);
}

/**
 * The mean time, in days, until a guesser trying `perMinute` distinct wrong PINs a minute
 * (every minute, the bridge's whole budget) hits one of `rooms` open rooms. With `rooms`
 * PINs among S, the first hit comes on average at guess (S + 1) / (rooms + 1) (sampling
 * without replacement); assuming all rooms open all the time is the guesser's best case.
 */
export function meanDaysToGuess(digits: number, rooms: number, perMinute: number): number {
	return (pinSpace(digits) + 1) / (rooms + 1) / perMinute / MINUTES_PER_DAY;
}

/** The most open rooms for which guessing still takes MIN_DAYS_TO_GUESS on average. */
export function maxRoomsFor(digits: number, perMinute: number): number {
	return Math.max(0, Math.floor((pinSpace(digits) + 1) / (MIN_DAYS_TO_GUESS * MINUTES_PER_DAY * perMinute)) - 1);
}
