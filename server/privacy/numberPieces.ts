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
