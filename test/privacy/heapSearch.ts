import { numberPiecesIn, piecesOf } from './numberPieces.js';

/** The strings of a heap snapshot (its node arrays are numbers, and would match any digits). */
export function snapshotStrings(snapshot: string): string[] {
	return (JSON.parse(snapshot) as { strings: string[] }).strings;
}

/**
 * Whether a heap snapshot (JSON) holds `s`. V8 writes non-ASCII characters as \uXXXX escapes
 * (upper-case hex), so "Jürgen" is searched as "J\u00FCrgen" too; the in-meeting control proves
 * the search sees every canary.
 */
export function inSnapshot(snapshot: string, s: string): boolean {
	const escape = (hex: (n: number) => string) => s.replace(/[^\x20-\x7e]/g, (ch) => `\\u${hex(ch.charCodeAt(0)).padStart(4, '0')}`);
	return [s, escape((n) => n.toString(16).toUpperCase()), escape((n) => n.toString(16))].some((form) => snapshot.includes(form));
}

/** Five-digit pieces of the caller's number (`digits`, without "+") in the snapshot's strings. */
export function numberIn(snapshot: string, digits: string): string[] {
	return numberPiecesIn(snapshotStrings(snapshot), digits, piecesOf(digits));
}
