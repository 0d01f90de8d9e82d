import { createHmac, randomBytes } from 'node:crypto';
import { format } from 'node:util';

/**
 * Keeps personal data out of every log line by allowlist (STYLE.md §7): only the keys below
 * pass, at any depth; every other key is dropped and counted under `redacted`, so the key's
 * name (which may itself be a room name) does not reach the line either. Every string that
 * passes — values, the message, error messages and stacks — is scrubbed of IP addresses,
 * e-mail addresses, JWTs and digit runs of five or more (phone numbers; also in groups such
 * as "+49 30 1234567", but not inside a word such as a hex id), and loses quoted parts, <…>
 * parts, `password=…` and long opaque tokens (scrubFreeText). Setting values in the start-up
 * `config` line get the first scrub only, so paths and URLs stay readable.
 *
 * To log a new field, add its key here, and only if its values are ids we made (random),
 * counts, codes, reasons, durations or names from our own code — never anything a user or a
 * peer chose.
 */
export const SAFE_KEYS: ReadonlySet<string> = new Set([
	// ids we make at random, never derived from personal data
	'participantId', 'callId', 'transportId', 'producerId', 'consumerId', 'dataProducerId', 'dataConsumerId',
	'routerId', 'pollId', 'entryId', 'requestId', 'messageId',
	// the room as a per-process keyed hash (roomRef), never its id
	'room',
	// media workers and processes
	'worker', 'workers', 'workerIndex', 'fromWorker', 'toWorker', 'workerPid', 'pid', 'workersAlive',
	// counts
	'participants', 'rooms', 'routers', 'transports', 'producers', 'consumers', 'calls', 'tries', 'attempts',
	'count', 'total', 'limit', 'max', 'size', 'pending', 'waiting', 'restarts', 'kills', 'dropped',
	'packetsToRoom', 'fromPhone', 'toPhone', 'received', 'lost', 'sent', 'packets', 'bytes', 'rss', 'heapUsed',
	// codes, reasons, outcomes, states
	'code', 'reason', 'why', 'result', 'trigger', 'signal', 'status', 'statusCode', 'errno', 'syscall', 'state',
	'phase', 'outcome', 'ok', 'retry', 'budget',
	// durations and times (numbers)
	'timeoutMs', 'durationMs', 'elapsedMs', 'graceMs', 'delayMs', 'recoveryMs', 'ageMs', 'ttlS', 'ms', 'seconds',
	// network shape, never addresses
	'port', 'metricsPort', 'rtcPort', 'protocol', 'family', 'mode', 'authMode',
	// names from our code: events, requests, kinds, categories, levels
	// (not `level`, `time` or `msg`: pino writes those itself)
	'event', 'type', 'request', 'kind', 'direction', 'source', 'role', 'category', 'codec', 'mimeType',
	'spatialLayer', 'temporalLayer', 'muted', 'paused', 'draining', 'version',
	// cluster: node ids (random, or the operator's NODE_ID) and bus method/topic names from our code
	'node', 'method', 'topic',
	// a library's warning text (sip.js), free-text scrubbed like every value
	'detail',
	// a refused WebSocket's Origin: a site, not a person (addresses in it are masked)
	'origin',
	// how many keys were dropped here
	'redacted',
]);

/** Keys whose values must have our shape: a room id (perhaps a name) under `room` is refused. */
const VALUE_SHAPE: ReadonlyMap<string, RegExp> = new Map([['room', /^[a-f][0-9a-f]{11}$/]]);

/** Number-valued keys that pass by their suffix: `recoveredInMs`, `joinCount`, `heapBytes`. */
const NUMERIC_SUFFIX = /^[a-z][A-Za-z]*(?:Ms|S|Seconds|Count|Bytes|Total)$/;

/** Keys whose value is an error: serialised as type, code, scrubbed message, stack and cause. */
const ERROR_KEYS: ReadonlySet<string> = new Set(['err', 'error', 'cause']);

/**
 * The start-up `effective configuration` (`{ config: { PORT: 3000, … } }`): setting names
 * pass, except those whose values may be secret or personal.
 */
const SETTINGS_KEY = 'config';
const SETTING_NAME = /^[A-Z][A-Z0-9_]*$/;
const UNLOGGED_SETTING = /SECRET|TOKEN|PASSWORD|CREDENTIAL|PRIVATE_KEY|CONTROLLER|CONTACT|USERNAME|AOR|EMAIL|PHONE/;

/** Whether a key can reach a line at all (its value is then scrubbed, or serialised as an error). */
export function isLoggedKey(key: string): boolean {
	return SAFE_KEYS.has(key) || ERROR_KEYS.has(key) || key === SETTINGS_KEY || NUMERIC_SUFFIX.test(key);
}

export const REDACTED = '[redacted]';

const MAX_DEPTH = 8;
const MAX_ARRAY = 50;
const MAX_TEXT = 300;

// One pass over a string; the first alternative that matches at a position wins. UUIDs (the
// ids mediasoup makes) are kept whole, so their digit runs are not taken for phone numbers.
const UUID = String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`;
const JWT = String.raw`\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?`;
const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`;
const IPV4 = String.raw`\b(?:\d{1,3}\.){3}\d{1,3}\b`;
// IPv6 candidates: hex groups and colons (optionally ending in a dotted quad, optionally a
// zone); accepted as an address below only with "::" or at least five colons, so "12:30:45"
// stays a time.
const IPV6 = String.raw`(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?:%[0-9A-Za-z]+)?(?![0-9A-Za-z:])`;
// Five or more digits, also in groups: "+49 30 1234567", "030/123 456 78", "+49-151-2345678".
// Not inside a word, so the digits of a hex or base64url id (ours, random) stay.
const DIGITS = String.raw`(?<![A-Za-z0-9_])\+?\d(?:[ ./()-]?\d){4,}(?![A-Za-z0-9_])`;
const SCRUB = new RegExp(`(${UUID})|(${JWT})|(${EMAIL})|(${IPV4})|(${IPV6})|(${DIGITS})`, 'g');

function isIpv6(m: string): boolean {
	const colons = m.split(':').length - 1;
	return /[0-9A-Fa-f]/.test(m) && (m.includes('::') || colons >= 5);
}

/** Masks IP and e-mail addresses, JWTs and digit runs of five or more inside any string. */
export function scrubText(s: string): string {
	return s.replace(SCRUB, (m, uuid?: string, jwt?: string, email?: string, ipv4?: string, ipv6?: string) => {
		if (uuid) return m;
		if (jwt) return '[token]';
		if (email) return '[email]';
		if (ipv4) return '[ip]';
		if (ipv6) return isIpv6(m) ? '[ip]' : m;
		return '[num]';
	});
}

// Random secrets (room ids, resume tokens, tickets: 22 base64url characters) inside free text:
// a long run with a digit, or mixed case with a - or _. Words, camelCase, snake_case and
// UUIDs stay.
const OPAQUE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g;
const UUID_ONLY = new RegExp(`^${UUID}$`);
const looksOpaque = (m: string): boolean =>
	!UUID_ONLY.test(m) && (/\d/.test(m) || (/[a-z]/.test(m) && /[A-Z]/.test(m) && /[-_]/.test(m)));
const QUOTED = /"(?:[^"\\\n]|\\.)*"?|(?<![A-Za-z])'(?:[^'\\\n]|\\.)*'|«[^»\n]*»?|„[^“”\n]*[“”]?/g;
const ANGLED = /<[^<>\n]{1,200}>/g;
const SECRET_PARAM = /\b(jwt|token|resumeToken|ticket|password|passwd|pin|secret|credential|authorization)\b(\s*[=:]\s*)(?:Bearer\s+)?[^\s&,;]+/gi;

/**
 * scrubText, and what else free text (error messages, third-party warnings) tends to carry:
 * quoted names and values, <sip:…> URIs, `password=…`, long opaque tokens.
 */
export function scrubFreeText(s: string): string {
	return scrubText(s.replace(SECRET_PARAM, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`))
		.replace(QUOTED, (m) => (UUID_ONLY.test(m.slice(1, -1)) ? m : m.startsWith("'") ? "'…'" : '"…"'))
		.replace(ANGLED, (m) => (m === '<anonymous>' ? m : '<…>'))
		.replace(OPAQUE, (m) => (looksOpaque(m) ? '[secret]' : m));
}

/**
 * Free text scrubbed and cut to MAX_TEXT. Cut after the scrub, so a cut cannot leave a
 * fragment of an address unmasked; a first cut well beyond it bounds the scrub's work.
 */
function scrubCut(s: string): string {
	const out = scrubFreeText(s.length > 4 * MAX_TEXT ? s.slice(0, 4 * MAX_TEXT) : s);
	return out.length > MAX_TEXT || s.length > 4 * MAX_TEXT ? `${out.slice(0, MAX_TEXT)}…` : out;
}

/** A log message: free-text scrubbed (messages should be constant; this is the safety net). */
export function scrubMessage(s: string): string {
	return scrubCut(s);
}

/** Returns a scrubbed copy of a logged object (allowlisted keys only); never mutates it. */
export function scrub(value: unknown): Record<string, unknown> {
	if (value === null || value === undefined) return {};
	if (value instanceof Error) return { err: serializeError(value, 0) };
	if (typeof value !== 'object') return { redacted: 1 };
	return scrubObject(value as object, 0);
}

function scrubObject(obj: object, depth: number): Record<string, unknown> {
	if (depth >= MAX_DEPTH) return { redacted: '[deep]' };
	const out: Record<string, unknown> = {};
	let dropped = 0;
	for (const key of Object.keys(obj)) {
		let v: unknown;
		try {
			v = (obj as Record<string, unknown>)[key];
		} catch {
			dropped++;
			continue;
		}
		if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
		if (ERROR_KEYS.has(key)) out[key] = serializeError(v, depth + 1);
		else if (key === SETTINGS_KEY && typeof v === 'object' && v !== null && !Array.isArray(v)) out[key] = scrubSettings(v as object);
		else if (VALUE_SHAPE.has(key) && !(typeof v === 'string' && VALUE_SHAPE.get(key)?.test(v))) out[key] = REDACTED;
		else if (SAFE_KEYS.has(key) || (NUMERIC_SUFFIX.test(key) && typeof v === 'number')) out[key] = scrubValue(v, depth + 1);
		else dropped++;
	}
	if (dropped > 0) out.redacted = (typeof out.redacted === 'number' ? out.redacted : 0) + dropped;
	return out;
}

function scrubValue(v: unknown, depth: number): unknown {
	if (typeof v === 'string') return scrubCut(v);
	if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
	if (typeof v === 'bigint') return scrubText(v.toString());
	if (typeof v !== 'object') return undefined;
	if (depth >= MAX_DEPTH) return '[deep]';
	if (v instanceof Error) return serializeError(v, depth);
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
	if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return '[binary]';
	if (Array.isArray(v)) {
		const items = v.slice(0, MAX_ARRAY).map((x) => scrubValue(x, depth + 1));
		return v.length > MAX_ARRAY ? [...items, `[${v.length - MAX_ARRAY} more]`] : items;
	}
	if (v instanceof Map || v instanceof Set) return `[${v.constructor.name} of ${v.size}]`;
	return scrubObject(v, depth);
}

function scrubSettings(settings: object): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	let dropped = 0;
	for (const [name, v] of Object.entries(settings)) {
		if (!SETTING_NAME.test(name)) dropped++;
		else if (UNLOGGED_SETTING.test(name)) out[name] = v === '[set]' || v === '[not logged]' ? v : REDACTED;
		else out[name] = typeof v === 'string' ? scrubText(v) : typeof v === 'number' || typeof v === 'boolean' ? v : REDACTED;
	}
	if (dropped > 0) out.redacted = dropped;
	return out;
}

const SAFE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const ERROR_TYPE = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/**
 * An error as it may be logged: its type, code, message and stack with the message
 * free-text scrubbed, and its cause (also errors of an AggregateError). Anything else the
 * error carries (Node's `address`, `port`, `path`, a library's request object) is left out.
 * Idempotent: an already serialised error passes through unchanged.
 */
export function serializeError(e: unknown, depth = 0): unknown {
	if (typeof e === 'string') return scrubCut(e);
	if (typeof e === 'number' || typeof e === 'boolean' || typeof e === 'bigint') return scrubText(String(e));
	if (e === null || typeof e !== 'object') return undefined;
	if (depth >= MAX_DEPTH) return '[deep]';
	const o = e as Record<string, unknown>;
	const read = (k: string): unknown => {
		try {
			return o[k];
		} catch {
			return undefined;
		}
	};
	const isError = e instanceof Error;
	// A type is a class name from code; anything else (a name copied onto the error) is not kept.
	const rawType = isError ? read('name') : read('type');
	const type = typeof rawType === 'string' && ERROR_TYPE.test(rawType) ? rawType : 'Error';
	const message = String(read('message') ?? '');
	const out: Record<string, unknown> = { type, message: scrubCut(message) };
	const code = read('code');
	if (typeof code === 'number') out.code = code;
	else if (typeof code === 'string') out.code = SAFE_CODE.test(code) ? scrubText(code) : REDACTED;
	for (const k of ['errno', 'syscall', 'statusCode'] as const) {
		const v = read(k);
		if (typeof v === 'number' || (typeof v === 'string' && SAFE_CODE.test(v))) out[k] = v;
	}
	const stack = read('stack');
	if (typeof stack === 'string') out.stack = scrubStack(stack, type, out.message as string);
	const cause = read('cause');
	if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
	const errors = read('errors');
	if (Array.isArray(errors)) out.errors = errors.slice(0, 5).map((x) => serializeError(x, depth + 1));
	return out;
}

/**
 * The frames of a V8 stack under a header rebuilt from the scrubbed message (the original
 * header is the unscrubbed message, perhaps over many lines). A stack that is not V8's is
 * free-text scrubbed whole.
 */
function scrubStack(stack: string, type: string, message: string): string {
	const lines = stack.split('\n');
	const frames = lines.filter((l) => /^\s+at /.test(l));
	if (frames.length === 0) return scrubCut(stack);
	return [`${type}: ${message}`, ...frames.slice(0, 30).map((f) => scrubFreeText(f))].join('\n');
}

/**
 * pino's logMethod arguments made safe: an Error first becomes `{ err }`; a message with
 * printf-style arguments is formatted here (objects by their scrubbed JSON) and scrubbed, so
 * pino never interpolates anything itself.
 */
export function scrubLogArgs(args: readonly unknown[]): [object, string?] | [string] {
	const [first, ...rest] = args;
	let obj: object | undefined;
	let parts: unknown[] = rest;
	if (first instanceof Error) obj = { err: first };
	else if (typeof first === 'object' && first !== null) obj = first;
	else parts = args.slice();
	let msg: string | undefined;
	if (parts.length === 1 && typeof parts[0] === 'string') msg = parts[0];
	else if (parts.length > 0 && parts[0] !== undefined) {
		msg = format(...parts.map((p) => (typeof p === 'object' && p !== null ? JSON.stringify(scrubValue(p, 1)) : p)));
	}
	// Without a message pino would take the error's, unscrubbed: take it here, scrubbed.
	const err: unknown = first instanceof Error ? first : (obj as { err?: unknown } | undefined)?.err;
	if (msg === undefined && typeof err === 'object' && err !== null && 'message' in err) msg = String(err.message);
	if (msg !== undefined) msg = scrubMessage(String(msg));
	if (!obj) return [msg ?? ''];
	return msg === undefined ? [obj] : [obj, msg];
}

// A fresh key per process: the same room correlates within one run's logs and cannot be
// looked up from a list of room names, nor across restarts.
const ROOM_REF_KEY = randomBytes(32);

/** A per-process keyed hash of a room id, for logs in place of the id (which may be a name). */
export function roomRef(roomId: string): string {
	const hex = createHmac('sha256', ROOM_REF_KEY).update(roomId).digest('hex');
	// The first character a letter, so a ref is never all digits (which the scrub would mask).
	return `${'abcdef'[Number.parseInt(hex.slice(0, 2), 16) % 6]}${hex.slice(2, 13)}`;
}
