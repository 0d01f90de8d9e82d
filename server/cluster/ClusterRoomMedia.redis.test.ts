import { type Socket, createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../sfu-workers/WorkerPool.js';
import type { MediaLoss } from '../../sfu-workers/types.js';
import { type RedisServer, startRedis } from '../../test/support/redisServer.js';
import { Cluster } from './Cluster.js';
import { ClusterRoomMedia } from './ClusterRoomMedia.js';
import { MediaAgent } from './MediaAgent.js';
import { buildRtp } from '../sip/rtp/rtpPacket.js';

// The same two-node room as ClusterRoomMedia.test.ts, on the real bus: a loopback redis-server
// without persistence, one Cluster per node, real worker pools. Node A owns the room.
const log = pino({ level: 'silent' });
const ROOM = 'room-on-redis';
const SSRC = 4444;
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: SSRC }] };

function rtp(seq: number): Buffer {
	return buildRtp({ payloadType: 100, marker: false, sequence: seq, timestamp: seq * 960, ssrc: SSRC, payload: Buffer.alloc(20) });
}

interface Node {
	cluster: Cluster;
	pool: WorkerPool;
	agent: MediaAgent;
}

let redis: RedisServer;
beforeAll(async () => {
	redis = await startRedis({ password: 'media-test-password' });
});
afterAll(async () => {
	await redis.stop();
});

describe('ClusterRoomMedia on the Redis bus (real workers)', () => {
	let nodes: Node[];
	let sockets: Socket[];
	let consumers: types.Consumer[];
	let feeder: NodeJS.Timeout | undefined;
	let media: ClusterRoomMedia | undefined;
	const watch = (w: types.Worker) => w.observer.on('newrouter', (r) => r.observer.on('newtransport', (t) => t.observer.on('newconsumer', (c) => consumers.push(c))));
	const node = async (id: string, rtcPort: number): Promise<Node> => {
		const pool = await WorkerPool.create({ workerCount: 1, rtcPort, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', clusterAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log });
		const cluster = await Cluster.connect({ redisUrl: redis.url, nodeId: id, publicUrl: `http://127.0.0.1:${rtcPort}`, clusterAddress: '127.0.0.1', load: () => ({ load: 0, rooms: 0 }), log });
		return { cluster, pool, agent: new MediaAgent({ bus: cluster, pool, cluster, leases: cluster, draining: () => false, log }) };
	};
	const udp = async () => {
		const s = createSocket('udp4');
		await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
		sockets.push(s);
		return s;
	};

	beforeEach(async () => {
		sockets = [];
		consumers = [];
		mediasoup.observer.on('newworker', watch);
		const base = 51000 + Math.floor(Math.random() * 1000) * 2;
		const run = Math.random().toString(36).slice(2, 8);
		nodes = [await node(`a-${run}`, base), await node(`b-${run}`, base + 1)];
	});
	afterEach(async () => {
		clearInterval(feeder);
		media?.close();
		mediasoup.observer.off('newworker', watch);
		for (const n of nodes) {
			n.agent.close();
			n.pool.close();
			await n.cluster.close();
		}
		for (const s of sockets) s.close();
	});

	it('X on A produces, Y on B consumes: packets reach Y through the pipe; B dies: one workerLost with Y and its producer', async () => {
		const [a, b] = nodes as [Node, Node];
		// A sees B in its node table (one heartbeat), so Y's media can go there.
		await expect.poll(() => a.cluster.live().map((n) => n.id), { timeout: 5_000 }).toContain(b.cluster.nodeId);
		media = await ClusterRoomMedia.create({ bus: a.cluster, roomId: ROOM, local: a.agent, nodes: a.cluster, spillLoad: 1000, cluster: a.cluster, log });

		media.addParticipant('x', a.cluster.nodeId);
		const feed = await udp();
		const fromX = await media.createPlainTransport('x', { ip: '127.0.0.1', port: feed.address().port });
		const x = await media.produce('x', { transportId: fromX.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false });
		let seq = 0;
		feeder = setInterval(() => feed.send(rtp(seq++), fromX.port, fromX.ip), 20);

		media.addParticipant('y', b.cluster.nodeId);
		expect(media.nodeOf('y')).toBe(b.cluster.nodeId);
		media.setRtpCapabilities('y', media.rtpCapabilities());
		const sink = await udp();
		let received = 0;
		sink.on('message', (m) => { if (m.length >= 12 && ((m[1] as number) & 0x7f) === 100) received++; });
		const fromY = await media.createPlainTransport('y', { ip: '127.0.0.1', port: sink.address().port });
		const c = await media.consume('y', x.id);
		await media.setConsumerPaused('y', c.id, false);
		const consumer = consumers.find((k) => k.id === c.id) as types.Consumer;
		await expect.poll(async () => (await consumer.getStats()).find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0, { timeout: 5_000 }).toBeGreaterThan(10);
		await expect.poll(() => received, { timeout: 5_000 }).toBeGreaterThan(10);
		expect(await a.agent.pipes()).toMatchObject({ links: 1, outs: 1 });

		// Pause on A reaches B's consumer through the pipe news on the bus.
		await media.setProducerPaused('x', x.id, true);
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(true);
		await media.setProducerPaused('x', x.id, false);
		await expect.poll(() => consumer.producerPaused, { timeout: 5_000 }).toBe(false);

		const y = await media.produce('y', { transportId: fromY.id, kind: 'audio', source: 'mic', rtpParameters: { ...OPUS, encodings: [{ ssrc: 5555 }] }, paused: false });
		const lost = new Promise<MediaLoss>((ok) => media?.once('workerLost', ok));
		b.agent.close();
		b.pool.close();
		await b.cluster.close();
		expect(await lost).toEqual({ participants: ['y'], producers: [y.id] });
		expect(media.needsRebuild('y')).toBe(true);
		expect(media.producers().map((p) => p.id)).toEqual([x.id]);
		await expect.poll(async () => (await a.agent.pipes()).links, { timeout: 5_000 }).toBe(0);
	}, 30_000);
});
