import { type Socket, createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../sfu-workers/WorkerPool.js';
import type { MediaLoss } from '../../sfu-workers/types.js';
import { MemoryHub } from '../../test/fakes/MemoryBus.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { type ClusterRoomMedia, clusterMediaProvider } from './ClusterRoomMedia.js';
import { MediaAgent } from './MediaAgent.js';
import type { ClusterBus, ClusterEvents, NodeInfo, NodeTable } from './types.js';
import { buildRtp } from '../sip/rtp/rtpPacket.js';

// Two nodes in one process: real worker pools, one MediaAgent each, the bus in memory (JSON on
// the way, as over Redis). The room is owned by node A; participants have media on A and B.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ROOM = 'room-1';
const opus = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });

function rtp(seq: number, ssrc: number): Buffer {
	return buildRtp({ payloadType: 100, marker: false, sequence: seq, timestamp: seq * 960, ssrc: ssrc, payload: Buffer.alloc(20) });
}

async function udp(): Promise<Socket> {
	const s = createSocket('udp4');
	await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
	return s;
}

interface Node {
	id: string;
	pool: WorkerPool;
	agent: MediaAgent;
	events: TypedEmitter<ClusterEvents>;
	bus: ClusterBus;
}

describe('ClusterRoomMedia across two nodes (real workers, bus in memory)', () => {
	let hub: MemoryHub;
	let nodes: Node[];
	let loads: Record<string, number>;
	let sockets: Socket[];
	let consumers: types.Consumer[];
	let timers: NodeJS.Timeout[];
	let media: ClusterRoomMedia;
	let workers: types.Worker[];
	/** Who holds the room's lease, as the agents ask Redis. */
	let lease = 'A';
	const watch = (w: types.Worker) => workers.push(w) && w.observer.on('newrouter', (r) => r.observer.on('newtransport', (t) => t.observer.on('newconsumer', (c) => consumers.push(c))));
	const info = (id: string): NodeInfo => ({ id, publicUrl: `http://${id}`, clusterAddress: '127.0.0.1', load: loads[id] ?? 0, rooms: 0, draining: false, at: Date.now() });
	const table = (self: string): NodeTable => ({
		get self() { return info(self); },
		live: () => nodes.filter((n) => loads[n.id] !== undefined).map((n) => info(n.id)).sort((a, b) => a.load - b.load),
		isAlive: async (id) => loads[id] !== undefined,
	});
	const node = async (id: string, rtcPort: number): Promise<Node> => {
		const pool = await WorkerPool.create({ workerCount: 1, rtcPort, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', clusterAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log: quiet });
		const events = new TypedEmitter<ClusterEvents>();
		const bus = hub.bus(id);
		return { id, pool, events, bus, agent: new MediaAgent({ bus, pool, cluster: events, leases: { owner: async () => lease }, draining: () => false, log: quiet }) };
	};
	const A = () => nodes[0] as Node;
	const B = () => nodes[1] as Node;
	/** A participant sending opus over a plain transport from a socket we feed. */
	const publisher = async (pid: string, home: string, ssrc: number) => {
		media.addParticipant(pid, home);
		const feed = await udp();
		sockets.push(feed);
		const t = await media.createPlainTransport(pid, { ip: '127.0.0.1', port: feed.address().port });
		const p = await media.produce(pid, { transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: opus(ssrc), paused: false });
		let seq = 0;
		timers.push(setInterval(() => feed.send(rtp(seq++, ssrc), t.port, t.ip), 20));
		return p;
	};
	const subscriber = async (pid: string, home: string) => {
		media.addParticipant(pid, home);
		media.setRtpCapabilities(pid, media.rtpCapabilities());
		const sink = await udp();
		sockets.push(sink);
		return media.createPlainTransport(pid, { ip: '127.0.0.1', port: sink.address().port });
	};
	const sent = async (consumerId: string) => {
		const c = consumers.find((x) => x.id === consumerId);
		return ((await c?.getStats()) ?? []).find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0;
	};

	beforeEach(async () => {
		hub = new MemoryHub();
		sockets = [];
		consumers = [];
		workers = [];
		timers = [];
		loads = { A: 0, B: 0 };
		lease = 'A';
		mediasoup.observer.on('newworker', watch);
		const base = 47000 + Math.floor(Math.random() * 1000) * 2;
		nodes = [await node('A', base), await node('B', base + 1)];
		// As the RoomRegistry gets it in cluster mode.
		const provider = clusterMediaProvider({ bus: A().bus, local: A().agent, nodes: table('A'), spillLoad: 100, cluster: A().events });
		media = (await provider.createRoomMedia(quiet, ROOM)) as ClusterRoomMedia;
	});
	afterEach(() => {
		for (const t of timers) clearInterval(t);
		media.close();
		mediasoup.observer.off('newworker', watch);
		for (const n of nodes) {
			n.agent.close();
			n.pool.close();
		}
		for (const s of sockets) s.close();
	});

	it('X on node A produces, Y on node B consumes through a pipe: packets reach Y; pause and close follow', async () => {
		const x = await publisher('x', 'A', 1111);
		await subscriber('y', 'B');
		expect(media.nodeOf('y')).toBe('B');
		const closed: string[] = [];
		media.on('consumerClosed', (pid, cid) => closed.push(`${pid}:${cid}`));
		// Two concurrent consumes of one producer on one node share one pipe.
		const [c1] = await Promise.all([media.consume('y', x.id), media.consume('y', x.id).catch(() => undefined)]);
		await media.setConsumerPaused('y', c1.id, false);
		await expect.poll(() => sent(c1.id), { timeout: 5_000 }).toBeGreaterThan(10);
		const onA = await A().agent.local(ROOM);
		const onB = await B().agent.local(ROOM);
		expect(onA?.pipes.counts()).toEqual({ links: 1, outs: 1, ins: 0 });
		expect(onB?.pipes.counts()).toEqual({ links: 1, outs: 0, ins: 1 });
		expect(media.producers().map((p) => p.id)).toEqual([x.id]);

		await media.setProducerPaused('x', x.id, true);
		const consumer = consumers.find((c) => c.id === c1.id) as types.Consumer;
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(true);
		await media.setProducerPaused('x', x.id, false);
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(false);

		media.closeProducer('x', x.id);
		await expect.poll(() => closed, { timeout: 5_000 }).toContain(`y:${c1.id}`);
		expect(media.producers()).toEqual([]);
	});

	it('Y on node B also publishes; X on A consumes it; B dies: one workerLost with Y and its producers', async () => {
		const x = await publisher('x', 'A', 1111);
		// Y's plain transport both receives and sends.
		const fromY = await subscriber('y', 'B');
		const y = await media.produce('y', { transportId: fromY.id, kind: 'audio', source: 'mic', rtpParameters: opus(2222), paused: false });
		await media.consume('y', x.id);
		media.setRtpCapabilities('x', media.rtpCapabilities());
		const sink = await udp();
		sockets.push(sink);
		await media.createPlainTransport('x', { ip: '127.0.0.1', port: sink.address().port });
		await media.consume('x', y.id);
		// Y's mic is piped to the owner too, for the room's one active-speaker observer.
		const onA = await A().agent.local(ROOM);
		expect(onA?.pipes.counts().ins).toBe(1);
		const events: string[] = [];
		media.on('consumerClosed', () => events.push('consumerClosed'));
		media.on('producerClosed', () => events.push('producerClosed'));
		const lost = new Promise<MediaLoss>((ok) => media.once('workerLost', ok));

		hub.cut('B');
		B().agent.close();
		B().pool.close();
		delete loads.B;
		for (const n of nodes) n.events.emit('nodeDied', 'B');
		expect(await lost).toEqual({ participants: ['y'], producers: [y.id] });
		expect(media.needsRebuild('y')).toBe(true);
		expect(media.needsRebuild('x')).toBe(false);
		expect(media.producers().map((p) => p.id)).toEqual([x.id]);
		// A dropped its pipe to B.
		await expect.poll(async () => (await A().agent.local(ROOM))?.pipes.counts().links, { timeout: 5_000 }).toBe(0);
		// Y rebuilds on a live node (A now), as a resumed participant would.
		await media.createTransport('y', 'recv');
		expect(media.nodeOf('y')).toBe('A');
		expect(media.needsRebuild('y')).toBe(false);
		await media.consume('y', x.id);
		expect(events.filter((e) => e === 'producerClosed')).toEqual([]);
	});

	it('the owner A dies; B takes the room over and adopts its media on B: Y keeps its producer and transport, nothing to rebuild', async () => {
		await publisher('x', 'A', 1111);
		const fromY = await subscriber('y', 'B');
		const y = await media.produce('y', { transportId: fromY.id, kind: 'audio', source: 'mic', rtpParameters: opus(2222), paused: false });
		// A node without the lease adopts nothing.
		await expect(B().agent.handle('media.adopt', { roomId: ROOM, owner: 'B' }, 'B')).rejects.toMatchObject({ code: 'PLN_ROOM_NOT_FOUND' });
		const before = await B().agent.local(ROOM);
		hub.cut('A');
		A().agent.close();
		A().pool.close();
		delete loads.A;
		B().events.emit('nodeDied', 'A');
		lease = 'B';
		const provider = clusterMediaProvider({ bus: B().bus, local: B().agent, nodes: table('B'), spillLoad: 100, cluster: B().events });
		const next = (await provider.createRoomMedia(quiet, ROOM, true)) as ClusterRoomMedia;
		try {
			expect(next.producers().map((p) => p.id)).toEqual([y.id]);
			expect(next.nodeOf('y')).toBe('B');
			expect(next.needsRebuild('y')).toBe(false);
			expect(next.keepsMedia('y', 'B')).toBe(true);
			// The same room media on B, now driven by B: not ended and made again.
			expect(await B().agent.local(ROOM)).toBe(before);
			expect((await next.setProducerPaused('y', y.id, true)).paused).toBe(true);
			// X was on A: not adopted, it starts again when it resumes.
			expect(next.keepsMedia('x', 'B')).toBe(false);
		} finally {
			next.close();
		}
	});

	it('a worker dies on node B: one workerLost with Y; X\'s consumer of Y on A closes silently; Y rebuilds on B', async () => {
		const x = await publisher('x', 'A', 1111);
		const fromY = await subscriber('y', 'B');
		const y = await media.produce('y', { transportId: fromY.id, kind: 'audio', source: 'mic', rtpParameters: opus(2222), paused: false });
		media.setRtpCapabilities('x', media.rtpCapabilities());
		const sink = await udp();
		sockets.push(sink);
		await media.createPlainTransport('x', { ip: '127.0.0.1', port: sink.address().port });
		const xy = await media.consume('x', y.id);
		await media.consume('y', x.id);
		const events: string[] = [];
		media.on('consumerClosed', (pid) => events.push(`consumerClosed:${pid}`));
		const lost = new Promise<MediaLoss>((ok) => media.once('workerLost', ok));
		process.kill((workers[1] as types.Worker).pid, 'SIGKILL');
		expect(await lost).toEqual({ participants: ['y'], producers: [y.id] });
		await expect.poll(() => consumers.find((c) => c.id === xy.id)?.closed, { timeout: 5_000 }).toBe(true);
		expect(media.needsRebuild('y')).toBe(true);
		// B's pool starts a new worker; Y's media is made there again.
		await expect.poll(() => media.createTransport('y', 'recv').then(() => 'ok', (e) => e.code), { timeout: 10_000, interval: 250 }).toBe('ok');
		expect(media.nodeOf('y')).toBe('B');
		expect(media.needsRebuild('y')).toBe(false);
		expect(events).toEqual([]);
	}, 15_000);

	it('a worker dies on the owner A: Y\'s mic on B is piped to A again for the room\'s speaker observer', async () => {
		await publisher('x', 'A', 1111);
		const fromY = await subscriber('y', 'B');
		await media.produce('y', { transportId: fromY.id, kind: 'audio', source: 'mic', rtpParameters: opus(2222), paused: false });
		await expect.poll(async () => (await A().agent.pipes()).ins, { timeout: 5_000 }).toBe(1);
		const lost = new Promise<MediaLoss>((ok) => media.once('workerLost', ok));
		process.kill((workers[0] as types.Worker).pid, 'SIGKILL');
		expect((await lost).participants).toEqual(['x']);
		await expect.poll(async () => (await A().agent.pipes()).ins, { timeout: 10_000, interval: 250 }).toBe(0);
		// A's pool starts a new worker, the room's media there recovers, the mic is piped again.
		await expect.poll(async () => (await A().agent.pipes()).ins, { timeout: 12_000, interval: 250 }).toBe(1);
		expect(media.needsRebuild('y')).toBe(false);
	}, 20_000);

	it('a home node past the spill load takes no newcomer: its media goes to the least-loaded live node (not a phone leg\'s)', async () => {
		loads = { A: 500, B: 3 };
		media.addParticipant('z', 'A');
		expect(media.nodeOf('z')).toBe('B');
		await media.createTransport('z', 'recv');
		expect(B().agent.rooms).toBe(1);
		// Its node's room media ends with its last participant there.
		media.removeParticipant('z');
		await expect.poll(() => B().agent.rooms, { timeout: 5_000 }).toBe(0);
		// A phone leg's bridge socket lives on its home node: its media stays there, spill or not.
		media.addParticipant('phone', 'A');
		expect(media.nodeOf('phone')).toBe('B');
		const bridge = await udp();
		sockets.push(bridge);
		await media.createPlainTransport('phone', { ip: '127.0.0.1', port: bridge.address().port });
		expect(media.nodeOf('phone')).toBe('A');
		await expect.poll(() => B().agent.rooms, { timeout: 5_000 }).toBe(0);
	});
});
