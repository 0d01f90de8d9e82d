/**
 * The caller's number as the bridge may keep it: the last four digits, for display, and
 * nothing more (invariant 2). Runs on each raw SIP message before sip.js parses it, so the
 * whole number never reaches sip.js's objects, our logs or the heap. The one other thing
 * taken from the whole number is callerKey(): a keyed hash for the wrong-PIN budget.
 */
import { createHmac } from 'node:crypto';

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

/** The wrong-PIN budget key of callers whose INVITE carries no number (withheld, anonymous). */
export const WITHHELD_CALLER_KEY = 'withheld';

const CALLER_HEADER = /^(p-asserted-identity|from|f)\s*:(.*)$/i;
const FIRST_URI_USER = /\b(?:sips?|tel):([^@;>\s,]*)/i;

/**
 * A keyed hash (HMAC-SHA256 with `secret`, 128 bits, base64url) of the caller's number in a
 * raw INVITE, before scrubNumbers() ran: the P-Asserted-Identity's number if there is one
 * (the trunk vouches for it), else From's. Only its digits count, so `+49 151…` and
 * `+49-151…` are one caller. Without a number of MIN_DIGITS or more: WITHHELD_CALLER_KEY, one
 * budget shared by every such caller. The secret is random per process, so the key cannot be
 * reversed by hashing every number, and means nothing after a restart.
 */
export function callerKey(rawMessage: string, secret: Buffer): string {
	const end = rawMessage.indexOf('\r\n\r\n');
	const head = end < 0 ? rawMessage : rawMessage.slice(0, end);
	let from: string | undefined;
	let asserted: string | undefined;
	for (const line of head.split('\r\n')) {
		const m = CALLER_HEADER.exec(line);
		if (!m) continue;
		const digits = digitsOf(FIRST_URI_USER.exec(m[2] ?? '')?.[1] ?? '');
		if (m[1]?.toLowerCase() === 'p-asserted-identity') asserted ??= digits;
		else from ??= digits;
	}
	const number = asserted && asserted.length >= MIN_DIGITS ? asserted : from;
	if (!number || number.length < MIN_DIGITS) return WITHHELD_CALLER_KEY;
	return createHmac('sha256', secret).update(number).digest().subarray(0, 16).toString('base64url');
}
