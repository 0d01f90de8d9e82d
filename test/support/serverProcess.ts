import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { ensureBuild } from '../../scripts/build.mjs';

const START_TIMEOUT_MS = 60_000;

let built = false;

/**
 * The command that runs the server as `npm start`, systemd and the container do: the compiled
 * `dist/server/index.js`. The first call in a process builds it when missing or stale (once,
 * a few seconds; `npm test` has built already), so a test never runs yesterday's server.
 */
export function serverCommand(nodeArgs: string[] = []): [string, ...string[]] {
	if (!built) {
		// Emits despite type errors, as tsx would: `npm test` type-checks in a step of its own.
		ensureBuild({ typeErrors: 'allow' });
		built = true;
	}
	return [process.execPath, ...nodeArgs, '--enable-source-maps', 'dist/server/index.js'];
}

export interface Launch {
	/** Node options before the entry point, e.g. `--inspect=127.0.0.1:0`. */
	nodeArgs?: string[];
	/** A program the server runs under, e.g. `strace -f …`. */
	wrapper?: string[];
}

export interface StartedServer {
	/** The spawned process: the server, or the wrapper it runs under. */
	child: ChildProcess;
	baseUrl: string;
	stderr: () => string;
	/** stdout (the JSON log), kept in memory only when no log file is named. */
	stdout: () => string;
}

/**
 * Starts the real server (compiled, real mediasoup workers) as a child process on a free HTTP
 * port and its own RTC port range; resolves with its URL once it prints it. stdout and stderr
 * go to `logPath`; without one they stay in memory (the privacy audit writes no file).
 */
export async function startServer(logPath: string | undefined, env: Record<string, string> = {}, launch: Launch = {}): Promise<StartedServer> {
	const log = logPath === undefined ? undefined : createWriteStream(logPath);
	const [cmd, ...args] = [...(launch.wrapper ?? []), ...serverCommand(launch.nodeArgs)];
	const child = spawn(cmd as string, args, {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			// A port range of its own, so a dev server on the defaults does not collide.
			RTC_PORT: String(42000 + Math.floor(Math.random() * 5000)),
			RTC_LISTEN_IP: '127.0.0.1',
			RTC_ANNOUNCED_ADDRESS: '127.0.0.1',
			MEDIASOUP_WORKERS: '2',
			ROOM_EMPTY_GRACE_MS: '300',
			RECONNECT_GRACE_MS: '1500',
			// SIGTERM drains: bound it so a test run never waits long for leftover rooms.
			DRAIN_TIMEOUT_MS: '3000',
			LOG_LEVEL: 'debug',
			...env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	if (log) child.stdout?.pipe(log);
	else child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
	let stderr = '';
	const baseUrl = await new Promise<string>((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`server did not start:\n${stderr}`)), START_TIMEOUT_MS);
		child.stderr?.on('data', (d: Buffer) => {
			stderr += d.toString();
			log?.write(d);
			const m = /Plenum is running: open (\S+)/.exec(stderr);
			if (m?.[1]) {
				clearTimeout(timer);
				ok(m[1].replace('localhost', '127.0.0.1'));
			}
		});
		child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${stderr}`)));
	});
	return { child, baseUrl, stderr: () => stderr, stdout: () => stdout };
}

/**
 * SIGTERM (a drain, which ends at once without rooms), SIGKILL after 5 s. `pid` names the
 * server itself when `child` is a wrapper such as strace, which exits after it.
 */
export async function stopServer(child: ChildProcess, pid?: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	if (pid) process.kill(pid, 'SIGTERM');
	else child.kill('SIGTERM');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
