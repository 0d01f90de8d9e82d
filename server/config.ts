import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import type { SipSettings } from './sip/SipBridge.js';
import { MIN_DAYS_TO_GUESS, maxRoomsFor, meanDaysToGuess } from './sip/pinStrength.js';
import { publicSettings, readSettings, settingsError } from './configSources.js';
import { FEATURES, type Feature } from './protocol/limits.js';

/**
 * The one validated configuration, read from the environment and, when PLENUM_CONFIG names
 * one, a JSON file with the same keys (the environment wins). Every key has a default that
 * runs on localhost with no secrets; README.md lists them. Bad values stop the start with a
 * message naming the setting and the allowed values.
 */
const Env = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	/** Public base URL printed at start; defaults to http://localhost:PORT. */
	PUBLIC_URL: z.url().optional(),
	/** Comma-separated origins whose pages may open signalling connections; default: PUBLIC_URL's origin (else the server's own loopback origins). */
	ALLOWED_ORIGINS: z.string().min(1).optional(),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Number of mediasoup workers; 0 = one per core. */
	MEDIASOUP_WORKERS: z.coerce.number().int().min(0).max(256).default(0),
	/** Each worker's WebRtcServer listens on RTC_PORT + worker index, UDP and TCP. */
	RTC_PORT: z.coerce.number().int().min(1024).max(65000).default(40000),
	RTC_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0'),
	/** Address put in ICE candidates; default: first non-internal IPv4, else 127.0.0.1. */
	RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
	/** How long an empty room waits for someone to (re)join before it closes. */
	ROOM_EMPTY_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
	/** How long a dropped connection keeps its participant (and media) for a resume. */
	RECONNECT_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
	MAX_ROOMS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
	/** Rooms close this long after they open (default 24 h; 0 = never). */
	ROOM_MAX_DURATION_MS: z.coerce.number().int().min(0).default(24 * 3_600_000),
	MAX_PARTICIPANTS_PER_ROOM: z.coerce.number().int().min(1).max(1000).default(100),
	/** A room's producers + consumers on one worker before newcomers go to another worker. */
	ROOM_SPILL_LOAD: z.coerce.number().int().min(1).max(1_000_000).default(1000),
	/** Cluster mode when set (redis:// or rediss://, credentials in the URL); unset: one node, no Redis. */
	REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL').optional(),
	/** This node's id in the cluster; default: random at each start. */
	NODE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1 to 40 letters, digits, _ or -').optional(),
	/** Address other nodes' pipe transports send this node's media to; default: RTC_ANNOUNCED_ADDRESS. */
	CLUSTER_ADDRESS: z.string().min(1).optional(),
	/** open: anyone with the link joins, the first one moderates. token: a room token is needed. */
	AUTH_MODE: z.enum(['open', 'token']).default('open'),
	/** HS256 secret for room tokens; no default: there are no built-in secrets. */
	JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
	JWT_JWKS_FILE: z.string().min(1).optional(),
	JWT_JWKS_URL: z.url().optional(),
	JWT_ISSUER: z.string().min(1).default('plenum-portal'),
	JWT_AUDIENCE: z.string().min(1).default('plenum'),
	/** Who runs this instance, for the privacy notice (/privacy). */
	PRIVACY_CONTROLLER_NAME: z.string().min(1).max(200).default('The operator of this server'),
	PRIVACY_CONTROLLER_CONTACT: z.string().min(1).max(500).default('Contact details: ask the operator of this server'),
	/** Set when the SIP dial-in and a TURN server are configured (their issues add them). */
	SIP_ENABLED: z.enum(['true', 'false']).default('false'),
	/** Comma-separated TURN URLs handed to clients, e.g. turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp */
	TURN_URLS: z.string().min(1).optional(),
	/** SIP dial-in (used when SIP_ENABLED=true); see docs/sip.md. */
	SIP_TRANSPORT: z.enum(['udp', 'tcp', 'tls']).default('udp'),
	SIP_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0'),
	SIP_PORT: z.coerce.number().int().min(0).max(65535).default(5060),
	/** Host put in Via/Contact; default: RTC_ANNOUNCED_ADDRESS. */
	SIP_ANNOUNCED_HOST: z.string().min(1).optional(),
	SIP_TLS_CERT_FILE: z.string().min(1).optional(),
	SIP_TLS_KEY_FILE: z.string().min(1).optional(),
	/** Comma-separated addresses or CIDR ranges of the trunks/SBCs allowed to send INVITEs. */
	SIP_TRUNK_ALLOW: z.string().regex(/^[0-9a-fA-F:.,/ ]+$/, 'must be a comma-separated list of IP addresses or CIDR ranges').default('127.0.0.1,::1'),
	/** Register mode: the provider's registrar URI, address of record, and digest credentials. */
	SIP_REGISTRAR: z.string().regex(/^sips?:/, 'must be a sip: URI').optional(),
	SIP_AOR: z.string().regex(/^sips?:/, 'must be a sip: URI').optional(),
	SIP_USERNAME: z.string().min(1).optional(),
	SIP_PASSWORD: z.string().min(1).optional(),
	/** Optional header the operator's SBC sets to a room id: such calls skip the PIN. */
	SIP_ROOM_HEADER: z.string().regex(/^X-[A-Za-z0-9-]+$/, 'must be an X- header name').optional(),
	/** The number participants are shown for dialling in, e.g. "+49 30 1234567". */
	SIP_DIAL_IN_NUMBER: z.string().regex(/^[+0-9 ()/-]{3,32}$/, 'must be a phone number as shown to people').optional(),
	/** Wrong PINs one caller (by number) may enter in any 60 s. */
	SIP_PIN_GUESSES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(5),
	/** Wrong PINs all callers through one trunk address may enter in any 60 s. */
	SIP_PIN_TRUNK_GUESSES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
	/** Wrong PINs the whole bridge accepts in any 60 s; checked against SIP_PIN_DIGITS and MAX_ROOMS (docs/sip.md). */
	SIP_PIN_BRIDGE_GUESSES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
	SIP_PIN_DIGITS: z.coerce.number().int().min(4).max(12).default(9),
	SIP_LANGUAGE: z.enum(['en', 'de']).default('en'),
	SIP_RTP_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0'),
	SIP_RTP_PORT_MIN: z.coerce.number().int().min(0).max(65535).default(10000),
	SIP_RTP_PORT_MAX: z.coerce.number().int().min(0).max(65535).default(20000),
	/** A call whose phone sends no RTP this long is hung up. */
	SIP_RTP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
	SIP_MAX_CALLS: z.coerce.number().int().min(1).max(10_000).default(100),
	/** coturn's static-auth-secret (use-auth-secret): clients get HMAC credentials, never the secret. */
	TURN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
	/** Lifetime of the TURN credentials handed to a client. */
	TURN_TTL_S: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
	/** After SIGTERM/SIGUSR2, running meetings may go on this long before they are closed. */
	DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
	/** Serve the built client from this directory. */
	CLIENT_DIST_DIR: z.string().min(1).default('client/dist'),
	/** Serve /metrics on its own port (and METRICS_HOST) instead of the public one; unset = public port. */
	METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
	METRICS_HOST: z.string().min(1).default('127.0.0.1'),
	/** When set, /metrics wants `Authorization: Bearer <token>`. */
	METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
	/** What meetings can use besides audio, video, chat and polls: a comma-separated list, or "none". */
	FEATURES: z.string().regex(/^(none|(notes|whiteboard|presentation)(,(notes|whiteboard|presentation))*)$/, 'must be "none" or a comma-separated list of: notes, whiteboard, presentation').default('notes,whiteboard,presentation'),
	/** The largest PDF a presenter may upload; it is held in the room's memory (5 per room at most). */
	PRESENTATION_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(512 * 1024 * 1024).default(30 * 1024 * 1024),
	/** How often media stats (bytes, loss, RTT) are read from the workers; 0 = never. */
	MEDIA_STATS_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

/** Every setting's name, for the config file check. */
export const SETTING_NAMES: readonly string[] = Object.keys(Env.shape);

export type Config = {
	port: number;
	host: string;
	publicUrl: string | undefined;
	/** Origins allowed to open signalling connections; undefined: the server's own loopback origins. */
	allowedOrigins: string[] | undefined;
	logLevel: z.infer<typeof Env>['LOG_LEVEL'];
	workerCount: number;
	rtcPort: number;
	rtcListenIp: string;
	rtcAnnouncedAddress: string;
	roomEmptyGraceMs: number;
	reconnectGraceMs: number;
	maxParticipantsPerRoom: number;
	maxRooms: number;
	roomMaxDurationMs: number;
	roomSpillLoad: number;
	/** Cluster mode (REDIS_URL set); undefined: a single node, nothing of the cluster loaded. */
	cluster: { redisUrl: string; nodeId: string; clusterAddress: string } | undefined;
	clientDistDir: string;
	sip: SipSettings | undefined;
	dialInNumber: string | undefined;
	dialInPinDigits: number | undefined;
	drainTimeoutMs: number;
	/** Meeting features turned on (FEATURES); the privacy notice lists their data. */
	features: Feature[];
	presentationMaxBytes: number;
	/** TURN servers for clients; undefined without TURN_URLS. */
	turn: { urls: string[]; secret: string; ttlS: number } | undefined;
	privacy: { controllerName: string; controllerContact: string; dialIn: boolean; turn: boolean };
	auth: {
		mode: 'open' | 'token';
		secret: string | undefined;
		jwksFile: string | undefined;
		jwksUrl: string | undefined;
		issuer: string;
		audience: string;
	};
	metrics: { port: number | undefined; host: string; token: string | undefined; statsIntervalMs: number };
	/** The settings in effect, by name, with secrets replaced: safe to log (defaults filled in). */
	effective: Record<string, string | number>;
};

function firstExternalIPv4(): string | undefined {
	for (const addrs of Object.values(os.networkInterfaces())) {
		for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	}
	return undefined;
}

/**
 * Parses the environment and the PLENUM_CONFIG file; throws an Error naming each bad setting,
 * where it came from and what it allows.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const { values, sources } = readSettings(env, SETTING_NAMES);
	const parsed = Env.safeParse(values);
	if (!parsed.success) throw settingsError(Env.shape, parsed.error.issues, values, sources);
	const e = parsed.data;
	const hasKeys = Boolean(e.JWT_SECRET || e.JWT_JWKS_FILE || e.JWT_JWKS_URL);
	if (e.AUTH_MODE === 'token' && !hasKeys) {
		throw new Error('invalid configuration:\n  AUTH_MODE=token needs JWT_SECRET (HS256, 32+ characters), JWT_JWKS_FILE or JWT_JWKS_URL; there is no default key');
	}
	const workerCount = e.MEDIASOUP_WORKERS || os.availableParallelism();
	const rtcAnnouncedAddress = e.RTC_ANNOUNCED_ADDRESS ?? firstExternalIPv4() ?? '127.0.0.1';
	const cluster = e.REDIS_URL
		? { redisUrl: e.REDIS_URL, nodeId: e.NODE_ID ?? randomBytes(8).toString('base64url'), clusterAddress: e.CLUSTER_ADDRESS ?? rtcAnnouncedAddress }
		: undefined;
	const sip = e.SIP_ENABLED === 'true' ? sipSettings(e, rtcAnnouncedAddress) : undefined;
	const turnUrls = (e.TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
	const badTurnUrl = turnUrls.find((u) => !/^turns?:[^\s]+$/.test(u));
	if (badTurnUrl !== undefined) throw new Error('invalid configuration:\n  TURN_URLS: each entry must start with turn: or turns:');
	if (turnUrls.length > 0 && !e.TURN_SECRET) throw new Error('invalid configuration:\n  TURN_URLS needs TURN_SECRET (coturn static-auth-secret, 32+ characters); there is no default');
	return {
		port: e.PORT,
		host: e.HOST,
		publicUrl: e.PUBLIC_URL,
		allowedOrigins: allowedOrigins(e.ALLOWED_ORIGINS, e.PUBLIC_URL),
		logLevel: e.LOG_LEVEL,
		workerCount,
		rtcPort: e.RTC_PORT,
		rtcListenIp: e.RTC_LISTEN_IP,
		rtcAnnouncedAddress,
		roomEmptyGraceMs: e.ROOM_EMPTY_GRACE_MS,
		reconnectGraceMs: e.RECONNECT_GRACE_MS,
		maxParticipantsPerRoom: e.MAX_PARTICIPANTS_PER_ROOM,
		maxRooms: e.MAX_ROOMS,
		roomMaxDurationMs: e.ROOM_MAX_DURATION_MS,
		roomSpillLoad: e.ROOM_SPILL_LOAD,
		cluster,
		clientDistDir: e.CLIENT_DIST_DIR,
		sip,
		dialInNumber: sip ? e.SIP_DIAL_IN_NUMBER : undefined,
		dialInPinDigits: sip ? e.SIP_PIN_DIGITS : undefined,
		drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
		features: e.FEATURES === 'none' ? [] : FEATURES.filter((f) => e.FEATURES.split(',').includes(f)),
		presentationMaxBytes: e.PRESENTATION_MAX_BYTES,
		turn: turnUrls.length > 0 && e.TURN_SECRET ? { urls: turnUrls, secret: e.TURN_SECRET, ttlS: e.TURN_TTL_S } : undefined,
		privacy: { controllerName: e.PRIVACY_CONTROLLER_NAME, controllerContact: e.PRIVACY_CONTROLLER_CONTACT, dialIn: e.SIP_ENABLED === 'true', turn: Boolean(e.TURN_URLS) },
		auth: { mode: e.AUTH_MODE, secret: e.JWT_SECRET, jwksFile: e.JWT_JWKS_FILE, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
		metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN, statsIntervalMs: e.MEDIA_STATS_INTERVAL_MS },
		effective: publicSettings({ ...e, MEDIASOUP_WORKERS: workerCount, RTC_ANNOUNCED_ADDRESS: rtcAnnouncedAddress, NODE_ID: cluster?.nodeId, CLUSTER_ADDRESS: cluster?.clusterAddress }),
	};
}

type EnvValues = z.infer<typeof Env>;

/** ALLOWED_ORIGINS as browsers serialise origins, else PUBLIC_URL's origin, else undefined (loopback at the listening port). */
function allowedOrigins(list: string | undefined, publicUrl: string | undefined): string[] | undefined {
	if (list === undefined) return publicUrl ? [new URL(publicUrl).origin] : undefined;
	const origins = list.split(',').map((o) => o.trim()).filter(Boolean).map(originOf);
	if (origins.length === 0 || origins.includes(undefined)) {
		throw new Error('invalid configuration:\n  ALLOWED_ORIGINS: each entry must be an origin such as https://meet.example.org or http://localhost:3000 (http or https, host, optional port; no path)');
	}
	return origins as string[];
}

/** `scheme://host[:port]` as a browser sends it in Origin, or undefined if `s` is not just an http(s) origin. */
function originOf(s: string): string | undefined {
	if (!URL.canParse(s)) return undefined;
	const u = new URL(s);
	const bare = u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password;
	return (u.protocol === 'http:' || u.protocol === 'https:') && bare ? u.origin : undefined;
}

function sipSettings(e: EnvValues, rtcAnnounced: string): SipSettings {
	const bad = (line: string) => new Error(`invalid configuration:\n  ${line}`);
	if (!e.SIP_DIAL_IN_NUMBER) throw bad('SIP_ENABLED=true needs SIP_DIAL_IN_NUMBER (the number shown to participants, e.g. "+49 30 1234567")');
	if (e.SIP_TRANSPORT === 'tls' && !(e.SIP_TLS_CERT_FILE && e.SIP_TLS_KEY_FILE)) throw bad('SIP_TRANSPORT=tls needs SIP_TLS_CERT_FILE and SIP_TLS_KEY_FILE');
	const reg = [e.SIP_REGISTRAR, e.SIP_AOR, e.SIP_USERNAME, e.SIP_PASSWORD];
	if (reg.some(Boolean) && !reg.every(Boolean)) throw bad('register mode needs all of SIP_REGISTRAR, SIP_AOR, SIP_USERNAME, SIP_PASSWORD');
	if (e.SIP_RTP_PORT_MIN > e.SIP_RTP_PORT_MAX) throw bad('SIP_RTP_PORT_MIN must not exceed SIP_RTP_PORT_MAX');
	const days = meanDaysToGuess(e.SIP_PIN_DIGITS, e.MAX_ROOMS, e.SIP_PIN_BRIDGE_GUESSES_PER_MINUTE);
	if (days < MIN_DAYS_TO_GUESS) {
		const fit = maxRoomsFor(e.SIP_PIN_DIGITS, e.SIP_PIN_BRIDGE_GUESSES_PER_MINUTE);
		throw bad(`SIP_PIN_DIGITS=${e.SIP_PIN_DIGITS} with MAX_ROOMS=${e.MAX_ROOMS} and SIP_PIN_BRIDGE_GUESSES_PER_MINUTE=${e.SIP_PIN_BRIDGE_GUESSES_PER_MINUTE}: `
			+ `guessing at the bridge's full rate would reach an open room in ${days < 1 ? `${(days * 24).toFixed(1)} hours` : `${days.toFixed(1)} days`} on average; it must take at least ${MIN_DAYS_TO_GUESS} days. `
			+ `Raise SIP_PIN_DIGITS (up to 12), lower SIP_PIN_BRIDGE_GUESSES_PER_MINUTE, or lower MAX_ROOMS (${fit > 0 ? `at most ${fit} with these two` : 'no MAX_ROOMS fits these two'}); see docs/sip.md`);
	}
	const registrarHost = e.SIP_REGISTRAR ? /^sips?:(?:[^@]*@)?([^:;>]+)/.exec(e.SIP_REGISTRAR)?.[1] : undefined;
	const trunkAllow = e.SIP_TRUNK_ALLOW.split(',').map((x) => x.trim()).filter(Boolean);
	return {
		protocol: e.SIP_TRANSPORT,
		listenIp: e.SIP_LISTEN_IP,
		port: e.SIP_PORT,
		announcedHost: e.SIP_ANNOUNCED_HOST ?? rtcAnnounced,
		tls: e.SIP_TLS_CERT_FILE && e.SIP_TLS_KEY_FILE ? { certFile: e.SIP_TLS_CERT_FILE, keyFile: e.SIP_TLS_KEY_FILE } : undefined,
		// In register mode the provider's INVITEs come from its registrar.
		trunkAllow: registrarHost && /^[0-9.:]+$/.test(registrarHost) ? [...trunkAllow, registrarHost] : trunkAllow,
		register: e.SIP_REGISTRAR && e.SIP_AOR && e.SIP_USERNAME && e.SIP_PASSWORD ? { registrar: e.SIP_REGISTRAR, aor: e.SIP_AOR, username: e.SIP_USERNAME, password: e.SIP_PASSWORD } : undefined,
		roomHeader: e.SIP_ROOM_HEADER,
		rtp: { listenIp: e.SIP_RTP_LISTEN_IP, announcedIp: e.SIP_ANNOUNCED_HOST ?? rtcAnnounced, portMin: e.SIP_RTP_PORT_MIN, portMax: e.SIP_RTP_PORT_MAX },
		rtpTimeoutMs: e.SIP_RTP_TIMEOUT_MS,
		language: e.SIP_LANGUAGE,
		maxCalls: e.SIP_MAX_CALLS,
		pinBudget: { perCaller: e.SIP_PIN_GUESSES_PER_MINUTE, perTrunk: e.SIP_PIN_TRUNK_GUESSES_PER_MINUTE, perBridge: e.SIP_PIN_BRIDGE_GUESSES_PER_MINUTE },
	};
}
