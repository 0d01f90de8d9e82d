import dgram from 'node:dgram';
import g711 from 'alawmulaw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PhoneLeg, SAMPLES_PER_FRAME } from './PhoneLeg.js';
import { newSealKey, SEAL_OVERHEAD } from './RelaySeal.js';
import { buildRtp, parseRtp } from './rtpPacket.js';

// Dial-in across nodes over loopback UDP: a phone (a plain socket) → B's leg (relaying) → a
// sniffing socket between the nodes → A's leg (hosting), and back.
const LO = '127.0.0.1';
const PCMU = { name: 'PCMU' as const, payloadType: 0 };
const DTMF_PT = 101;

interface Sock {
	socket: dgram.Socket;
	port: number;
	got: { buf: Buffer; port: number }[];
}

async function udp(): Promise<Sock> {
	const socket = dgram.createSocket('udp4');
	await new Promise<void>((ok) => socket.bind(0, LO, () => ok()));
	const s: Sock = { socket, port: socket.address().port, got: [] };
	socket.on('message', (buf, r) => s.got.push({ buf, port: r.port }));
	return s;
}

const send = (s: Sock, buf: Buffer, port: number) => new Promise<void>((ok) => s.socket.send(buf, port, LO, () => ok()));
const tone = (n: number) => Int16Array.from({ length: SAMPLES_PER_FRAME }, (_, i) => Math.round(8000 * Math.sin((i + n) / 3)));
const rtp = (payloadType: number, sequence: number, payload: Buffer, timestamp = sequence * SAMPLES_PER_FRAME) =>
	buildRtp({ payloadType, marker: false, sequence, timestamp, ssrc: 1234, payload });

describe('PhoneLeg relayed between nodes', () => {
	let phone: Sock;
	let wire: Sock;
	let stranger: Sock;
	let b: PhoneLeg;
	let a: PhoneLeg;

	beforeEach(async () => {
		[phone, wire, stranger] = await Promise.all([udp(), udp(), udp()]);
		[b, a] = await Promise.all([PhoneLeg.open(LO, 0, 0), PhoneLeg.open(LO, 0, 0)]);
		const key = newSealKey();
		const params = { codec: PCMU, dtmfPayloadType: DTMF_PT, send: true, receive: true };
		b.configure({ remote: { address: LO, port: phone.port }, ...params });
		b.relayTo({ address: LO, port: wire.port, key });
		a.sealWith(key);
		a.configure({ remote: { address: LO, port: wire.port }, ...params });
		// The wire between the nodes forwards each way and keeps what it saw.
		wire.socket.on('message', (buf, r) => wire.socket.send(buf, r.port === b.port ? a.port : b.port, LO));
	});

	afterEach(() => {
		a.close();
		b.close();
		for (const s of [phone, wire, stranger]) s.socket.close();
	});

	it("the phone's audio and DTMF reach the host, sealed on the wire, and the host's audio reaches the phone", async () => {
		const frames = [0, 1, 2, 3].map((n) => Buffer.from(g711.mulaw.encode(tone(n))));
		for (const [i, f] of frames.entries()) await send(phone, rtp(PCMU.payloadType, 100 + i, f), b.port);
		const digits: string[] = [];
		a.on('dtmf', (d) => digits.push(d));
		// One key press: its packets share a timestamp.
		await send(phone, rtp(DTMF_PT, 104, Buffer.from([5, 0x0a, 0, 160]), 104 * SAMPLES_PER_FRAME), b.port);
		await send(phone, rtp(DTMF_PT, 105, Buffer.from([5, 0x8a, 0, 160]), 104 * SAMPLES_PER_FRAME), b.port);

		await vi.waitFor(() => expect(a.jitter.received).toBe(4));
		await vi.waitFor(() => expect(digits).toEqual(['5']));
		expect(a.nextFrame()).toEqual(g711.mulaw.decode(frames[0]!));
		expect(a.nextFrame()).toEqual(g711.mulaw.decode(frames[1]!));

		const pcm = g711.mulaw.decode(g711.mulaw.encode(tone(9)));
		for (let i = 0; i < 3; i++) a.send(pcm);
		await vi.waitFor(() => expect(phone.got.length).toBe(3));
		for (const { buf, port } of phone.got) {
			expect(port).toBe(b.port);
			const pkt = parseRtp(buf);
			expect(pkt?.payloadType).toBe(PCMU.payloadType);
			expect(g711.mulaw.decode(pkt!.payload)).toEqual(pcm);
		}

		// What crossed between the nodes: 6 packets to A, 3 back; none readable as RTP or holding a payload.
		const toA = wire.got.filter((g) => g.port === b.port);
		const toB = wire.got.filter((g) => g.port === a.port);
		expect([toA.length, toB.length]).toEqual([6, 3]);
		for (const { buf } of wire.got) {
			expect(parseRtp(buf)).toBeUndefined();
			for (const f of frames) expect(buf.includes(f.subarray(0, 16))).toBe(false);
			expect(buf.includes(phone.got[0]!.buf.subarray(12, 28))).toBe(false);
		}
		expect(toA[0]!.buf.length).toBe(12 + 160 + SEAL_OVERHEAD);
	});

	it('a key press captured on the wire and replayed is not a second press', async () => {
		const digits: string[] = [];
		a.on('dtmf', (d) => digits.push(d));
		await send(phone, rtp(DTMF_PT, 1, Buffer.from([6, 0x0a, 0, 160]), 800), b.port);
		await send(phone, rtp(DTMF_PT, 2, Buffer.from([6, 0x8a, 0, 160]), 800), b.port);
		await vi.waitFor(() => expect(digits).toEqual(['6']));
		for (const { buf } of wire.got) await send(wire, buf, a.port);
		await vi.waitFor(() => expect(a.unopened).toBe(2));
		expect(digits).toEqual(['6']);
	});

	it('the host drops plain or foreign RTP and is not latched by it', async () => {
		await send(stranger, rtp(PCMU.payloadType, 1, Buffer.alloc(160, 0x7f)), a.port);
		await send(stranger, rtp(DTMF_PT, 2, Buffer.from([1, 0x8a, 0, 160])), a.port);
		await vi.waitFor(() => expect(a.unopened).toBe(2));
		expect(a.jitter.received).toBe(0);
		a.send(new Int16Array(SAMPLES_PER_FRAME));
		await vi.waitFor(() => expect(wire.got.length).toBe(1)); // still sent to the caller's node
		expect(stranger.got).toEqual([]);
	});

	it("the caller's node drops what comes from the host's address but does not open", async () => {
		// Start the phone's stream so B is latched, then let the wire change A's answers.
		await send(phone, rtp(PCMU.payloadType, 1, Buffer.alloc(160, 0x7f)), b.port);
		await vi.waitFor(() => expect(a.jitter.received).toBe(1));
		wire.socket.removeAllListeners('message');
		wire.socket.on('message', (buf, r) => {
			wire.got.push({ buf, port: r.port });
			if (r.port !== a.port) return;
			const bad = Buffer.from(buf);
			bad[20] = bad[20]! ^ 0xff;
			wire.socket.send(bad, b.port, LO);
		});
		a.send(new Int16Array(SAMPLES_PER_FRAME));
		await send(wire, rtp(PCMU.payloadType, 9, Buffer.alloc(160, 0x7f)), b.port); // plain, from the host's address
		await vi.waitFor(() => expect(b.unopened).toBe(2));
		expect(phone.got).toEqual([]);
	});
});
