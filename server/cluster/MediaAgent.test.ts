import { type Socket, createSocket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../sfu-workers/WorkerPool.js';
import { MemoryHub } from '../../test/fakes/MemoryBus.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { MediaAgent } from './MediaAgent.js';
import type { MediaEvent } from './mediaRpc.js';
import type { ClusterBus, ClusterEvents } from './types.js';
import { buildRtp } from '../sip/rtp/rtpPacket.js';

// Two nodes' agents on real worker pools, the bus in memory; node A plays the room's owner and
// drives node B's share of the room with bus calls, as ClusterRoomMedia does.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ROOM = 'room-1';
const SSRC = 3333;
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: SSRC }] };

function rtp(seq: number): Buffer {
	return buildRtp({ payloadType: 100, marker: false, sequence: seq, timestamp: seq * 960, ssrc: SSRC, payload: Buffer.alloc(20) });
}

interface Node {
	pool: WorkerPool;
	agent: MediaAgent;
	events: TypedEmitter<ClusterEvents>;
	bus: ClusterBus;
}

describe('MediaAgent (real workers, bus in memory)', () => {
	let hub: MemoryHub;
	const lease = 'A';
	let a: Node;
	let b: Node;
	let sockets: Socket[];
	let feeder: NodeJS.Timeout | undefined;
	const node = async (id: string, rtcPort: number): Promise<Node> => {
		const pool = await WorkerPool.create({ workerCount: 1, rtcPort, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', clusterAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log: quiet });
		const events = new TypedEmitter<ClusterEvents>();
		const bus = hub.bus(id);
		return { pool, events, bus, agent: new MediaAgent({ bus, pool, cluster: events, leases: { owner: async () => lease }, draining: () => false, adoptWaitMs: 300, log: quiet }) };
	};
	const udp = async () => {
		const s = createSocket('udp4');
		await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
		sockets.push(s);
		return s;
	};
	/** From A (the owner): a call on B. */
	const onB = (method: string, params: Record<string, unknown>) => a.bus.call('B', method, { roomId: ROOM, ...params });

	beforeEach(async () => {
		hub = new MemoryHub();
		sockets = [];
		const base = 49000 + Math.floor(Math.random() * 1000) * 2;
		a = await node('A', base);
		b = await node('B', base + 1);
	});
	afterEach(() => {
		clearInterval(feeder);
		for (const n of [a, b]) {
			n.agent.close();
			n.pool.close();
		}
		for (const s of sockets) s.close();
	});

	it('only the owner that opened a room drives it; malformed params are refused; a new owner ends the old media', async () => {
		await expect(onB('media.addParticipant', { participantId: 'q' })).rejects.toMatchObject({ code: 'PLN_ROOM_NOT_FOUND' });
		// A node opens a room only as its own owner.
		await expect(b.agent.handle('media.open', { roomId: ROOM, owner: 'A' }, 'C')).rejects.toMatchObject({ code: 'PLN_ROOM_NOT_FOUND' });
		await onB('media.open', { owner: 'A' });
		await onB('media.addParticipant', { participantId: 'q' });
		await onB('media.createTransport', { participantId: 'q', direction: 'recv' });
		await expect(b.agent.handle('media.createTransport', { roomId: ROOM, participantId: 'q', direction: 'recv' }, 'C')).rejects.toMatchObject({ code: 'PLN_ROOM_NOT_FOUND' });
		await expect(onB('media.createTransport', { participantId: 'q', direction: 'sideways' })).rejects.toMatchObject({ code: 'PLN_INVALID_MESSAGE' });
		await expect(onB('media.connectTransport', { participantId: 'q', transportId: 'x', dtlsParameters: 'not an object' })).rejects.toMatchObject({ code: 'PLN_INVALID_MESSAGE' });
		const old = await b.agent.local(ROOM);
		await b.agent.handle('media.open', { roomId: ROOM, owner: 'C' }, 'C');
		await expect.poll(() => old?.closed).toBe(true);
		await expect(onB('media.createTransport', { participantId: 'q', direction: 'recv' })).rejects.toMatchObject({ code: 'PLN_ROOM_NOT_FOUND' });
	});

	it('a pool made without a cluster address: the room cannot open here (it could not pipe)', async () => {
		const pool = await WorkerPool.create({ workerCount: 1, rtcPort: 49000 + Math.floor(Math.random() * 1000) * 2, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', roomSpillLoad: 1000, statsIntervalMs: 0, log: quiet });
		try {
			const agent = new MediaAgent({ bus: hub.bus('D'), pool, cluster: new TypedEmitter<ClusterEvents>(), leases: { owner: async () => undefined }, draining: () => false, log: quiet });
			await expect(agent.handle('media.open', { roomId: ROOM, owner: 'D' }, 'D')).rejects.toMatchObject({ code: 'PLN_INTERNAL' });
			expect(agent.rooms).toBe(0);
		} finally {
			pool.close();
		}
	});

	it('sends the room\'s media events to the owner; the owner dies: the room\'s media here waits for a new owner, then ends', async () => {
		const heard: Array<[MediaEvent, string]> = [];
		a.agent.subscribe(ROOM, (e, from) => heard.push([e, from]));
		await onB('media.open', { owner: 'A' });
		await onB('media.addParticipant', { participantId: 'p' });
		const feed = await udp();
		const t = (await onB('media.createPlainTransport', { participantId: 'p', bridge: { ip: '127.0.0.1', port: feed.address().port } })) as { id: string };
		const produced = (await onB('media.produce', { participantId: 'p', transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false })) as { id: string };
		await onB('media.removeParticipant', { participantId: 'p' });
		await expect.poll(() => heard).toEqual([[{ name: 'producerClosed', participantId: 'p', producerId: produced.id }, 'B']]);
		const media = await b.agent.local(ROOM);
		b.events.emit('nodeDied', 'A');
		expect(b.agent.rooms).toBe(1);
		await expect.poll(() => media?.closed, { timeout: 3_000 }).toBe(true);
		expect(b.agent.rooms).toBe(0);
	});

	it('pipes A→B: traffic counted on both ends; pipe news from a node that did not feed the producer is ignored', async () => {
		await a.agent.handle('media.open', { roomId: ROOM, owner: 'A' }, 'A');
		await onB('media.open', { owner: 'A' });
		const local = (method: string, params: Record<string, unknown>) => a.agent.handle(method as never, { roomId: ROOM, ...params }, 'A');
		await local('media.addParticipant', { participantId: 'x' });
		const feed = await udp();
		const t = (await local('media.createPlainTransport', { participantId: 'x', bridge: { ip: '127.0.0.1', port: feed.address().port } })) as { id: string; ip: string; port: number };
		const produced = (await local('media.produce', { participantId: 'x', transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false })) as { id: string };
		let seq = 0;
		feeder = setInterval(() => feed.send(rtp(seq++), t.port, t.ip), 20);
		const remote = await onB('media.pipeLink', { peer: 'A' });
		const out = (await local('media.pipeOut', { producerId: produced.id, peer: 'B', remote })) as { tuple: unknown; producer: unknown };
		await onB('media.pipeIn', { peer: 'A', remote: out.tuple, producer: out.producer });
		await expect.poll(async () => (await a.agent.pipes()).packetsSent, { timeout: 5_000 }).toBeGreaterThan(10);
		await expect.poll(async () => (await b.agent.pipes()).packetsReceived, { timeout: 5_000 }).toBeGreaterThan(10);
		expect(await a.agent.pipes()).toMatchObject({ links: 1, outs: 1, ins: 0 });
		expect((await a.agent.pipes()).bytesSent).toBeGreaterThan(0);
		expect((await b.agent.pipes()).bytesReceived).toBeGreaterThan(0);
		// C claims the producer closed: B does not believe it (only A feeds it).
		hub.bus('C').send('B', 'media.pipe', { roomId: ROOM, producerId: produced.id, state: 'closed' });
		// A's own news, sent after C's (the hub delivers in order), arrives; C's did nothing.
		await local('media.setProducerPaused', { participantId: 'x', producerId: produced.id, paused: true });
		const mediaB = await b.agent.local(ROOM);
		await expect.poll(() => mediaB?.pipes.piped(produced.id)?.producer.paused, { timeout: 5_000 }).toBe(true);
		expect((await b.agent.pipes()).ins).toBe(1);
		// A's producer closes: B's piped producer follows.
		await local('media.closeProducer', { participantId: 'x', producerId: produced.id });
		await expect.poll(async () => (await b.agent.pipes()).ins, { timeout: 5_000 }).toBe(0);
	});
});
