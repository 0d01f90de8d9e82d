import { randomInt } from 'node:crypto';

/**
 * Which five-digit pieces of a phone number a set of strings holds, for the zero-retention
 * audit. A piece counts only inside a run of digits that is itself part of the number: a
 * timestamp or an id made during the call ("1764425821546") holds any five digits by chance,
 * a leak ("4915112345678", "12345678" from "+49 151 12345678") is the number's own digits.
 */
export function numberPiecesIn(strings: readonly string[], digits: string, pieces: readonly string[]): string[] {
	const runs = new Set<string>();
	for (const s of strings) for (const run of s.match(/\d{5,}/g) ?? []) if (digits.includes(run)) runs.add(run);
	return pieces.filter((p) => [...runs].some((r) => r.includes(p)));
}

/** The five-digit pieces of `digits` (each is checked on its own). */
export function piecesOf(digits: string): string[] {
	return Array.from({ length: Math.max(0, digits.length - 4) }, (_, i) => digits.slice(i, i + 5));
}

/** Every five-digit piece of every digit run in `strings` (a heap snapshot's strings before the call). */
export function piecesIn(strings: readonly string[]): Set<string> {
	const found = new Set<string>();
	for (const s of strings) for (const run of s.match(/\d{5,}/g) ?? []) for (const p of piecesOf(run)) found.add(p);
	return found;
}

const CALLER_DIGITS = 12;
const MAX_TRIES = 10_000;

/**
 * A caller number (12 digits, E.164 without the "+") whose pieces only a leak puts into the
 * heap, so one finding is a failure without a second try with another number:
 * - none of its five-digit pieces is in `taken`, the pieces already in the heap before the call
 *   (library code, constants such as 90000, the pids, ports and times of the start);
 * - every piece starts with 0, 7, 8 or 9: no port (at most 65535) and no integer below 70000
 *   (milliseconds since the start, counters, lengths) equals one, and a digit run must start at
 *   a piece to be part of the number, so a longer integer must start with 7, 8 or 9 too; runs
 *   longer than the number (timestamps in ms have 13 digits) are never part of it.
 * What is left to chance is a string made during the call whose digit run is exactly a part of
 * the number starting with 0, 7, 8 or 9 (a float's decimals, say): not seen in any run so far.
 * The last four digits are free: a room may show them, and four digits are no piece.
 */
export function chooseCaller(taken: ReadonlySet<string>, random: (n: number) => number = randomInt): string {
	const head = '0789';
	for (let i = 0; i < MAX_TRIES; i++) {
		const first = String(7 + random(3)); // a country code starts with 1–9; 7, 8, 9 keep pieces above 65535
		const middle = Array.from({ length: CALLER_DIGITS - 5 }, () => head[random(4)]).join('');
		const last = Array.from({ length: 4 }, () => random(10)).join('');
		const digits = `${first}${middle}${last}`;
		if (piecesOf(digits).every((p) => !taken.has(p))) return digits;
	}
	throw new Error(`no caller number of ${CALLER_DIGITS} digits avoids the ${taken.size} five-digit pieces already in the heap`);
}
