import { spawnSync } from 'node:child_process';
import { type StartedServer, startServer, stopServer } from '../support/serverProcess.js';
import { SIP_TEST_ENV as SIP_ENV, sipPortOf } from '../support/sipServer.js';

// Every call that creates, changes or removes a file or directory.
export const TRACED_CALLS = 'open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,link,linkat,symlink,symlinkat';
const INSPECTOR_BANNER = /^(Debugger listening on ws:\/\/127\.0\.0\.1:\d+\/[\w-]+|Debugger attached\.|Debugger ending on ws:\/\/127\.0\.0\.1:\d+\/[\w-]+|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Waiting for the debugger to disconnect\.\.\.)$/;
// strace's lines ("[pid n] call(...) = r") and the server's own stderr share the pipe.
const isTrace = (l: string) => /^(\[pid\s+\d+\]\s+)?([a-z_0-9]+\(|<\.\.\. )/.test(l);


/** Whether `program` runs (`strace -V`, `sipp -v`). */
export function installed(program: string, versionFlag: string): boolean {
	const r = spawnSync(program, [versionFlag]);
	return r.error === undefined && r.status !== null;
}

/**
 * The compiled server as the audit watches it: under `strace -f` (when `traced`; the trace goes
 * to the stderr pipe, no trace file) with the inspector on loopback, logging at `trace` (the
 * most it would ever log) into memory only, with SIP dial-in when `phoned`. Stopped by stop().
 */
export class ServerUnderAudit {
	readonly #server: StartedServer;
	readonly inspectorUrl: string;

	private constructor(server: StartedServer, inspectorUrl: string) {
		this.#server = server;
		this.inspectorUrl = inspectorUrl;
	}

	static async start(o: { traced: boolean; phoned: boolean }): Promise<ServerUnderAudit> {
		const server = await startServer(undefined, {
			RTC_PORT: String(47000 + Math.floor(Math.random() * 1000)),
			MEDIASOUP_WORKERS: '1',
			ROOM_EMPTY_GRACE_MS: '200',
			RECONNECT_GRACE_MS: '200',
			LOG_LEVEL: 'trace',
			...(o.phoned ? SIP_ENV : {}),
		}, {
			nodeArgs: ['--inspect=127.0.0.1:0'],
			wrapper: o.traced ? ['strace', '-f', '-qq', '-e', `trace=${TRACED_CALLS}`] : [],
		});
		// Printed before the server starts, so it is there once the server is running.
		const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(server.stderr())?.[1];
		if (!inspectorUrl) {
			await stopServer(server.child);
			throw new Error(`the server's inspector did not start:\n${server.stderr()}`);
		}
		return new ServerUnderAudit(server, inspectorUrl);
	}

	get baseUrl(): string {
		return this.#server.baseUrl;
	}

	/** The SIP dial-in's UDP port (0 without dial-in). */
	get sipPort(): number {
		return sipPortOf(this.#server.stderr()) || 0;
	}

	/** What the server printed: its log (stdout) and stderr, without strace's lines and Node's inspector banner (the harness's, naming its loopback port). */
	output(): string {
		const stderr = this.#server.stderr().split('\n').filter((l) => !isTrace(l) && !INSPECTOR_BANNER.test(l));
		return `${this.#server.stdout()}\n${stderr.join('\n')}`;
	}

	/** strace's lines: the server's and its workers' file calls. */
	trace(): string {
		return this.#server.stderr().split('\n').filter(isTrace).join('\n');
	}

	/** Stops the server itself (its pid from its log lines: under strace, the child is strace, which exits after it). */
	async stop(): Promise<void> {
		const pid = /"pid":(\d+)/.exec(this.#server.stdout())?.[1];
		await stopServer(this.#server.child, pid ? Number(pid) : undefined);
	}
}
