import { Counter, Gauge, type Registry } from 'prom-client';
import type { CallResult } from './RedisBus.js';
import type { Cluster } from './Cluster.js';

const CALL_RESULTS: readonly CallResult[] = ['ok', 'error', 'unavailable', 'timeout'];

/**
 * The cluster's metrics on the node's /metrics registry. Gauges read the Cluster at scrape
 * time; counters follow its `observer` (failovers and migrations are counted by whoever does
 * them: `cluster.countFailover()`, `cluster.countMigration()`). No room or node id as a label.
 */
export function registerClusterMetrics(registry: Registry, cluster: Cluster): void {
	const registers = [registry];
	const gauge = (name: string, help: string, read: () => number) =>
		new Gauge({ name, help, registers, collect() { this.set(read()); } });
	gauge('plenum_cluster_nodes_alive', 'Live nodes in the cluster as this node last read them (this one included).', () => cluster.live().length);
	gauge('plenum_cluster_rooms_owned', 'Rooms whose lease this node holds.', () => cluster.ownedRooms().length);
	gauge('plenum_cluster_redis_up', '1 while this node reaches Redis, else 0.', () => (cluster.redisUp ? 1 : 0));
	const failovers = new Counter({ name: 'plenum_cluster_failovers_total', help: 'Rooms this node took over from a dead owner.', registers });
	const migrations = new Counter({ name: 'plenum_cluster_migrations_total', help: 'Rooms this node handed to another node while draining.', registers });
	const calls = new Counter({ name: 'plenum_cluster_calls_total', help: 'Calls this node made to other nodes, by result (ok, error, unavailable, timeout).', labelNames: ['result'], registers });
	for (const result of CALL_RESULTS) calls.inc({ result }, 0);
	cluster.observer.on('failover', () => failovers.inc());
	cluster.observer.on('migration', () => migrations.inc());
	cluster.observer.on('call', (result) => calls.inc({ result }));
}
