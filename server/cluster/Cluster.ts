import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../observability/log.js';
import type { Json } from '../protocol/media.js';
import { PlenumError } from '../shared/errors.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { type CallResult, RedisBus } from './RedisBus.js';
import { RoomKeys } from './RoomKeys.js';
import { checkNoPersistence } from './redisPersistence.js';
import { keys } from './roomKey.js';
import {
	type ClusterBus, type ClusterEvents, type ClusterPins, HEARTBEAT_MS, NODE_TTL_MS, type NodeInfo, type NodeTable,
	type RoomLeases, type RoomStateStore,
} from './types.js';

export { roomKey } from './roomKey.js';

export interface ClusterOptions {
	redisUrl: string;
	nodeId: string;
	publicUrl: string;
	clusterAddress: string;
	/** This node's load and open rooms, read at every heartbeat. */
	load: () => { load: number; rooms: number };
	log: Logger;
}

/** For metrics only (clusterMetrics.ts listens; nothing acts on these). */
export type ClusterObserverEvents = {
	/** Each call this node made, once it ended. */
	call: [result: CallResult];
	/** A room this node took over from a dead owner (countFailover). */
	failover: [];
	/** A room this node handed to another node in a drain (countMigration). */
	migration: [];
};

const RECONNECT_CAP_MS = 1_000;
/** After Redis came back, every node needs a moment to rewrite its entry: no deaths seen meanwhile. */
const DEATH_GRACE_MS = 2 * HEARTBEAT_MS + RECONNECT_CAP_MS;
/** A bound on remembered node URLs (a cluster has a few dozen nodes, not thousands). */
const MAX_SEEN_URLS = 1_000;
const NodeInfoJson = z.object({
	id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/), publicUrl: z.url().max(2000), clusterAddress: z.string().min(1).max(255),
	load: z.number().min(0), rooms: z.number().int().min(0), draining: z.boolean(), at: z.number(),
});

/**
 * This node's part of the cluster: two Redis connections (commands; pub/sub), the heartbeat
 * (node entry, lease and state renewal, node table), the bus, leases, state and PINs.
 * It is the ClusterBus, RoomLeases, RoomStateStore and NodeTable; the PINs are `pins` (their
 * claim/release would clash with the leases' names). Created by `connect`; the server owns it
 * and closes it last.
 */
export class Cluster extends TypedEmitter<ClusterEvents> implements ClusterBus, RoomLeases, RoomStateStore, NodeTable {
	readonly nodeId: string;
	readonly observer = new TypedEmitter<ClusterObserverEvents>();
	readonly #o: ClusterOptions;
	readonly #cmd: Redis;
	readonly #sub: Redis;
	readonly #bus: RedisBus;
	readonly #rooms: RoomKeys;
	#up = true;
	#draining = false;
	#closed = false;
	#timer: NodeJS.Timeout | undefined;
	#beating: Promise<void> | undefined;
	#table = new Map<string, NodeInfo>();
	/** Nodes reported dead, until seen alive again. */
	readonly #dead = new Set<string>();
	readonly #seenUrls = new Set<string>();
	#noDeathsUntil = 0;

	/** Connects, checks Redis keeps nothing on disk, subscribes, writes the first heartbeat. */
	static async connect(opts: ClusterOptions): Promise<Cluster> {
		const c = new Cluster(opts);
		try {
			await Promise.all([c.#cmd.connect(), c.#sub.connect()]);
			await checkNoPersistence(c.#cmd, opts.log);
			await c.#sub.subscribe(keys.channel(opts.nodeId));
			await c.#beat();
		} catch (err) {
			c.#cmd.disconnect();
			c.#sub.disconnect();
			throw err;
		}
		c.#watch();
		c.#timer = setInterval(() => { c.#beating ??= c.#beat().finally(() => { c.#beating = undefined; }); }, HEARTBEAT_MS);
		opts.log.info({ node: opts.nodeId }, 'cluster: connected to Redis');
		return c;
	}

	private constructor(o: ClusterOptions) {
		super();
		this.#o = o;
		this.nodeId = o.nodeId;
		const common: RedisOptions = {
			connectionName: `pln-${o.nodeId}`,
			lazyConnect: true,
			maxRetriesPerRequest: 1,
			retryStrategy: (times) => Math.min(times * 100, RECONNECT_CAP_MS),
		};
		// No offline queue: while Redis is down a command fails at once instead of waiting.
		this.#cmd = new Redis(o.redisUrl, { ...common, enableOfflineQueue: false });
		this.#sub = new Redis(o.redisUrl, common);
		// ioredis reports each failed reconnect; the state change is logged once in #watch.
		for (const r of [this.#cmd, this.#sub]) r.on('error', () => {});
		this.#rooms = new RoomKeys(this.#cmd, o.nodeId);
		this.#bus = new RedisBus({
			nodeId: o.nodeId, pub: this.#cmd, sub: this.#sub, log: o.log,
			isUp: () => this.#up && !this.#closed,
			onCall: (result) => this.observer.safeEmit('call', result),
		});
	}

	get redisUp(): boolean {
		return this.#up;
	}

	get self(): NodeInfo {
		const { load, rooms } = this.#o.load();
		const o = this.#o;
		return { id: o.nodeId, publicUrl: o.publicUrl, clusterAddress: o.clusterAddress, load, rooms, draining: this.#draining, at: Date.now() };
	}

	/** Rooms whose lease this node holds now. */
	ownedRooms(): string[] {
		return [...this.#rooms.held];
	}

	setDraining(on: boolean): void {
		this.#draining = on;
		void this.#writeSelf().catch(() => {});
	}

	countFailover(): void {
		this.observer.safeEmit('failover');
	}

	countMigration(): void {
		this.observer.safeEmit('migration');
	}

	// ClusterBus
	call(to: string, method: string, params: Json): Promise<Json> {
		return this.#bus.call(to, method, params);
	}

	serve(method: string, fn: (params: Json, from: string) => Promise<Json>): void {
		this.#bus.serve(method, fn);
	}

	send(to: string, topic: string, data: Json): void {
		if (this.#up && !this.#closed) this.#bus.send(to, topic, data);
	}

	onMessage(topic: string, fn: (data: Json, from: string) => void): void {
		this.#bus.onMessage(topic, fn);
	}

	// RoomLeases
	owner(roomId: string): Promise<string | undefined> {
		return this.#redis(() => this.#rooms.owner(roomId));
	}

	claim(roomId: string): Promise<boolean> {
		return this.#redis(() => this.#rooms.claim(roomId));
	}

	takeOver(roomId: string, deadNodeId: string): Promise<boolean> {
		return this.#redis(() => this.#rooms.takeOver(roomId, deadNodeId));
	}

	handOver(roomId: string, to: string): Promise<boolean> {
		return this.#redis(() => this.#rooms.handOver(roomId, to));
	}

	release(roomId: string): Promise<void> {
		return this.#redis(() => this.#rooms.release(roomId));
	}

	// RoomStateStore
	async save(roomId: string, state: Json): Promise<void> {
		const ours = await this.#redis(() => this.#rooms.save(roomId, state));
		if (!ours && this.#rooms.held.delete(roomId)) this.safeEmit('roomLost', roomId);
	}

	async load(roomId: string): Promise<Json | undefined> {
		const { state, bad } = await this.#redis(() => this.#rooms.load(roomId));
		if (bad) this.#o.log.warn({ code: 'PLN_INTERNAL' }, 'cluster: a saved room state is not a JSON object; ignored');
		return state;
	}

	// ClusterPins
	claimPin(pin: string, roomId: string): Promise<boolean> {
		return this.#redis(() => this.#rooms.claimPin(pin, roomId));
	}

	roomOf(pin: string): Promise<string | undefined> {
		return this.#redis(() => this.#rooms.roomOf(pin));
	}

	releasePin(pin: string): Promise<void> {
		return this.#redis(() => this.#rooms.releasePin(pin));
	}

	/** The ClusterPins interface (claim/roomOf/release), apart from the leases' claim/release. */
	readonly pins: ClusterPins = {
		claim: (pin, roomId) => this.claimPin(pin, roomId),
		roomOf: (pin) => this.roomOf(pin),
		release: (pin) => this.releasePin(pin),
	};

	/**
	 * Public URLs of every node seen since this one started, dead ones too: a page served by a
	 * node that died connects here from that node's origin.
	 */
	seenUrls(): string[] {
		return [...new Set([...this.#seenUrls, this.self.publicUrl])];
	}

	// NodeTable
	live(): NodeInfo[] {
		const nodes = [...this.#table.values()].filter((n) => n.id !== this.nodeId && !this.#dead.has(n.id));
		nodes.push(this.self);
		return nodes.sort((a, b) => Number(a.draining) - Number(b.draining) || a.load - b.load || a.id.localeCompare(b.id));
	}

	async isAlive(nodeId: string): Promise<boolean> {
		if (nodeId === this.nodeId) return !this.#closed;
		const [exists, numsub] = await this.#redis(() => Promise.all([
			this.#cmd.exists(keys.node(nodeId)),
			this.#cmd.pubsub('NUMSUB', keys.channel(nodeId)) as Promise<unknown[]>,
		]));
		const alive = exists === 1 && Number(numsub[1]) > 0;
		if (!alive) this.#died(nodeId);
		return alive;
	}

	/** Stops the heartbeat, deletes this node's entry, disconnects. Leases are left to expire. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#timer);
		await this.#beating;
		this.#bus.failPending();
		await this.#cmd.del(keys.node(this.nodeId)).catch(() => {});
		this.#sub.disconnect();
		await this.#cmd.quit().catch(() => this.#cmd.disconnect());
	}

	/** A Redis command, failing with PLN_CLUSTER_UNAVAILABLE while Redis is unreachable. */
	async #redis<T>(fn: () => Promise<T>): Promise<T> {
		if (this.#closed) throw new PlenumError('PLN_STATE_CLOSED');
		if (!this.#up) throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
		try {
			return await fn();
		} catch (err) {
			throw err instanceof PlenumError ? err : new PlenumError('PLN_CLUSTER_UNAVAILABLE', { cause: err });
		}
	}

	#watch(): void {
		this.#cmd.on('close', () => {
			if (!this.#up || this.#closed) return;
			this.#up = false;
			this.#bus.failPending();
			this.#o.log.warn({ code: 'PLN_CLUSTER_UNAVAILABLE' }, 'cluster: Redis unreachable; reconnecting');
			this.safeEmit('redisDown');
		});
		this.#cmd.on('ready', () => {
			if (this.#up || this.#closed) return;
			this.#up = true;
			this.#noDeathsUntil = Date.now() + DEATH_GRACE_MS;
			void this.#beat().finally(() => {
				this.#o.log.info({}, 'cluster: Redis reachable again');
				this.safeEmit('redisUp');
			});
		});
	}

	#writeSelf(): Promise<unknown> {
		return this.#cmd.set(keys.node(this.nodeId), JSON.stringify(this.self), 'PX', NODE_TTL_MS);
	}

	/** One heartbeat; a failure (Redis down) waits for the next. */
	async #beat(): Promise<void> {
		if (!this.#up || this.#closed) return;
		try {
			await this.#writeSelf();
			await Promise.all([...this.#rooms.held].map(async (roomId) => {
				if (!(await this.#rooms.renew(roomId)) && this.#rooms.held.delete(roomId)) this.safeEmit('roomLost', roomId);
			}));
			await this.#rooms.renewPins();
			await this.#readTable();
		} catch (err) {
			this.#o.log.debug({ err }, 'cluster: heartbeat failed');
		}
	}

	/** Reads every node entry (and subscription): a node gone from either is dead. */
	async #readTable(): Promise<void> {
		const names: string[] = [];
		let cursor = '0';
		do {
			const [next, batch] = await this.#cmd.scan(cursor, 'MATCH', keys.nodePattern, 'COUNT', 200);
			cursor = next;
			names.push(...batch);
		} while (cursor !== '0');
		const values = names.length > 0 ? await this.#cmd.mget(...names) : [];
		const table = new Map<string, NodeInfo>();
		for (const v of values) {
			const n = v === null ? undefined : parseNode(v);
			if (n) table.set(n.id, n);
		}
		const others = [...table.keys()].filter((id) => id !== this.nodeId);
		const subs = others.length > 0 ? (await this.#cmd.pubsub('NUMSUB', ...others.map(keys.channel))) as unknown[] : [];
		others.forEach((id, i) => { if (!(Number(subs[2 * i + 1]) > 0)) table.delete(id); });
		for (const id of this.#table.keys()) if (!table.has(id) && id !== this.nodeId) this.#died(id);
		for (const id of table.keys()) this.#dead.delete(id);
		for (const n of table.values()) if (this.#seenUrls.size < MAX_SEEN_URLS) this.#seenUrls.add(n.publicUrl);
		this.#table = table;
	}

	#died(nodeId: string): void {
		if (Date.now() < this.#noDeathsUntil || this.#dead.has(nodeId) || !this.#table.has(nodeId)) return;
		this.#dead.add(nodeId);
		this.#table.delete(nodeId);
		this.#o.log.info({ node: nodeId }, 'cluster: node dead');
		this.safeEmit('nodeDied', nodeId);
	}
}

function parseNode(text: string): NodeInfo | undefined {
	try {
		const parsed = NodeInfoJson.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}
