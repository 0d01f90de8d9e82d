// npm postinstall: make sure a usable mediasoup-worker exists. In order:
//   1. MEDIASOUP_WORKER_BIN, if the user gave one;
//   2. mediasoup's own worker in node_modules (prebuilt or built by mediasoup);
//   3. our cached build for this mediasoup version + recipe hash;
//   4. mediasoup's prebuilt download (GitHub), as mediasoup's postinstall would do;
//   5. our offline build against Debian's libraries (build.sh), stored in the cache.
// package.json denies mediasoup's own postinstall (allowScripts): offline it would fail the
// whole `npm install` trying PyPI; steps 2 and 4 keep its normal path.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedWorkerPath, mediasoupPackage, packagedWorkerPath } from './workerCache.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DOWNLOAD_TIMEOUT_MS = 15_000;
const DEBIAN_BUILD_PACKAGES = [
	'meson', 'ninja-build', 'pkg-config', 'g++', 'make', 'patch', 'curl', 'dpkg-dev',
	'libuv1-dev', 'libssl-dev', 'libflatbuffers-dev', 'flatbuffers-compiler', 'libabsl-dev',
];

const say = (msg) => console.log(`[plenum] ${msg}`);

/** mediasoup-worker exits with 41 when started without MEDIASOUP_VERSION: proof it runs here. */
function isUsable(bin) {
	if (!bin || !existsSync(bin)) return false;
	const res = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
	return res.status === 41;
}

async function tryPrebuilt(version, target) {
	if (process.env.PLENUM_SKIP_PREBUILT_DOWNLOAD) return false;
	const kernel = Number(os.release().split('.')[0]);
	const name = `mediasoup-worker-${version}-${os.platform()}-${os.arch()}-kernel${kernel}.tgz`;
	const base = process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
		'https://github.com/versatica/mediasoup/releases/download';
	try {
		const res = await fetch(`${base}/${version}/${name}`, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
		if (!res.ok) return false;
		mkdirSync(dirname(target), { recursive: true });
		const tgz = join(os.tmpdir(), name);
		const { writeFile } = await import('node:fs/promises');
		await writeFile(tgz, Buffer.from(await res.arrayBuffer()));
		execFileSync('tar', ['xzf', tgz, '-C', dirname(target)]);
		rmSync(tgz, { force: true });
		if (isUsable(target)) return true;
		rmSync(target, { force: true });
	} catch {
		// Offline or blocked: expected here; the source build follows.
	}
	return false;
}

function missingDebianPackages() {
	const res = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...DEBIAN_BUILD_PACKAGES], { encoding: 'utf8' });
	const installed = new Set(
		res.stdout.split('\n').filter((l) => l.endsWith('install ok installed')).map((l) => l.split(' ')[0]),
	);
	return DEBIAN_BUILD_PACKAGES.filter((p) => !installed.has(p));
}

function ensureBuildPackages() {
	if (!existsSync('/etc/debian_version')) {
		throw new Error('no usable mediasoup-worker and no prebuilt download; the offline build supports Debian 12 only. ' +
			'Set MEDIASOUP_WORKER_BIN to a worker binary built for this machine.');
	}
	const missing = missingDebianPackages();
	if (missing.length === 0) return;
	const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	if (process.getuid?.() !== 0) {
		throw new Error(`building mediasoup-worker needs Debian packages; run as root:\n  ${line}\nthen npm install again`);
	}
	say(`installing build packages: ${missing.join(' ')}`);
	const install = () => spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${line}`], { stdio: 'inherit' }).status === 0;
	// A fresh machine may have no package lists yet.
	if (!install() && !(spawnSync('apt-get', ['update'], { stdio: 'inherit' }).status === 0 && install())) {
		throw new Error(`could not install build packages: ${line}`);
	}
}

function buildFromSource(pkgDir, target) {
	ensureBuildPackages();
	say('building mediasoup-worker from source against Debian libraries (about 5 minutes on 2 cores)');
	const started = Date.now();
	const res = spawnSync('bash', [join(HERE, 'build.sh'), pkgDir, target], { stdio: 'inherit' });
	if (res.status !== 0 || !isUsable(target)) throw new Error('mediasoup-worker build failed (see output above)');
	say(`worker built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
}

async function main() {
	// --rebuild: build from source into the cache even if a usable worker exists (operators,
	// recipe changes, and `npm run worker:rebuild` to measure the build).
	if (process.argv.includes('--rebuild')) return buildFromSource(mediasoupPackage().dir, cachedWorkerPath());
	const envBin = process.env.MEDIASOUP_WORKER_BIN;
	if (envBin) {
		if (!isUsable(envBin)) throw new Error(`MEDIASOUP_WORKER_BIN=${envBin} does not run on this machine`);
		return say(`using MEDIASOUP_WORKER_BIN ${envBin}`);
	}
	const { dir, version } = mediasoupPackage();
	const packaged = packagedWorkerPath();
	const cached = cachedWorkerPath();
	if (isUsable(packaged)) return say(`using mediasoup's worker ${packaged}`);
	if (isUsable(cached)) return say(`using cached worker ${cached}`);
	if (await tryPrebuilt(version, packaged)) return say(`using mediasoup's prebuilt worker ${packaged}`);
	say(`no prebuilt mediasoup-worker ${version} reachable`);
	buildFromSource(dir, cached); // build.sh moves the binary into place only when complete
}

main().catch((err) => {
	console.error(`[plenum] ${err.message}`);
	process.exit(1);
});
