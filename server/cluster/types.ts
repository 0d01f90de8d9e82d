/**
 * The cluster's contract: what nodes tell each other through Redis. One Redis (or Valkey),
 * no persistence; every key is listed here, every key has a TTL, and a room's keys go when
 * the room closes (invariant 1). Design and threat model: docs/cluster.md.
 *
 * Keys (`h` = roomKey(roomId): a hash, so a SCAN shows no room name):
 * - `pln:node:<nodeId>`      NodeInfo JSON, PX NODE_TTL_MS, rewritten every HEARTBEAT_MS
 * - `pln:room:<h>:owner`     owner nodeId (the lease), PX LEASE_TTL_MS, renewed every HEARTBEAT_MS
 * - `pln:room:<h>:state`     RoomState JSON (names, chat: memory only), PX STATE_TTL_MS, rewritten on change
 * - `pln:pin:<pin>`          roomId of the open room with this dial-in PIN, PX STATE_TTL_MS
 * Pub/sub: channel `pln:to:<nodeId>` carries every NodeMessage addressed to that node.
 */
import type { Json } from '../protocol/media.js';

/** A node's heartbeat period; leases and node entries are rewritten this often. */
export const HEARTBEAT_MS = 1_000;
/** A node whose entry is older than this is dead (issue 15: silent for 5 s). */
export const NODE_TTL_MS = 5_000;
/** A room's owner lease; an owner that stops renewing loses the room after this. */
export const LEASE_TTL_MS = 3_000;
/** A room's replicated state outlives a dead owner this long, for a new owner to take it. */
export const STATE_TTL_MS = 60_000;
/** A call to another node that gets no answer fails with PLN_CLUSTER_UNAVAILABLE after this. */
export const CALL_TIMEOUT_MS = 5_000;

/** What a node publishes about itself in `pln:node:<id>`. Read by every node; never trusted for ownership. */
export interface NodeInfo {
	id: string;
	/** Where browsers reach this node (its PUBLIC_URL); origins of live nodes may connect (CSP, ALLOWED_ORIGINS). */
	publicUrl: string;
	/** Address other nodes' pipe transports send to (CLUSTER_ADDRESS). */
	clusterAddress: string;
	/** Producers + consumers on this node's workers (the unit ROOM_SPILL_LOAD counts in). */
	load: number;
	rooms: number;
	/** SIGTERM/SIGUSR2 received: takes no new rooms or participants. */
	draining: boolean;
	/** Epoch ms of this heartbeat. */
	at: number;
}

/** Node-to-node calls and messages over Redis pub/sub (request/answer by id). */
export interface ClusterBus {
	readonly nodeId: string;
	/** Calls `method` on node `to`; rejects with PLN_CLUSTER_UNAVAILABLE on timeout or when Redis is down. */
	call(to: string, method: string, params: Json): Promise<Json>;
	/** Serves `method` to other nodes; a thrown PlenumError travels back as its code. */
	serve(method: string, fn: (params: Json, from: string) => Promise<Json>): void;
	/** One-way message to a node (ordered per sender and receiver, like Redis pub/sub). */
	send(to: string, topic: string, data: Json): void;
	/** Receives one-way messages of `topic`. */
	onMessage(topic: string, fn: (data: Json, from: string) => void): void;
}

/** Who owns which room: a lease in Redis, taken only by the node itself, never on a client's word. */
export interface RoomLeases {
	/** The owner's node id, or undefined when nobody holds the lease. */
	owner(roomId: string): Promise<string | undefined>;
	/** Takes the lease if free (SET NX); true if this node owns the room now. Renewed until release. */
	claim(roomId: string): Promise<boolean>;
	/** Failover: takes the lease if it is still `deadNodeId`'s (or nobody's); true if this node owns the room now. */
	takeOver(roomId: string, deadNodeId: string): Promise<boolean>;
	/** Gives the lease to `to` (a drain's hand-over), only if this node still holds it. */
	handOver(roomId: string, to: string): Promise<boolean>;
	/** Drops the lease and every key of the room (its close). */
	release(roomId: string): Promise<void>;
}

/** A room's state while it is open, replicated so a new owner can go on after the old one died. */
export interface RoomStateStore {
	save(roomId: string, state: Json): Promise<void>;
	load(roomId: string): Promise<Json | undefined>;
}

/** Dial-in PINs, unique in the cluster. */
export interface ClusterPins {
	/** Takes `pin` for `roomId` (SET NX); false if another open room has it. */
	claim(pin: string, roomId: string): Promise<boolean>;
	roomOf(pin: string): Promise<string | undefined>;
	release(pin: string): Promise<void>;
}

/** The live nodes, as this node last read them (every HEARTBEAT_MS). */
export interface NodeTable {
	readonly self: NodeInfo;
	/** Live nodes (this one included), least loaded first; draining nodes last. */
	live(): NodeInfo[];
	/**
	 * Whether `nodeId` is alive now: its entry is fresh and its pub/sub subscription exists
	 * (PUBSUB NUMSUB), so a killed process is seen dead at once, a powered-off one after NODE_TTL_MS.
	 */
	isAlive(nodeId: string): Promise<boolean>;
}

export type ClusterEvents = {
	/** Each time a node was seen dead (entry expired or its subscription gone); once per death. */
	nodeDied: [nodeId: string];
	/** Redis became unreachable; cluster calls fail with PLN_CLUSTER_UNAVAILABLE until 'redisUp'. */
	redisDown: [];
	/** Redis is reachable again (after a 'redisDown'); leases and the node entry were rewritten. */
	redisUp: [];
	/** This node's lease on a room was found held by another node (it must stop acting as owner). */
	roomLost: [roomId: string];
};

/** Socket relay between the node a client is connected to (its home) and the room's owner. */
export type RelayMessage =
	/** home → owner: a client request (event name, raw payload; the owner validates it again). */
	| { kind: 'request'; conn: string; id: number; event: string; payload: Json }
	/** owner → home: the answer to request `id`. */
	| { kind: 'answer'; conn: string; id: number; answer: Json }
	/** owner → home: a push to the client. */
	| { kind: 'push'; conn: string; event: string; data: Json }
	/** either way: the connection ended (client gone at home, or the owner closed it). */
	| { kind: 'closed'; conn: string };
