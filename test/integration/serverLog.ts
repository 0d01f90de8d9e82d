import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** The shared server's JSON log lines so far. */
export function serverLogLines(): Array<Record<string, unknown>> {
	return readFileSync(inject('serverLogPath'), 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function serverLogText(): string {
	return readFileSync(inject('serverLogPath'), 'utf8');
}

/** Live worker pids by pool index, from the 'media worker started' lines (latest wins). */
export function workerPidsByIndex(): Map<number, number> {
	const pids = new Map<number, number>();
	for (const l of serverLogLines()) {
		if (l.msg === 'media worker started') pids.set(Number(l.worker), Number(l.workerPid));
	}
	return pids;
}
