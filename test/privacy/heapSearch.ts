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

/** The sizes of every ArrayBuffer's data in a heap snapshot (the bytes themselves are not in it). */
export function arrayBufferSizes(snapshot: string): number[] {
	const s = JSON.parse(snapshot) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[]; strings: string[] };
	const fields = s.snapshot.meta.node_fields;
	const [name, size, n] = [fields.indexOf('name'), fields.indexOf('self_size'), fields.length];
	const out: number[] = [];
	for (let i = 0; i < s.nodes.length; i += n) if (s.strings[s.nodes[i + name] ?? -1] === 'system / JSArrayBufferData') out.push(s.nodes[i + size] ?? 0);
	return out;
}

/**
 * `text` as it appears inside base64 of bytes that contain it, at each of the three byte
 * alignments (what a part of an uploaded file looks like on the wire).
 */
export function base64Forms(text: string): string[] {
	const bytes = Buffer.from(text, 'latin1');
	return [0, 1, 2].map((a) => {
		const b64 = Buffer.concat([Buffer.alloc(a), bytes]).toString('base64');
		return b64.slice(a > 0 ? 4 : 0, 4 * Math.floor((a + bytes.length) / 3));
	});
}
