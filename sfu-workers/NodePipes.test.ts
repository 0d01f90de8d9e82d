import { type Socket, createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomMediaImpl } from './RoomMediaImpl.js';
import { WorkerPool } from './WorkerPool.js';
import { buildRtp } from '../server/sip/rtp/rtpPacket.js';

// Two real worker pools in one process stand for two nodes: a producer fed with RTP on node P
// is piped to node C (SRTP pipe transports on loopback) and consumed there.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SSRC = 11111111;
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: SSRC }] };

/** A minimal RTP packet (RFC 3550 header, opus payload type 100). */
function rtp(seq: number): Buffer {
	return buildRtp({ payloadType: 100, marker: false, sequence: seq, timestamp: seq * 960, ssrc: SSRC, payload: Buffer.alloc(20) });
}

async function udp(): Promise<Socket> {
	const s = createSocket('udp4');
	await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
	return s;
}

const pool = (rtcPort: number) =>
	WorkerPool.create({ workerCount: 1, rtcPort, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', clusterAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log: quiet });

describe('pipes between two nodes (real workers)', () => {
	let pools: WorkerPool[];
	let sockets: Socket[];
	let consumers: types.Consumer[];
	let pipeTransports: types.PipeTransport[];
	let feeder: NodeJS.Timeout | undefined;
	const watch = (w: types.Worker) =>
		w.observer.on('newrouter', (r) =>
			r.observer.on('newtransport', (t) => {
				if (t.type === 'pipe') pipeTransports.push(t as types.PipeTransport);
				else t.observer.on('newconsumer', (c) => consumers.push(c));
			}),
		);

	const rooms = async (): Promise<[RoomMediaImpl, RoomMediaImpl]> => [
		await (pools[0] as WorkerPool).createRoomMedia(quiet),
		await (pools[1] as WorkerPool).createRoomMedia(quiet),
	];

	beforeEach(async () => {
		consumers = [];
		pipeTransports = [];
		sockets = [];
		mediasoup.observer.on('newworker', watch);
		const base = 46000 + Math.floor(Math.random() * 1000) * 2;
		pools = [await pool(base), await pool(base + 1)];
	});
	afterEach(() => {
		clearInterval(feeder);
		mediasoup.observer.off('newworker', watch);
		for (const p of pools) p.close();
		for (const s of sockets) s.close();
	});

	it('pipes a producer P→C with SRTP; packets, pause and close reach the consumer on C', async () => {
		const [mP, mC] = await rooms();
		const [feed, sink] = [await udp(), await udp()];
		sockets.push(feed, sink);
		let received = 0;
		sink.on('message', (m) => { if (m.length >= 12 && ((m[1] as number) & 0x7f) === 100) received++; });

		mP.addParticipant('x');
		const fromX = await mP.createPlainTransport('x', { ip: '127.0.0.1', port: feed.address().port });
		const produced = await mP.produce('x', { transportId: fromX.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false });
		let seq = 0;
		feeder = setInterval(() => feed.send(rtp(seq++), fromX.port, fromX.ip), 20);

		mC.addParticipant('y');
		mC.setRtpCapabilities('y', mC.rtpCapabilities());
		await mC.createPlainTransport('y', { ip: '127.0.0.1', port: sink.address().port });
		const closedOnC: string[] = [];
		mC.on('consumerClosed', (pid, cid) => closedOnC.push(`${pid}:${cid}`));
		// What the MediaAgent does between the nodes: pipe news from P goes to C.
		mP.pipes.on('state', (peer, id, state, version) => { expect(peer).toBe('C'); void mC.pipeState('P', id, state, version); });

		const cEnd = await mC.pipeLink('P');
		const out = await mP.pipeOut(produced.id, 'C', cEnd);
		await mC.pipeIn('P', out.tuple, out.producer);
		// Set up once: a second pipeOut for the same producer and peer reuses the pipe consumer.
		await mP.pipeOut(produced.id, 'C', cEnd);
		expect(mP.pipes.counts()).toEqual({ links: 1, outs: 1, ins: 0 });
		expect(mC.pipes.counts()).toEqual({ links: 1, outs: 0, ins: 1 });
		expect(out.producer.id).toBe(produced.id);
		expect(mC.producers()).toEqual([]); // a piped-in producer is nobody's here

		// SRTP on both ends of the pipe.
		expect(pipeTransports).toHaveLength(2);
		for (const t of pipeTransports) expect(t.srtpParameters?.cryptoSuite).toBeTruthy();
		expect((cEnd.srtpParameters as { keyBase64?: string }).keyBase64).toBeTruthy();

		const info = await mC.consume('y', produced.id);
		await mC.setConsumerPaused('y', info.id, false);
		const consumer = consumers.find((c) => c.id === info.id) as types.Consumer;
		expect(consumer).toBeDefined();
		await expect.poll(async () => (await consumer.getStats()).find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0, { timeout: 5_000 }).toBeGreaterThan(10);
		await expect.poll(() => received, { timeout: 5_000 }).toBeGreaterThan(10);

		await mP.setProducerPaused('x', produced.id, true);
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(true);
		await mP.setProducerPaused('x', produced.id, false);
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(false);

		mP.closeProducer('x', produced.id);
		await expect.poll(() => closedOnC, { timeout: 5_000 }).toEqual([`y:${info.id}`]);
		await expect.poll(() => mC.pipes.counts().ins, { timeout: 5_000 }).toBe(0);
		expect(mP.pipes.counts().outs).toBe(0);
	});

	it('a resume that overtakes the pipeIn (which says paused) is applied once the piped producer exists; older news is not', async () => {
		const [mP, mC] = await rooms();
		const feed = await udp();
		sockets.push(feed);
		mP.addParticipant('x');
		const fromX = await mP.createPlainTransport('x', { ip: '127.0.0.1', port: feed.address().port });
		const produced = await mP.produce('x', { transportId: fromX.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: true });
		const news: [string, 'paused' | 'resumed' | 'closed', number][] = [];
		mP.pipes.on('state', (_peer, id, state, version) => news.push([id, state, version]));
		const out = await mP.pipeOut(produced.id, 'C', await mC.pipeLink('P'));
		expect(out.producer.paused).toBe(true);
		await mP.setProducerPaused('x', produced.id, false);
		await expect.poll(() => news.length, { timeout: 5_000 }).toBe(1);
		// The news reaches C before the pipeIn that still says paused.
		for (const [id, state, version] of news) await mC.pipeState('P', id, state, version);
		await mC.pipeIn('P', out.tuple, out.producer);
		mC.addParticipant('y');
		mC.setRtpCapabilities('y', mC.rtpCapabilities());
		await mC.createTransport('y', 'recv');
		const info = await mC.consume('y', produced.id);
		expect(info.producerPaused).toBe(false);
		// A stale "paused" (version 1 again) changes nothing; a newer one does.
		await mC.pipeState('P', produced.id, 'paused', 1);
		expect(consumers.find((c) => c.id === info.id)?.producerPaused).toBe(false);
		await mC.pipeState('P', produced.id, 'paused', 2);
		await expect.poll(() => consumers.find((c) => c.id === info.id)?.producerPaused, { timeout: 5_000 }).toBe(true);
	});

	it('dropPeer on C closes the piped producer and, silently, its consumers; a stale end on P is replaced on the next pipe', async () => {
		const [mP, mC] = await rooms();
		const feed = await udp();
		sockets.push(feed);
		mP.addParticipant('x');
		const fromX = await mP.createPlainTransport('x', { ip: '127.0.0.1', port: feed.address().port });
		const produced = await mP.produce('x', { transportId: fromX.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false });
		mC.addParticipant('y');
		mC.setRtpCapabilities('y', mC.rtpCapabilities());
		await mC.createTransport('y', 'recv');
		const pipe = async () => {
			const out = await mP.pipeOut(produced.id, 'C', await mC.pipeLink('P'));
			// A retry racing the first call: both succeed, one piped producer.
			await Promise.all([mC.pipeIn('P', out.tuple, out.producer), mC.pipeIn('P', out.tuple, out.producer)]);
			expect(mC.pipes.counts().ins).toBe(1);
		};
		await pipe();
		const info = await mC.consume('y', produced.id);
		const closedOnC: string[] = [];
		mC.on('consumerClosed', (_pid, cid) => closedOnC.push(cid));
		mC.dropPeer('P');
		// The owner knows why (a leave or a loss) and told the room; the consumer closes silently.
		await expect.poll(() => consumers.find((c) => c.id === info.id)?.closed, { timeout: 5_000 }).toBe(true);
		expect(closedOnC).toEqual([]);
		await expect(mC.consume('y', produced.id)).rejects.toMatchObject({ code: 'PLN_PRODUCER_NOT_FOUND' });
		// C made a new end; P notices its end points at the old one and makes a new one too.
		await pipe();
		expect(mP.pipes.counts()).toEqual({ links: 1, outs: 1, ins: 0 });
		await mC.consume('y', produced.id);
	});
});
