import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../test/support/redisServer.js';
import { PlenumError } from '../shared/errors.js';
import { Cluster } from './Cluster.js';
import { roomKey } from './roomKey.js';
import { LEASE_TTL_MS } from './types.js';

const log = pino({ level: 'silent' });
let redis: RedisServer;
let raw: Redis;
const open: Cluster[] = [];
let seq = 0;

async function node(name: string, server = redis, load = 0): Promise<Cluster> {
	const c = await Cluster.connect({
		redisUrl: server.url, nodeId: `${name}-${seq++}`, publicUrl: `http://127.0.0.1:${3000 + seq}`,
		clusterAddress: '127.0.0.1', load: () => ({ load, rooms: 0 }), log,
	});
	open.push(c);
	return c;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await ok())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof PlenumError ? e.code : String(e)));

async function allKeys(r = raw): Promise<string[]> {
	const out: string[] = [];
	let cursor = '0';
	do {
		const [next, batch] = await r.scan(cursor, 'COUNT', 500);
		cursor = next;
		out.push(...batch);
	} while (cursor !== '0');
	return out;
}

beforeAll(async () => {
	redis = await startRedis({ password: 'test-password-1' });
	raw = new Redis(redis.url);
});
afterEach(async () => {
	await Promise.all(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
	raw.disconnect();
	await redis.stop();
});

describe('Cluster', () => {
	it('calls and serves both ways; a PlenumError travels back as its code, anything else as PLN_INTERNAL', async () => {
		const a = await node('a');
		const b = await node('b');
		a.serve('echo', async (p, from) => ({ p, from }));
		b.serve('echo', async (p, from) => ({ p, from }));
		b.serve('full', async () => { throw new PlenumError('PLN_ROOM_FULL'); });
		b.serve('bug', async () => { throw new Error('boom'); });
		expect(await a.call(b.nodeId, 'echo', { x: 1 })).toEqual({ p: { x: 1 }, from: a.nodeId });
		expect(await b.call(a.nodeId, 'echo', [2])).toEqual({ p: [2], from: b.nodeId });
		expect(await code(a.call(b.nodeId, 'full', {}))).toBe('PLN_ROOM_FULL');
		expect(await code(a.call(b.nodeId, 'bug', {}))).toBe('PLN_INTERNAL');
		expect(await code(a.call(b.nodeId, 'nothing', {}))).toBe('PLN_INTERNAL');
		const got: unknown[] = [];
		b.onMessage('news', (d, from) => got.push([d, from]));
		a.send(b.nodeId, 'news', 1);
		a.send(b.nodeId, 'news', 2);
		await until('two messages', () => got.length === 2);
		expect(got).toEqual([[1, a.nodeId], [2, a.nodeId]]);
	});

	it('a call to an unknown node fails at once with PLN_CLUSTER_UNAVAILABLE', async () => {
		const a = await node('a');
		const t0 = Date.now();
		expect(await code(a.call('nobody', 'echo', {}))).toBe('PLN_CLUSTER_UNAVAILABLE');
		expect(Date.now() - t0).toBeLessThan(500);
	});

	it('a message that is not a valid envelope is dropped, and the bus goes on', async () => {
		const a = await node('a');
		a.serve('echo', async (p) => p);
		await raw.publish(`pln:to:${a.nodeId}`, '{"t":"call","id":-1}');
		await raw.publish(`pln:to:${a.nodeId}`, 'not json');
		const b = await node('b');
		expect(await b.call(a.nodeId, 'echo', 'ok')).toBe('ok');
	});

	it('claim is exclusive; handOver moves the lease; takeOver works only on a dead owner', async () => {
		const a = await node('a');
		const b = await node('b');
		expect(await a.claim('Room One')).toBe(true);
		expect(await a.claim('Room One')).toBe(true);
		expect(await b.claim('Room One')).toBe(false);
		expect(await b.owner('Room One')).toBe(a.nodeId);
		expect(await b.takeOver('Room One', 'someone-else')).toBe(false);
		expect(await b.handOver('Room One', a.nodeId)).toBe(false);
		expect(await a.handOver('Room One', b.nodeId)).toBe(true);
		expect(await a.owner('Room One')).toBe(b.nodeId);
		expect(a.ownedRooms()).toEqual([]);
		// b must renew what it was handed: it claims it (already its own).
		expect(await b.claim('Room One')).toBe(true);
		const bId = b.nodeId;
		await b.close();
		expect(await a.takeOver('Room One', bId)).toBe(true);
		expect(await a.owner('Room One')).toBe(a.nodeId);
		expect(a.ownedRooms()).toEqual(['Room One']);
	});

	it('renewal keeps the lease past LEASE_TTL_MS; after close() it expires', async () => {
		const a = await node('a');
		expect(await a.claim('Room Two')).toBe(true);
		// The lease is held without a gap for longer than its TTL.
		const end = Date.now() + LEASE_TTL_MS + 1_000;
		while (Date.now() < end) {
			expect(await raw.get(`pln:room:${roomKey('Room Two')}:owner`)).toBe(a.nodeId);
			await new Promise((r) => setTimeout(r, 100));
		}
		await a.close();
		await until('the lease to expire', async () => (await raw.exists(`pln:room:${roomKey('Room Two')}:owner`)) === 0, LEASE_TTL_MS + 2_000);
	}, 15_000);

	it('state is saved and loaded only by the owner; release leaves no key of the room', async () => {
		const a = await node('a');
		const b = await node('b');
		let lost = '';
		b.on('roomLost', (r) => { lost = r; });
		await a.claim('Room Three');
		await a.save('Room Three', { chat: ['hello'], n: 1 });
		expect(await b.load('Room Three')).toEqual({ chat: ['hello'], n: 1 });
		await b.save('Room Three', { forged: true });
		expect(await a.load('Room Three')).toEqual({ chat: ['hello'], n: 1 });
		expect(lost).toBe('');
		expect(await a.pins.claim('123456', 'Room Three')).toBe(true);
		expect(await b.pins.claim('123456', 'Other Room')).toBe(false);
		expect(await b.pins.roomOf('123456')).toBe('Room Three');
		await b.pins.release('123456');
		expect(await a.pins.roomOf('123456')).toBe('Room Three');
		await a.pins.release('123456');
		await a.release('Room Three');
		const h = roomKey('Room Three');
		expect((await allKeys()).filter((k) => k.includes(h) || k.startsWith('pln:pin:'))).toEqual([]);
		expect(await a.load('Room Three')).toBeUndefined();
		expect(JSON.stringify(await allKeys())).not.toContain('Room');
	});

	it('every key has a TTL while in use', async () => {
		const a = await node('a');
		const b = await node('b');
		await a.claim('Room Four');
		await a.save('Room Four', { x: 1 });
		await b.claim('Room Five');
		await b.pins.claim('654321', 'Room Five');
		const ks = await allKeys();
		expect(ks.length).toBeGreaterThanOrEqual(6);
		for (const k of ks) expect([k, await raw.pttl(k)]).toEqual([k, expect.any(Number)]);
		for (const k of ks) expect(await raw.pttl(k)).toBeGreaterThan(0);
	});

	it('live() lists every node, least loaded first, draining last; isAlive is false at once when a subscription dies', async () => {
		const a = await node('a', redis, 5);
		const b = await node('b', redis, 1);
		const c = await node('c', redis, 0);
		c.setDraining(true);
		await until('three nodes', () => a.live().length === 3);
		await until('c draining', () => a.live().at(-1)?.draining === true);
		expect(a.live().map((n) => n.id)).toEqual([b.nodeId, a.nodeId, c.nodeId]);
		expect(await a.isAlive(b.nodeId)).toBe(true);
		const died: string[] = [];
		a.on('nodeDied', (id) => died.push(id));
		const clients = String(await raw.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
		const id = clients.split('\n').find((l) => l.includes(`name=pln-${b.nodeId} `))?.match(/^id=(\d+)/)?.[1];
		expect(id).toBeDefined();
		await raw.client('KILL', 'ID', String(id));
		expect(await a.isAlive(b.nodeId)).toBe(false);
		expect(died).toEqual([b.nodeId]);
		expect(await a.isAlive('never-was')).toBe(false);
	});

	it('refuses a Redis that persists data', async () => {
		const saving = await startRedis({ args: ['--save', '60 1'] });
		try {
			const p = Cluster.connect({ redisUrl: saving.url, nodeId: 'p', publicUrl: 'http://127.0.0.1:1', clusterAddress: '127.0.0.1', load: () => ({ load: 0, rooms: 0 }), log });
			await expect(p).rejects.toThrow(/deploy\/redis\/redis\.conf/);
		} finally {
			await saving.stop();
		}
	});
});

describe('Cluster while Redis is down', () => {
	it('calls fail with PLN_CLUSTER_UNAVAILABLE and redisDown fires; after a restart redisUp fires and calls work again', async () => {
		const own = await startRedis();
		try {
			const a = await node('a', own);
			const b = await node('b', own);
			b.serve('echo', async (p) => p);
			await a.claim('Room Six');
			expect(await a.call(b.nodeId, 'echo', 1)).toBe(1);
			let down = 0;
			let up = 0;
			a.on('redisDown', () => down++);
			a.on('redisUp', () => up++);
			await own.stop();
			await until('redisDown', () => down === 1);
			expect(await code(a.call(b.nodeId, 'echo', 1))).toBe('PLN_CLUSTER_UNAVAILABLE');
			expect(await code(a.claim('Room Seven'))).toBe('PLN_CLUSTER_UNAVAILABLE');
			await own.restart();
			await until('redisUp', () => up === 1, 10_000);
			await until('calls again', async () => (await code(a.call(b.nodeId, 'echo', 1))) === 'resolved', 10_000);
			// Redis came back empty: the heartbeat took the held lease again.
			await until('the lease back', async () => (await a.owner('Room Six')) === a.nodeId);
			expect(down).toBe(1);
		} finally {
			await Promise.all(open.splice(0).map((c) => c.close()));
			await own.stop();
		}
	});
});

describe('cluster metrics', () => {
	it('count nodes, owned rooms, Redis, calls, failovers and migrations, with no room id in any label', async () => {
		const { Registry } = await import('prom-client');
		const { registerClusterMetrics } = await import('./clusterMetrics.js');
		const a = await node('a');
		const b = await node('b');
		const registry = new Registry();
		registerClusterMetrics(registry, a);
		b.serve('echo', async (p) => p);
		await a.claim('Room Metrics');
		await a.call(b.nodeId, 'echo', 1);
		await code(a.call('nobody', 'echo', 1));
		a.countFailover();
		a.countMigration();
		await until('both nodes', () => a.live().length === 2);
		const text = await registry.metrics();
		expect(text).toContain('plenum_cluster_nodes_alive 2');
		expect(text).toContain('plenum_cluster_rooms_owned 1');
		expect(text).toContain('plenum_cluster_redis_up 1');
		expect(text).toContain('plenum_cluster_calls_total{result="ok"} 1');
		expect(text).toContain('plenum_cluster_calls_total{result="unavailable"} 1');
		expect(text).toContain('plenum_cluster_failovers_total 1');
		expect(text).toContain('plenum_cluster_migrations_total 1');
		expect(text).not.toContain('Room Metrics');
		expect(text).not.toContain(roomKey('Room Metrics'));
	});
});
