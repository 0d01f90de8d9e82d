import { afterAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../server/protocol/errorCodes.js';
import { ask, baseUrl, eventually, metric, rawSocket, uniqueRoomId } from './helpers.js';
import { serverLogLines } from './serverLog.js';
import { FuzzRequests, type FuzzRequest, type Learned, prng } from './support/fuzzRequests.js';
import { type AckResult, RawEngineSocket } from './support/rawEngineSocket.js';

/** FUZZ_SEED=<n> replays a run; the seed is printed with the figures and in every failure. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const SOCKETS = 40;
const REQUESTS_PER_SOCKET = 700;
/** Per socket: under the server's 50/s, so most requests are parsed rather than rate-limited. */
const REQUESTS_PER_SECOND = 40;
const IN_FLIGHT_PER_SOCKET = 8;
/** Sockets that blast far past the rate limit and the burst. */
const BURST_SOCKETS = 3;
const BURST_REQUESTS = 1_000;
const ACK_TIMEOUT_MS = 10_000;

/** Frames that socket.io refuses as a whole: the connection goes, the server stays. */
const KILLER_FRAMES: Array<string | Buffer> = [
	'42["join",{]', '42{"a":1}', '42[]', '42[{}]', '42[null]', '42["disconnect"]', '42["newListener",{}]', '420["connect_error",{}]',
	`42["join",${JSON.stringify('z'.repeat(70_000))}]`, '451-0["join",{"_placeholder":true,"num":7}]', '4', '9', '4x', '40/nope,',
	Buffer.from([0xde, 0xad]), `42${'['.repeat(30_000)}`, '42["join",NaN]', '42["join",Infinity]', '42["join",{"a":undefined}]',
];

const stats = { sent: 0, answered: 0, maxAckMs: 0, lostWithConnection: 0, closedByServer: 0, byCode: new Map<string, number>(), byKind: new Map<string, number>() };
const bad: string[] = [];
const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** The protocol's answer shape: {ok:true,data} or {ok:false,error:{code,message}} with a catalogued code. */
function checkShape(req: FuzzRequest, r: AckResult): void {
	const a = r.answer as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
	const fine = typeof a === 'object' && a !== null && (a.ok === true
		? 'data' in a && Object.keys(a).length === 2
		: a.ok === false && typeof a.error?.code === 'string' && Object.hasOwn(ERRORS, a.error.code) && typeof a.error.message === 'string' && a.error.message.length > 0);
	if (!fine && bad.length < 20) bad.push(`${req.event} ${req.payload?.slice(0, 120)} → ${JSON.stringify(a)?.slice(0, 200)}`);
	inc(stats.byCode, a?.ok === true ? 'ok' : String(a?.error?.code));
	stats.answered++;
	stats.maxAckMs = Math.max(stats.maxAckMs, r.ms);
}

/** Ids and capabilities from an answer, so later requests name real objects (out of order). */
function learn(l: Learned, r: AckResult): void {
	const a = r.answer as { ok?: boolean; data?: Record<string, unknown> } | undefined;
	if (!a?.ok || typeof a.data !== 'object' || a.data === null) return;
	for (const [k, v] of Object.entries(a.data)) {
		if (typeof v === 'string' && /id$|Id$|Token$|ticket/.test(k) && l.ids.length < 200) l.ids.push(v);
		if (k === 'rtpCapabilities') l.rtpCapabilities = v;
	}
}

async function send(s: RawEngineSocket, req: FuzzRequest, l: Learned): Promise<void> {
	stats.sent++;
	inc(stats.byKind, req.kind);
	const r = await Promise.race([s.request(req.event, req.payload, req.attachments), new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), ACK_TIMEOUT_MS))]);
	if (r === 'timeout') bad.push(`no answer within ${ACK_TIMEOUT_MS} ms: ${req.event} ${req.payload?.slice(0, 120)}`);
	else if (r === undefined) stats.lostWithConnection++;
	else {
		checkShape(req, r);
		learn(l, r);
	}
}

/** One fuzzing connection: paced requests, a few in flight, now and then a reconnect. */
async function fuzzSocket(index: number, rooms: string[]): Promise<void> {
	const gen = new FuzzRequests(SEED + index, rooms);
	const coin = prng(SEED * 31 + index);
	const learned: Learned = { ids: [], rtpCapabilities: undefined };
	let s = await RawEngineSocket.open(baseUrl());
	// Most start in a room, so the requests of joined participants get fuzzed too; the rest
	// (and everyone after a leave, a kick or the meeting's end) call out of order.
	if (coin() < 0.7) await send(s, { event: 'join', payload: JSON.stringify({ roomId: rooms[index % rooms.length], displayName: `Fuzzer ${index}` }), kind: 'valid' }, learned);
	const inFlight = new Set<Promise<void>>();
	const started = performance.now();
	for (let i = 0; i < REQUESTS_PER_SOCKET; i++) {
		const due = started + (i * 1000) / REQUESTS_PER_SECOND;
		if (due > performance.now()) await new Promise((ok) => setTimeout(ok, due - performance.now()));
		while (inFlight.size >= IN_FLIGHT_PER_SOCKET) await Promise.race(inFlight);
		if (s.closed) {
			// The server dropped a well-formed connection: counted (it must not), then go on.
			stats.closedByServer++;
			if (bad.length < 20) bad.push(`server closed a well-formed connection (${s.closeInfo?.code}) after ${s.closeInfo?.lastSent}`);
			s = await RawEngineSocket.open(baseUrl());
		}
		if (coin() < 0.004) {
			// Drop the connection (a participant, if any, waits for a resume) and come back.
			await Promise.all(inFlight);
			s.close();
			await s.closedAt;
			s = await RawEngineSocket.open(baseUrl());
		}
		const p = send(s, gen.next(learned), learned).finally(() => inFlight.delete(p));
		inFlight.add(p);
	}
	await Promise.all(inFlight);
	s.close();
}

/** Far past the burst at once: the rest is refused with PLN_RATE_LIMITED, still in shape. */
async function burstSocket(index: number, rooms: string[]): Promise<void> {
	const gen = new FuzzRequests(SEED + 1_000 + index, rooms);
	const learned: Learned = { ids: [], rtpCapabilities: undefined };
	const s = await RawEngineSocket.open(baseUrl());
	await Promise.all(Array.from({ length: BURST_REQUESTS }, () => send(s, gen.next(learned), learned)));
	s.close();
}

/** Frames socket.io itself refuses; each on its own connection. */
async function killerFrames(): Promise<number> {
	let closed = 0;
	for (const frame of KILLER_FRAMES) {
		const s = await RawEngineSocket.open(baseUrl());
		s.sendRaw(frame);
		// Some (an unknown ack id, a bad namespace) are ignored, not fatal: ask something after.
		const after = await Promise.race([s.request('leave', '{}'), new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 3_000))]);
		if (after === undefined) closed++;
		s.close();
	}
	return closed;
}

const memory = async () => ({ rss: await metric('plenum_process_resident_memory_bytes'), heap: await metric('plenum_nodejs_heap_size_used_bytes') });
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

describe('fuzzing the signalling', () => {
	const control: Array<Awaited<ReturnType<typeof rawSocket>>> = [];
	afterAll(() => {
		for (const s of control) s.disconnect();
	});

	it('tens of thousands of random and half-valid requests: every ack in shape, the server healthy, another room unaffected, memory bounded', { timeout: 120_000 }, async () => {
		const started = Date.now();
		const roomsBefore = await metric('plenum_rooms');
		const before = await memory();

		// The control meeting: two participants in a room no fuzzer knows, chatting throughout.
		const [a, b] = [await rawSocket(), await rawSocket()];
		control.push(a, b);
		const controlRoom = uniqueRoomId('fuzz-control');
		expect((await ask(a, 'join', { roomId: controlRoom, displayName: 'Control A' })).ok).toBe(true);
		expect((await ask(b, 'join', { roomId: controlRoom, displayName: 'Control B' })).ok).toBe(true);
		let chatsSent = 0;
		let chatsSeen = 0;
		let controlMaxAckMs = 0;
		const controlFailures: string[] = [];
		b.on('chatMessage', (m: { text: string }) => { if (m.text.startsWith('control ')) chatsSeen++; });
		let fuzzing = true;
		const controlLoop = (async () => {
			while (fuzzing) {
				const t0 = performance.now();
				const ack = await ask(a, 'sendChat', { text: `control ${chatsSent}` }).catch((err: unknown) => ({ ok: false, error: { code: String(err), message: '' } }));
				controlMaxAckMs = Math.max(controlMaxAckMs, performance.now() - t0);
				if (ack.ok) chatsSent++;
				else controlFailures.push(ack.error?.code ?? '?');
				await new Promise((ok) => setTimeout(ok, 1_100)); // under the chat limit of 1/s
			}
		})();

		const rooms = Array.from({ length: 8 }, (_, i) => `fuzz-${SEED}-${i}`);
		const killed = killerFrames();
		await Promise.all([
			...Array.from({ length: SOCKETS }, (_, i) => fuzzSocket(i, rooms)),
			...Array.from({ length: BURST_SOCKETS }, (_, i) => burstSocket(i, rooms)),
		]);
		const closedByKillers = await killed;
		fuzzing = false;
		await controlLoop;
		const fuzzSeconds = (Date.now() - started) / 1000;

		// Healthy: /healthz, a fresh connection works, the control meeting saw every chat line.
		expect((await fetch(`${baseUrl()}/healthz`)).status).toBe(200);
		const fresh = await rawSocket();
		control.push(fresh);
		expect((await ask(fresh, 'join', { roomId: uniqueRoomId('fuzz-after'), displayName: 'After' })).ok).toBe(true);
		await eventually(async () => chatsSeen === chatsSent, 5_000, 'the control participant to get every chat line');
		expect(controlFailures).toEqual([]);
		fresh.disconnect();

		// Memory: once the fuzz rooms closed (grace periods of the test server), back near the start.
		await eventually(async () => (await metric('plenum_rooms')) <= roomsBefore + 1, 20_000, 'the fuzz rooms to close');
		const after = await memory();
		const internalErrors = serverLogLines().filter((l) => l.msg === 'request failed' && Number(l.time) >= started).length;

		const summary = {
			seed: SEED, seconds: fuzzSeconds, sent: stats.sent, answered: stats.answered, lostWithConnection: stats.lostWithConnection, closedByServer: stats.closedByServer,
			maxAckMs: Math.round(stats.maxAckMs), controlMaxAckMs: Math.round(controlMaxAckMs), controlChats: chatsSent,
			killerFrames: KILLER_FRAMES.length, closedByKillers,
			rssBefore: mb(before.rss), rssAfter: mb(after.rss), heapBefore: mb(before.heap), heapAfter: mb(after.heap),
			byKind: Object.fromEntries(stats.byKind), byCode: Object.fromEntries([...stats.byCode].sort((x, y) => y[1] - x[1])),
		};
		process.stdout.write(`fuzz figures: ${JSON.stringify(summary)}\n`);

		expect(bad, `seed ${SEED}`).toEqual([]);
		expect(stats.sent).toBeGreaterThan(20_000);
		expect(stats.answered + stats.lostWithConnection).toBe(stats.sent);
		expect(stats.lostWithConnection).toBe(0);
		expect(stats.closedByServer).toBe(0);
		expect(stats.byCode.get('PLN_INTERNAL') ?? 0, `seed ${SEED}: a bug answered PLN_INTERNAL`).toBe(0);
		expect(internalErrors).toBe(0);
		expect(chatsSent).toBeGreaterThan(5);
		// Generous: the fuzz shares two cores with the server, its workers and Chromium.
		expect(controlMaxAckMs).toBeLessThan(5_000);
		expect(after.heap - before.heap, `heap ${mb(before.heap)} → ${mb(after.heap)}`).toBeLessThan(64 * 2 ** 20);
		expect(after.rss - before.rss, `RSS ${mb(before.rss)} → ${mb(after.rss)}`).toBeLessThan(160 * 2 ** 20);
	});
});
