/**
 * The caller's number as the bridge may keep it: the last four digits, for display, and
 * nothing more (invariant 2). Runs on each raw SIP message before sip.js parses it, so the
 * whole number never reaches sip.js's objects, our logs or the heap.
 */

/** What a room may show of a caller: `…1234`, or withheld. */
export type CallerLabel = { lastFour: string } | { withheld: true };

const MIN_DIGITS = 5; // shorter runs are extensions or ports, not phone numbers
const URI_USER = /\b(sips?:|tel:)([^@;>\s,]*)/gi;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const MASK_PREFIX = 'phone-';

function digitsOf(s: string): string {
	return s.replace(/\D/g, '');
}

// Digest challenges and answers carry nonces and hashes full of digits that must stay intact;
// Via, Call-ID and CSeq carry branches, ids and counters.
const UNTOUCHED = /^(www-authenticate|proxy-authenticate|authorization|proxy-authorization|authentication-info|via|v|call-id|i|cseq)\s*:/i;

/** Replaces number-like URI users and display names in the header part; the body is kept. */
export function scrubNumbers(message: string): string {
	const end = message.indexOf('\r\n\r\n');
	const head = end < 0 ? message : message.slice(0, end);
	const body = end < 0 ? '' : message.slice(end);
	const masked = head
		.split('\r\n')
		.map((line) => (UNTOUCHED.test(line) ? line : maskLine(line)))
		.join('\r\n');
	return masked + body;
}

function maskLine(line: string): string {
	return line
		.replace(URI_USER, (all, scheme: string, user: string) => {
			const digits = digitsOf(user);
			return digits.length >= MIN_DIGITS ? `${scheme}${MASK_PREFIX}${digits.slice(-4)}` : all;
		})
		.replace(QUOTED, (all, name: string) => (digitsOf(name).length >= MIN_DIGITS ? '"Phone"' : all));
}

/** The label for a caller, from the (already scrubbed) user part of From or P-Asserted-Identity. */
export function callerLabel(user: string | undefined): CallerLabel {
	if (user?.startsWith(MASK_PREFIX)) {
		const lastFour = user.slice(MASK_PREFIX.length);
		if (/^\d{4}$/.test(lastFour)) return { lastFour };
	}
	return { withheld: true };
}

/** The display name rooms see: `…1234`, or '' when withheld (the client localises both). */
export function displayNameOf(label: CallerLabel): string {
	return 'lastFour' in label ? `…${label.lastFour}` : '';
}
