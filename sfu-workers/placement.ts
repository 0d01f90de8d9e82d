/** A worker as placement sees it: load = producers + consumers on it, measured by the pool. */
export interface WorkerLoad {
	index: number;
	load: number;
	alive: boolean;
}

/**
 * The least-loaded live worker; ties go to the lowest index so placement is deterministic.
 * Returns undefined when no worker is alive.
 */
export function pickWorker(workers: readonly WorkerLoad[]): WorkerLoad | undefined {
	let best: WorkerLoad | undefined;
	for (const w of workers) {
		if (!w.alive) continue;
		if (!best || w.load < best.load || (w.load === best.load && w.index < best.index)) best = w;
	}
	return best;
}
