/** A worker as placement sees it, measured by the pool from mediasoup's observer events. */
export interface WorkerLoad {
	index: number;
	/** Producers + consumers on the worker: what costs CPU when media flows. */
	load: number;
	/** Routers (rooms) on the worker: spreads rooms that have no media yet. */
	routers: number;
	alive: boolean;
}

/**
 * The least-loaded live worker; on equal load the one with fewer rooms, then the lowest
 * index, so placement is deterministic. Undefined when no worker is alive.
 */
export function pickWorker(workers: readonly WorkerLoad[]): WorkerLoad | undefined {
	let best: WorkerLoad | undefined;
	for (const w of workers) {
		if (!w.alive) continue;
		if (!best || compare(w, best) < 0) best = w;
	}
	return best;
}

function compare(a: WorkerLoad, b: WorkerLoad): number {
	return a.load - b.load || a.routers - b.routers || a.index - b.index;
}
