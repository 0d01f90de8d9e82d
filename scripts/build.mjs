// `npm run build`: the server and media workers compiled by tsc to dist/ (tsconfig.build.json),
// the SIP voice prompts copied next to the compiled Prompts module, the client bundled by Vite
// to client/dist/, then a stamp naming what it was built from.
// `node scripts/build.mjs --if-stale` (npm start, the tests' server spawner) builds only when
// the build is missing or its stamp does not match the sources: a hash of every input file's
// path and content, so an edit, a new file, a deleted one or a checkout of another commit all
// count, and touching a file without changing it does not.
// The tests' spawner asks for a lenient build (`typeErrors: 'allow'`): like tsx, it emits despite
// type errors (`npm test` type-checks first anyway), and its stamp says so, so `npm start` and
// `npm run build` never take such a build as current.
// Plain JS, so it runs with nothing but Node; it writes only dist/ and client/dist/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', 'build-stamp.json');
const OUTPUTS = ['dist/server/index.js', 'client/dist/index.html'];
// What the build reads: sources (tests and docs aside), compiler settings, the locked client libraries.
const INPUT_DIRS = ['server', 'sfu-workers', 'client'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'worker-build']);
const SKIP_FILE = /\.test\.tsx?$|\.md$/;
const LOCK = join(ROOT, 'dist.lock');
const LOCK_STALE_MS = 120_000;

/** Hash over the inputs' relative paths and contents, in a fixed order. */
export function inputsHash() {
	const files = [...INPUT_FILES];
	const walk = (dir) => {
		for (const name of readdirSync(join(ROOT, dir)).sort()) {
			const rel = `${dir}/${name}`;
			if (statSync(join(ROOT, rel)).isDirectory()) {
				if (!SKIP_DIRS.has(name)) walk(rel);
			} else if (!SKIP_FILE.test(name)) files.push(rel);
		}
	};
	for (const dir of INPUT_DIRS) walk(dir);
	const hash = createHash('sha256');
	for (const rel of files) hash.update(rel).update('\0').update(readFileSync(join(ROOT, rel))).update('\0');
	return hash.digest('hex');
}

/** Why the build must be (re)made, or undefined when it is current. */
function staleness(hash, allowTypeErrors) {
	const missing = OUTPUTS.find((f) => !existsSync(join(ROOT, f)));
	if (missing) return `${missing} is missing`;
	if (!existsSync(STAMP)) return 'dist/ has no build stamp';
	const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
	if (stamp.inputs !== hash) return 'sources changed since the last build';
	if (stamp.typeErrors && !allowTypeErrors) return 'the last build had type errors';
	return undefined;
}

/** Runs a Node script; returns its exit code, or throws unless the code is one of `ok`. */
function run(what, args, ok = [0]) {
	const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 2, 2] });
	if (!ok.includes(r.status)) throw new Error(`${what} failed (exit ${r.status ?? r.signal})`);
	return r.status;
}

// tsc's exit codes: 0 clean, 2 type errors but files emitted (with --noEmitOnError false).
const TSC_EMITTED_WITH_ERRORS = 2;

function build(hash, allowTypeErrors) {
	const require = createRequire(import.meta.url);
	let tsc;
	let vite;
	try {
		tsc = require.resolve('typescript/bin/tsc');
		vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
	} catch {
		throw new Error('the build tools are not installed: run `npm install` (with dev dependencies), then `npm run build`');
	}
	// From scratch, so a deleted source leaves no compiled file behind.
	rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
	const lenient = allowTypeErrors ? ['--noEmitOnError', 'false'] : [];
	const tscStatus = run('tsc -p tsconfig.build.json', [tsc, '-p', 'tsconfig.build.json', ...lenient], allowTypeErrors ? [0, TSC_EMITTED_WITH_ERRORS] : [0]);
	const typeErrors = tscStatus === TSC_EMITTED_WITH_ERRORS;
	if (typeErrors) process.stderr.write('type errors above: built anyway for the tests (npm start and npm run build refuse them)\n');
	// tsc copies the worker cache module it type-checked; the server loads the original through
	// package.json "imports" (#worker-cache), whose cache key hashes the recipe beside it.
	rmSync(join(ROOT, 'dist/sfu-workers/worker-build'), { recursive: true, force: true });
	// Prompts.ts reads prompts/<language>/*.ul beside itself.
	for (const lang of readdirSync(join(ROOT, 'server/sip/prompts'))) {
		const from = join(ROOT, 'server/sip/prompts', lang);
		if (statSync(from).isDirectory()) cpSync(from, join(ROOT, 'dist/server/sip/prompts', lang), { recursive: true });
	}
	run('vite build', [vite, 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn']);
	writeFileSync(STAMP, `${JSON.stringify({ inputs: hash, typeErrors, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

/** One build at a time per clone (a test run and `npm start` may ask at once); waits for the other. */
function withLock(fn) {
	for (;;) {
		try {
			mkdirSync(LOCK);
			break;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			// A build killed half-way leaves its lock; an old one is taken over.
			if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
			else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
		}
	}
	try {
		return fn();
	} finally {
		rmSync(LOCK, { recursive: true, force: true });
	}
}

/**
 * Builds when forced or stale; returns what it did. `typeErrors: 'allow'` (the tests) emits
 * despite type errors; the default refuses them.
 */
export function ensureBuild({ force = false, typeErrors = 'refuse' } = {}) {
	const allowTypeErrors = typeErrors === 'allow';
	return withLock(() => {
		const hash = inputsHash();
		const why = force ? 'requested' : staleness(hash, allowTypeErrors);
		if (!why) return 'current';
		const t0 = Date.now();
		process.stderr.write(`building Plenum (${why}) …\n`);
		build(hash, allowTypeErrors);
		process.stderr.write(`built dist/ and client/dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
		return 'built';
	});
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
	try {
		ensureBuild({ force: !process.argv.includes('--if-stale') });
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	}
}
