/**
 * The start the bench programs share: options parsed (a bad one: one line, exit 1), needs
 * checked (preflight.ts: one line saying what to install or how to run it, exit 1), then main —
 * inside a network namespace of its own for the media benches (run, pair, edge, idle) — and an
 * explicit exit, since a system that failed may leave sockets or timers behind. The scripts
 * that run top to bottom (joinTime.ts, sip/*) call options() and preflight() themselves.
 */
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { SystemName } from '../systems/types.js';
import { runInsideNamespace } from './netns.js';
import { type Need, commandName, preflight } from './preflight.js';
import { BENCH_NICE } from './proc.js';

/** Where runs are written unless `--out` says otherwise. */
export const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

const SYSTEMS: readonly SystemName[] = ['plenum', 'mediasoup', 'janus'];

/** The options every media bench takes: which systems, niceness. */
export function mediaOptions(systems: string) {
	return {
		systems: { type: 'string', default: systems },
		nice: { type: 'string', default: String(BENCH_NICE.value) },
	} as const;
}

/** `--out DIR` for a bench that writes results. */
export const OUT_OPTION = { out: { type: 'string', default: RESULTS_DIR } } as const;

/** A bench program's options; an unknown or malformed one ends in one line and exit 1. */
export function options<T extends OptionsSpec>(spec: T) {
	try {
		return parseArgs({ options: spec, strict: true, allowPositionals: false }).values;
	} catch (err) {
		return fail(err instanceof Error ? err.message : String(err));
	}
}

/** `--systems a,b` as system names; an unknown one ends in one line and exit 1. */
export function systemsOf(list: string): SystemName[] {
	const names = list.split(',').map((s) => s.trim()).filter(Boolean);
	const bad = names.filter((n) => !SYSTEMS.includes(n as SystemName));
	if (bad.length || names.length === 0) fail(`--systems takes ${SYSTEMS.join(', ')} (comma-separated), not "${list}"`);
	return names as SystemName[];
}

/**
 * Checks `needs`, then runs `main` (in a network namespace of its own with `namespace`: this
 * process creates it, runs the program again inside and ends with its exit code) and exits.
 */
export async function runBench(o: { needs: readonly Need[]; namespace?: boolean; main: () => Promise<void> }): Promise<void> {
	preflight(o.needs);
	if (o.namespace && runInsideNamespace()) return;
	await o.main();
	process.exit(0);
}

export function fail(msg: string): never {
	process.stderr.write(`${commandName()}: ${msg}\n`);
	process.exit(1);
}
