/**
 * What a bench command needs before it starts (programs, files, root), checked up front so a
 * missing one ends in one line that says what to install or how to run it, and exit code 1 —
 * not in a stack trace minutes later (`spawnSync ffmpeg ENOENT`). `unmet()` and
 * `preflightMessage()` are pure (unit-tested in preflight.test.ts); `preflight()` probes this
 * machine. Each bench program lists its needs through bench/lib/cli.ts.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { resolveWorkerBin } from '#worker-cache';
import { JANUS_LIB } from '../systems/janusConfig.js';

/** One thing a bench needs, with what brings it. */
export type Need =
	/** A program on PATH, from a Debian package. */
	| { kind: 'program'; name: string; pkg: string; why: string }
	/** A file, from a Debian package or made by `npm install` (then `fix` says what to do). */
	| { kind: 'file'; path: string; pkg?: string; fix?: string; why: string }
	/** A node module, installed by `npm install`. */
	| { kind: 'module'; name: string; why: string }
	/** ffmpeg with these encoders (Debian's has them; a minimal build may not). */
	| { kind: 'encoders'; names: string[]; why: string }
	/** Root: network namespaces, raw sockets, negative niceness. */
	| { kind: 'root'; why: string };

/** What the checks ask of the machine; `machineProbe()` is the real one. */
export interface Probe {
	isRoot: boolean;
	hasProgram(name: string): boolean;
	hasFile(path: string): boolean;
	hasModule(name: string): boolean;
	/** The encoder names of the ffmpeg on PATH among `names`. */
	ffmpegEncoders(names: string[]): string[];
}

/** The needs `probe` finds unmet, in the order given. An encoder check is skipped while ffmpeg itself is missing. */
export function unmet(needs: readonly Need[], probe: Probe): Need[] {
	const out: Need[] = [];
	for (const n of needs) {
		if (n.kind === 'program' && !probe.hasProgram(n.name)) out.push(n);
		else if (n.kind === 'file' && !probe.hasFile(n.path)) out.push(n);
		else if (n.kind === 'module' && !probe.hasModule(n.name)) out.push(n);
		else if (n.kind === 'root' && !probe.isRoot) out.push(n);
		else if (n.kind === 'encoders' && probe.hasProgram('ffmpeg') && probe.ffmpegEncoders(n.names).length < n.names.length) out.push(n);
	}
	return out;
}

/**
 * One line for the unmet needs of `command` (e.g. `npm run bench:edge`): the apt-get line for
 * the Debian packages, then what else to do, then how to run it as root. Undefined when all is met.
 */
export function preflightMessage(command: string, missing: readonly Need[]): string | undefined {
	if (missing.length === 0) return undefined;
	const parts: string[] = [];
	const pkgs = [...new Set(missing.flatMap((n) => ('pkg' in n && n.pkg ? [n.pkg] : n.kind === 'encoders' ? ['ffmpeg'] : [])))];
	if (pkgs.length) {
		// One description per package: janus's binary, plugin and transport are one install.
		const what = pkgs.map((p) => describe(missing.find((n) => ('pkg' in n && n.pkg === p) || (n.kind === 'encoders' && p === 'ffmpeg'))!));
		parts.push(`install ${what.join(', ')}: apt-get install --no-install-recommends ${pkgs.join(' ')}`);
	}
	const asked = [...new Set(missing.flatMap((n) => (n.kind === 'module' ? ['run `npm install`'] : n.kind === 'file' && n.fix ? [n.fix] : [])))];
	// "run `npm install`" is part of the worker's longer advice: say it once.
	const fixes = asked.filter((f) => !asked.some((g) => g !== f && g.startsWith(f)));
	const fixed = missing.filter((n) => n.kind === 'module' || (n.kind === 'file' && n.fix)).map(describe);
	if (fixes.length) parts.push(`${fixed.join(', ')} missing: ${fixes.join(' or ')}`);
	const root = missing.filter((n) => n.kind === 'root');
	if (root.length) parts.push(`needs root (${root.map((n) => n.why).join(', ')}): run it as root, e.g. sudo ${command}`);
	return `${command}: ${parts.join('; then ')}`;
}

function describe(n: Need): string {
	if (n.kind === 'program') return `${n.name} (${n.why})`;
	if (n.kind === 'file') return n.fix ? n.why : `${n.path} (${n.why})`;
	if (n.kind === 'module') return `the node module ${n.name} (${n.why})`;
	if (n.kind === 'encoders') return `an ffmpeg with ${n.names.join(' and ')} (${n.why})`;
	return n.why;
}

/** This machine: PATH lookups, the file system, node's resolver, `ffmpeg -encoders`. */
export function machineProbe(env: NodeJS.ProcessEnv = process.env): Probe {
	const require = createRequire(import.meta.url);
	const onPath = (name: string) => (env.PATH ?? '').split(delimiter).filter(Boolean).some((dir) => {
		try {
			accessSync(join(dir, name), constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
	return {
		isRoot: process.getuid?.() === 0,
		hasProgram: onPath,
		hasFile: existsSync,
		hasModule: (name) => {
			try {
				require(name);
				return true;
			} catch {
				return false;
			}
		},
		ffmpegEncoders: (names) => {
			try {
				const out = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
				return names.filter((n) => new RegExp(`\\s${n}\\s`).test(out));
			} catch {
				return [];
			}
		},
	};
}

/** The command the user typed, as npm names it (`npm run bench:edge`), else the script's path. */
export function commandName(): string {
	const script = process.env.npm_lifecycle_event;
	if (script) return script === 'bench' ? 'npm run bench' : `npm run ${script}`;
	return `tsx ${process.argv[1] ?? 'bench'}`;
}

/** Checks `needs` on this machine; if any is unmet, prints the one line and exits 1. */
export function preflight(needs: readonly Need[], command = commandName(), probe = machineProbe()): void {
	const msg = preflightMessage(command, unmet(needs, probe));
	if (!msg) return;
	process.stderr.write(`${msg}\n`);
	process.exit(1);
}

/** The mediasoup worker that `npm install` builds (or MEDIASOUP_WORKER_BIN). */
export function workerNeed(): Need {
	return { kind: 'file', path: resolveWorkerBin() ?? 'mediasoup-worker', fix: 'run `npm install` (it builds the mediasoup worker) or set MEDIASOUP_WORKER_BIN', why: 'the mediasoup worker' };
}

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The needs of each kind of bench program. */
export const NEEDS = {
	/**
	 * The media benches (bench, bench:full, pair, edge, idle): the generator and the systems
	 * under test, in a network namespace, pinned and reniced.
	 */
	media(systems: readonly string[]): Need[] {
		const needs: Need[] = [
			{ kind: 'root', why: 'a network namespace, a raw socket for ICE checks, niceness -20' },
			{ kind: 'program', name: 'ip', pkg: 'iproute2', why: 'the network namespace' },
			{ kind: 'program', name: 'taskset', pkg: 'util-linux', why: 'CPU pinning' },
			{ kind: 'program', name: 'renice', pkg: 'bsdutils', why: 'niceness' },
			{ kind: 'program', name: 'python3', pkg: 'python3', why: 'the raw-socket ICE sender' },
			{ kind: 'program', name: 'ffmpeg', pkg: 'ffmpeg', why: 'the test media' },
			{ kind: 'encoders', names: ['libvpx', 'libopus'], why: 'VP8 and Opus test media' },
			workerNeed(),
		];
		if (systems.includes('janus')) {
			needs.push(
				{ kind: 'program', name: 'janus', pkg: 'janus', why: 'the Janus system' },
				{ kind: 'file', path: `${JANUS_LIB}/plugins/libjanus_videoroom.so`, pkg: 'janus', why: 'Janus VideoRoom' },
				{ kind: 'file', path: `${JANUS_LIB}/transports/libjanus_websockets.so`, pkg: 'janus', why: 'Janus WebSocket API' },
			);
		}
		return needs;
	},
	/** bench:join: headless Chromium against a local server. */
	join: (): Need[] => [{ kind: 'file', path: CHROMIUM_PATH, pkg: 'chromium', why: 'the browser' }, workerNeed()],
	/** bench:sip: sipp callers and a Chromium speaker. */
	sip: (): Need[] => [
		{ kind: 'file', path: CHROMIUM_PATH, pkg: 'chromium', why: 'the speaking participant' },
		{ kind: 'program', name: 'sipp', pkg: 'sip-tester', why: 'the phone callers' },
		workerNeed(),
	],
	/** bench:opus: the two Opus codecs it compares. */
	opus: (): Need[] => [
		{ kind: 'module', name: '@discordjs/opus', why: 'native Opus' },
		{ kind: 'module', name: 'opusscript', why: 'WASM Opus' },
	],
	/** bench:soak: a real server with a real worker, and scripted socket.io clients. */
	soak: (): Need[] => [workerNeed()],
};
