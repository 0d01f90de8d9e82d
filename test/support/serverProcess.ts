import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const START_TIMEOUT_MS = 60_000;

/**
 * Starts the real server (`server/index.ts`, real mediasoup workers) as a child process on a
 * free HTTP port and its own RTC port range; resolves with its URL once it prints it.
 * stdout and stderr go to `logPath`.
 */
export async function startServer(logPath: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; baseUrl: string; stderr: () => string }> {
	const log = createWriteStream(logPath);
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
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
	child.stdout?.pipe(log);
	let stderr = '';
	const baseUrl = await new Promise<string>((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`server did not start:\n${stderr}`)), START_TIMEOUT_MS);
		child.stderr?.on('data', (d: Buffer) => {
			stderr += d.toString();
			log.write(d);
			const m = /Plenum is running: open (\S+)/.exec(stderr);
			if (m?.[1]) {
				clearTimeout(timer);
				ok(m[1].replace('localhost', '127.0.0.1'));
			}
		});
		child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${stderr}`)));
	});
	return { child, baseUrl, stderr: () => stderr };
}

export async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null) child.kill('SIGKILL');
}
