import { REACTIONS } from '../../../server/protocol/limits.js';
import { type RequestName, Requests } from '../../../server/protocol/requests.js';

/** mulberry32: small, fast, seeded; the same seed gives the same requests. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One request as it goes on the wire: the event name and the payload's JSON text, verbatim. */
export interface FuzzRequest {
	event: string;
	/** Undefined: no payload argument at all. */
	payload: string | undefined;
	attachments?: Buffer[];
	/** What kind of request this is, for the report. */
	kind: 'valid' | 'mutated' | 'random' | 'deep' | 'unknownName' | 'binary' | 'prototype';
}

/** Largest frame a well-formed fuzz socket sends: under the server's 64 kB, so it is parsed, not dropped. */
export const MAX_FRAME_CHARS = 60_000;

const NAMES = Object.keys(Requests) as RequestName[];
// Not socket.io's reserved names (connect_error, disconnect, …): socket.io drops the connection for those.
const ODD_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'error', 'connect ', 'disconnecting ', '', ' join', 'JOIN', 'x'.repeat(2_000), 'join\u0000', '🎉'];
/** Number literals JSON.stringify never writes: 1e999 parses to Infinity, 1e-999 to 0. */
const ODD_NUMBERS = ['1e999', '-1e999', '-0', '1e-999', '0.5', '-1', '9007199254740993', '1e308', '4294967296'];
const ODD_STRINGS = ['', ' ', '\u202e\u0000', '../../etc/passwd', '<script>alert(1)</script>', '%00', '\ud800', 'x'.repeat(65), 'x'.repeat(5_000), '{"$gt":""}'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** What the fuzzer has learned from answers: real ids make out-of-order calls reach deeper. */
export interface Learned {
	ids: string[];
	rtpCapabilities: unknown;
}

/** Random and half-valid requests from one seeded stream. */
export class FuzzRequests {
	readonly #r: () => number;
	readonly #rooms: readonly string[];

	constructor(seed: number, rooms: readonly string[]) {
		this.#r = prng(seed);
		this.#rooms = rooms;
	}

	next(learned: Learned): FuzzRequest {
		const x = this.#r();
		const event = this.#name();
		if (x < 0.3) return { event, payload: JSON.stringify(this.#valid(event, learned)), kind: 'valid' };
		if (x < 0.6) return { event, payload: this.#mutated(event, learned), kind: 'mutated' };
		if (x < 0.72) return { event, payload: this.#r() < 0.1 ? undefined : this.#randomJson(3), kind: 'random' };
		if (x < 0.8) return { event, payload: this.#deep(), kind: 'deep' };
		if (x < 0.88) return { event: this.#pick(ODD_NAMES), payload: this.#randomJson(2), kind: 'unknownName' };
		if (x < 0.94) return this.#prototype(event, learned);
		return this.#binary();
	}

	#pick<T>(xs: readonly T[]): T {
		return xs[Math.floor(this.#r() * xs.length)] as T;
	}

	#name(): RequestName {
		return this.#pick(NAMES);
	}

	#id(learned: Learned): string {
		return learned.ids.length > 0 && this.#r() < 0.7 ? this.#pick(learned.ids) : this.#pick(['nope', 'x'.repeat(64), '0', ...ODD_STRINGS.slice(0, 3)]);
	}

	#text(max: number): string {
		const n = 1 + Math.floor(this.#r() * max);
		let s = '';
		for (let i = 0; i < n; i++) s += String.fromCharCode(this.#r() < 0.9 ? 32 + Math.floor(this.#r() * 95) : Math.floor(this.#r() * 0xffff));
		return s;
	}

	/** Random bytes as base64: what a Yjs or awareness decoder must survive. */
	#bytes(n: number): string {
		const b = Buffer.alloc(n);
		for (let i = 0; i < n; i++) b[i] = Math.floor(this.#r() * 256);
		return b.toString('base64');
	}

	/** A payload the request's schema accepts (or nearly: ids may be stale). */
	#valid(event: RequestName, l: Learned): Record<string, unknown> {
		const room = this.#pick(this.#rooms);
		const name = this.#text(20);
		const pid = this.#id(l);
		const b = () => this.#r() < 0.5;
		const byName: Record<RequestName, () => Record<string, unknown>> = {
			join: () => ({ roomId: room, displayName: name, ...(b() ? {} : { password: 'pw' }) }),
			knock: () => ({ roomId: room, displayName: name }),
			leave: () => ({}),
			resume: () => ({ roomId: room, participantId: pid, resumeToken: this.#id(l) }),
			setRtpCapabilities: () => ({ rtpCapabilities: l.rtpCapabilities && b() ? l.rtpCapabilities : { codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }], headerExtensions: [] } }),
			createTransport: () => ({ direction: b() ? 'send' : 'recv' }),
			connectTransport: () => ({ transportId: pid, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] } }),
			restartIce: () => ({ transportId: pid }),
			produce: () => ({ transportId: pid, kind: b() ? 'audio' : 'video', source: this.#pick(['mic', 'camera', 'screen', 'screenAudio']), rtpParameters: { codecs: [], encodings: [{ ssrc: 1 }] }, paused: b() }),
			pauseProducer: () => ({ producerId: pid }),
			resumeProducer: () => ({ producerId: pid }),
			closeProducer: () => ({ producerId: pid }),
			consume: () => ({ producerId: pid }),
			pauseConsumer: () => ({ consumerId: pid }),
			resumeConsumer: () => ({ consumerId: pid }),
			setPreferredLayers: () => ({ consumerId: pid, spatialLayer: Math.floor(this.#r() * 3), temporalLayer: Math.floor(this.#r() * 3) }),
			sendChat: () => ({ text: this.#text(200) }),
			muteParticipant: () => ({ participantId: pid }),
			muteAll: () => ({}),
			askToUnmute: () => ({ participantId: pid }),
			stopVideo: () => ({ participantId: pid, source: b() ? 'camera' : 'screen' }),
			removeParticipant: () => ({ participantId: pid, ban: b() }),
			makeModerator: () => ({ participantId: pid }),
			lowerAllHands: () => ({}),
			endMeeting: () => ({}),
			setRoomLock: () => ({ locked: this.#r() < 0.2 }),
			setLobby: () => ({ enabled: this.#r() < 0.2 }),
			setPassword: () => ({ password: this.#r() < 0.8 ? null : 'pw' }),
			admit: () => ({ entryId: pid }),
			deny: () => ({ entryId: pid }),
			admitAll: () => ({}),
			createPoll: () => ({ question: this.#text(50), options: [this.#text(10), this.#text(10)] }),
			vote: () => ({ pollId: pid, option: Math.floor(this.#r() * 10) }),
			closePoll: () => ({ pollId: pid }),
			setHand: () => ({ raised: b() }),
			sendReaction: () => ({ reaction: this.#pick(REACTIONS) }),
			docSync: () => ({ doc: b() ? 'notes' : 'board', stateVector: this.#bytes(b() ? 0 : 40) }),
			docUpdate: () => ({ doc: b() ? 'notes' : 'board', update: this.#bytes(1 + Math.floor(this.#r() * 400)) }),
			docCursor: () => ({ doc: b() ? 'notes' : 'board', update: this.#bytes(1 + Math.floor(this.#r() * 100)) }),
			setNotesLocked: () => ({ locked: b() }),
			setStage: () => ({ shown: this.#pick([{ kind: 'none' }, { kind: 'board', board: Math.floor(this.#r() * 25) }, { kind: 'pdf', presentationId: pid, page: 1 }]) }),
			setPresenter: () => ({ participantId: b() ? null : pid }),
			setDrawing: () => ({ everyone: b(), participantIds: b() ? [] : [pid] }),
			presentationStart: () => ({ name: `${name}.pdf`, size: 1 + Math.floor(this.#r() * 200_000), pages: 1 + Math.floor(this.#r() * 5) }),
			// Part 0 is a PDF's magic or not, at random; other parts random bytes of a part's size or not.
			presentationPart: () => ({ presentationId: pid, index: Math.floor(this.#r() * 3), data: b() ? Buffer.from(`%PDF-1.4 ${name}`).toString('base64') : this.#bytes(1 + Math.floor(this.#r() * 3_000)) }),
			presentationRead: () => ({ presentationId: pid, index: Math.floor(this.#r() * 3) }),
			presentationRemove: () => ({ presentationId: pid }),
			breakoutStart: () => ({ rooms: [{ name, participantIds: b() ? [] : [pid] }, { name: `${name} 2`, participantIds: [] }], allowChoose: b(), durationSeconds: 10 + Math.floor(this.#r() * 100) }),
			breakoutJoin: () => ({ breakoutId: b() ? null : pid }),
			breakoutMove: () => ({ participantId: pid, breakoutId: b() ? null : pid }),
			breakoutExtend: () => ({ seconds: 1 + Math.floor(this.#r() * 600) }),
			breakoutBroadcast: () => ({ text: name }),
			breakoutEnd: () => ({}),
		};
		return byName[event]();
	}

	/** A valid payload with one thing wrong: a key dropped or added, a value of the wrong type or size. */
	#mutated(event: RequestName, l: Learned): string {
		const v = this.#valid(event, l);
		const keys = Object.keys(v);
		const key = keys.length > 0 && this.#r() < 0.7 ? this.#pick(keys) : this.#pick([...PROTO_KEYS, 'extra', 'roomId', '']);
		const x = this.#r();
		const odd = x < 0.25 ? this.#pick(ODD_NUMBERS) : x < 0.5 ? JSON.stringify(this.#pick(ODD_STRINGS)) : x < 0.6 ? JSON.stringify('y'.repeat(40_000)) : x < 0.7 ? undefined : this.#randomJson(2);
		const rest = keys.filter((k) => k !== key).map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`);
		if (odd !== undefined) rest.push(`${JSON.stringify(key)}:${odd}`);
		return `{${rest.join(',')}}`;
	}

	/** Any JSON value, as text, with the odd numbers and strings mixed in. */
	#randomJson(depth: number): string {
		const x = this.#r();
		if (depth <= 0 || x < 0.35) {
			const y = this.#r();
			if (y < 0.25) return this.#pick(ODD_NUMBERS);
			if (y < 0.5) return JSON.stringify(this.#pick(ODD_STRINGS));
			if (y < 0.7) return this.#pick(['null', 'true', 'false', '0', '[]', '{}']);
			return JSON.stringify(this.#text(30));
		}
		const n = Math.floor(this.#r() * 5);
		const items = Array.from({ length: n }, () => this.#randomJson(depth - 1));
		if (x < 0.6) return `[${items.join(',')}]`;
		return `{${items.map((it, i) => `${JSON.stringify(i % 3 === 0 ? this.#pick(PROTO_KEYS) : this.#text(8))}:${it}`).join(',')}}`;
	}

	/** Nesting far deeper than any request: up to ~20 000 levels, under the frame limit. */
	#deep(): string {
		const depth = this.#r() < 0.5 ? 17 + Math.floor(this.#r() * 100) : 1_000 + Math.floor(this.#r() * 19_000);
		const arrays = this.#r() < 0.5;
		const open = arrays ? '[' : '{"a":';
		const close = arrays ? ']' : '}';
		const levels = Math.min(depth, Math.floor((MAX_FRAME_CHARS - 100) / (open.length + 1)));
		const inner = `${open.repeat(levels)}1${close.repeat(levels)}`;
		return this.#r() < 0.5 ? inner : `{"rtpCapabilities":${inner}}`;
	}

	/** Raw `__proto__` / `constructor` keys, as JSON.parse makes own properties of them. */
	#prototype(event: RequestName, l: Learned): FuzzRequest {
		const v = JSON.stringify(this.#valid(event, l)).slice(1, -1);
		const evil = this.#pick(['"__proto__":{"moderator":true,"role":"moderator"}', '"constructor":{"prototype":{"polluted":true}}', '"__proto__":null', '"__proto__":[1,2]']);
		return { event, payload: `{${evil}${v ? `,${v}` : ''}}`, kind: 'prototype' };
	}

	/** A binary attachment where a string or object belongs (socket.io placeholders, valid ones). */
	#binary(): FuzzRequest {
		const room = this.#pick(this.#rooms);
		const payload = this.#r() < 0.5
			? `{"roomId":${JSON.stringify(room)},"displayName":{"_placeholder":true,"num":0}}`
			: '{"rtpCapabilities":{"codecs":{"_placeholder":true,"num":0}}}';
		return { event: this.#pick(['join', 'setRtpCapabilities', 'sendChat']), payload, attachments: [Buffer.alloc(Math.floor(this.#r() * 4_000))], kind: 'binary' };
	}
}
