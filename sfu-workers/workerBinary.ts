// Through package.json "imports", so the compiled server (dist/) loads the same file as the
// postinstall: its cache key hashes the build recipe beside it, which dist/ does not hold.
import { resolveWorkerBin } from '#worker-cache';

/**
 * The mediasoup-worker binary to run: MEDIASOUP_WORKER_BIN, mediasoup's own, or the one
 * `npm install` built into the cache. Throws a message that tells the user what to do.
 */
export function workerBinary(): string {
	const bin = resolveWorkerBin();
	if (!bin) throw new Error('no mediasoup-worker binary found: run `npm install` (it builds one) or set MEDIASOUP_WORKER_BIN');
	return bin;
}
