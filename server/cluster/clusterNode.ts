import type { Config } from '../config.js';
import type { Logger } from '../observability/log.js';
import type { RoomOptions } from '../rooms/Room.js';
import { type RegistryLimits, RoomRegistry } from '../rooms/RoomRegistry.js';
import type { WorkerPool } from '../../sfu-workers/WorkerPool.js';
import { Cluster } from './Cluster.js';
import { clusterMediaProvider } from './ClusterRoomMedia.js';
import { ClusterRooms } from './ClusterRooms.js';
import { MediaAgent } from './MediaAgent.js';

export interface ClusterNode {
	cluster: Cluster;
	agent: MediaAgent;
	registry: RoomRegistry;
	rooms: ClusterRooms;
	/** Public URLs of the live nodes that take newcomers: clients fail over to them. */
	failoverUrls(): string[];
	/** Origins whose pages may connect: every node seen, a dead one's too (its pages fail over here). */
	clusterOrigins(): string[];
	close(): Promise<void>;
}

/**
 * Cluster mode's parts on one node (REDIS_URL set): the Redis connection, this node's media
 * agent, a registry whose rooms' media spans the nodes, and room ownership. Never loaded on a
 * single node.
 */
export async function startClusterNode(settings: NonNullable<Config['cluster']>, publicUrl: string, pool: WorkerPool, spillLoad: number, roomOpts: RoomOptions, limits: RegistryLimits, log: Logger): Promise<ClusterNode> {
	let registry: RoomRegistry | undefined;
	const cluster = await Cluster.connect({
		redisUrl: settings.redisUrl,
		nodeId: settings.nodeId,
		publicUrl,
		clusterAddress: settings.clusterAddress,
		load: () => ({ load: pool.loads().reduce((n, w) => n + w.load, 0), rooms: registry?.size ?? 0 }),
		log,
	});
	const agent = new MediaAgent({ bus: cluster, pool, cluster, leases: cluster, draining: () => cluster.self.draining, log });
	registry = new RoomRegistry(clusterMediaProvider({ bus: cluster, local: agent, nodes: cluster, spillLoad, cluster }), roomOpts, log, limits);
	registry.clusterPins = cluster.pins;
	const rooms = new ClusterRooms(cluster, registry, log);
	return {
		cluster, agent, registry, rooms,
		failoverUrls: () => cluster.live().filter((n) => !n.draining).map((n) => n.publicUrl),
		clusterOrigins: () => cluster.seenUrls(),
		close: async () => {
			agent.close();
			await cluster.close();
		},
	};
}
