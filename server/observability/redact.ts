import { createHmac, randomBytes } from 'node:crypto';

/**
 * Keeps personal data out of every log line: values under these keys are replaced at any
 * depth, and IP addresses are masked inside any string. Logs carry ids only (STYLE.md §7).
 */
export const SENSITIVE_KEYS = new Set(
	[
		'displayName', 'name', 'roomName', 'roomId', 'text', 'chat', 'ip', 'ips', 'address',
		'remoteAddress', 'localAddress', 'announcedAddress', 'phone', 'phoneNumber', 'number',
		'from', 'to', 'contact', 'token', 'jwt', 'authorization', 'cookie', 'headers', 'sdp',
		'userAgent', 'url', 'query', 'handshake',
	].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';

// Dotted quads, and IPv6 runs of at least three hex groups (avoids eating "12:30" times).
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b/gi;

export function maskAddresses(s: string): string {
	return s.replace(IPV4, '[ip]').replace(IPV6, (m) => (m.split(':').length >= 3 ? '[ip]' : m));
}

const MAX_DEPTH = 8;

/** Returns a scrubbed copy; never mutates the input (it may be live state). */
export function scrub(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return maskAddresses(value);
	if (value === null || typeof value !== 'object') return value;
	if (depth >= MAX_DEPTH) return '[deep]';
	if (value instanceof Error) {
		const code = (value as { code?: unknown }).code;
		return { type: value.name, message: maskAddresses(value.message), code, stack: maskAddresses(value.stack ?? '') };
	}
	if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) {
		out[k] = SENSITIVE_KEYS.has(k.toLowerCase()) ? REDACTED : scrub(v, depth + 1);
	}
	return out;
}

// A fresh key per process: the same room correlates within one run's logs and cannot be
// looked up from a list of room names, nor across restarts.
const ROOM_REF_KEY = randomBytes(32);

/** A per-process keyed hash of a room id, for logs in place of the id (which may be a name). */
export function roomRef(roomId: string): string {
	return createHmac('sha256', ROOM_REF_KEY).update(roomId).digest('hex').slice(0, 12);
}
