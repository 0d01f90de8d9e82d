// Where the mediasoup-worker binary lives, shared by ensureWorker.mjs (npm postinstall) and
// the server (sfu-workers/workerBinary.ts). Plain JS so it runs before any TypeScript tooling.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The installed mediasoup package: its directory and exact version. */
export function mediasoupPackage() {
	// mediasoup's "exports" hides package.json: walk up from its entry point instead.
	let dir = dirname(require.resolve('mediasoup'));
	while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'mediasoup') {
		const up = dirname(dir);
		if (up === dir) throw new Error('mediasoup package.json not found');
		dir = up;
	}
	return { dir, version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version };
}

/** Hash of everything in worker-build/ that shapes the binary (script, patches, overlays). */
export function recipeHash() {
	const hash = createHash('sha256');
	const walk = (dir) => {
		for (const name of readdirSync(dir).sort()) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (!name.endsWith('.md') && !name.endsWith('.mjs')) {
				hash.update(relative(HERE, path)).update('\0').update(readFileSync(path));
			}
		}
	};
	walk(HERE);
	return hash.digest('hex').slice(0, 16);
}

/** Cache directory outside the clone, so a fresh clone on the same machine does not rebuild. */
export function cacheRoot() {
	if (process.env.PLENUM_CACHE_DIR) return process.env.PLENUM_CACHE_DIR;
	const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(xdg, 'plenum');
}

/** Path of our built worker for this mediasoup version and recipe. */
export function cachedWorkerPath() {
	const { version } = mediasoupPackage();
	return join(cacheRoot(), `mediasoup-worker-${version}-${recipeHash()}`, 'mediasoup-worker');
}

/** Where mediasoup's own postinstall puts its prebuilt (or locally built) worker. */
export function packagedWorkerPath() {
	return join(mediasoupPackage().dir, 'worker', 'out', 'Release', 'mediasoup-worker');
}

/** The binary the server should run: explicit env, then mediasoup's own, then our cache. */
export function resolveWorkerBin() {
	const candidates = [process.env.MEDIASOUP_WORKER_BIN, packagedWorkerPath(), cachedWorkerPath()];
	return candidates.find((p) => p && existsSync(p));
}
