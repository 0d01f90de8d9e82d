import { type ChildProcess, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

function statFields(pid: number): string[] | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined; // the process ended
	}
}

/** CPU seconds (user + system, all threads) the processes used so far. */
export function cpuSeconds(pids: number[]): number {
	let ticks = 0;
	for (const pid of pids) {
		const f = statFields(pid);
		if (f) ticks += Number(f[11]) + Number(f[12]);
	}
	return ticks / TICKS_PER_SECOND;
}

/** Resident memory (bytes) of the processes. */
export function rssBytes(pids: number[]): number {
	let kb = 0;
	for (const pid of pids) {
		try {
			const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			kb += Number(m?.[1] ?? 0);
		} catch {
			// ended
		}
	}
	return kb * 1024;
}

/**
 * Anonymous resident memory (bytes) of the processes: heap and stacks, without the pages of
 * mapped files (the binary's text), which the kernel may drop and read again at any time.
 */
export function rssAnonBytes(pids: number[]): number {
	let kb = 0;
	for (const pid of pids) {
		try {
			const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			kb += Number(m?.[1] ?? 0);
		} catch {
			// ended
		}
	}
	return kb * 1024;
}

/** Direct children of `pid` (e.g. a server's mediasoup workers). */
export function childPids(pid: number): number[] {
	return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => statFields(p)?.[1] === String(pid));
}

/** Packets the kernel dropped at full receive buffers (/proc/net/udp of this namespace), on `ports` or all. */
export function udpDrops(ports?: Set<number>): number {
	let drops = 0;
	for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
		const f = line.trim().split(/\s+/);
		if (f.length < 13) continue;
		const port = Number.parseInt(f[1]!.split(':')[1]!, 16);
		if (!ports || ports.has(port)) drops += Number(f[12]);
	}
	return drops;
}

/** Busy fraction of each CPU between two /proc/stat snapshots. */
export function cpuTimes(): number[][] {
	return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).map((l) => l.split(/\s+/).slice(1).map(Number));
}

export function busyBetween(a: number[][], b: number[][]): number[] {
	return a.map((x, i) => {
		const y = b[i]!;
		const total = y.reduce((s, v) => s + v, 0) - x.reduce((s, v) => s + v, 0);
		const idle = (y[3]! + y[4]!) - (x[3]! + x[4]!);
		return total > 0 ? 1 - idle / total : 0;
	});
}

/**
 * Niceness for the SFU under test and the generator (same for all systems). The machine is
 * shared; without a boost other tenants' bursts show up as loss. `--nice 0` turns it off.
 */
export const BENCH_NICE = { value: -20 };

/** Command prefix that runs a program pinned to `cpus`; it inherits the bench process's niceness (see pin()). */
export function pinned(cpus: string, cmd: string[]): [string, string[]] {
	return ['taskset', ['-c', cpus, ...cmd]];
}

/** Pins a running process (e.g. a mediasoup worker) to `cpus` at the bench's niceness. */
export function pin(pid: number, cpus: string): void {
	spawnSync('taskset', ['-apc', cpus, String(pid)], { stdio: 'ignore' });
	spawnSync('renice', ['-n', String(BENCH_NICE.value), '-p', String(pid)], { stdio: 'ignore' });
}

/** The pid of the kernel's softirq thread of `cpu` (loopback delivery often runs there). */
export function ksoftirqdPid(cpu: number): number | undefined {
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === `ksoftirqd/${cpu}`) return Number(d);
		} catch {
			// ended
		}
	}
	return undefined;
}

const children = new Set<ChildProcess>();
let exitHook = false;

/** Kills `child` when the bench exits, however it exits (ffmpeg would otherwise loop forever). */
export function killOnExit<T extends ChildProcess>(child: T): T {
	children.add(child);
	child.once('exit', () => children.delete(child));
	if (!exitHook) {
		exitHook = true;
		process.once('exit', () => { for (const c of children) c.kill('SIGKILL'); });
		for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
	}
	return child;
}
