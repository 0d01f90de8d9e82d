import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserServer, chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browserFlags.js';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		browserWsEndpoint: string;
		serverLogPath: string;
	}
}

const START_TIMEOUT_MS = 60_000;

/** One real server (real mediasoup workers) and one real Chromium for every integration test. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const dir = mkdtempSync(join(tmpdir(), 'plenum-it-'));
	const serverLogPath = join(dir, 'server.log');
	const server = await startServer(serverLogPath);
	const browser: BrowserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	project.provide('baseUrl', server.baseUrl);
	project.provide('browserWsEndpoint', browser.wsEndpoint());
	project.provide('serverLogPath', serverLogPath);
	return async () => {
		await browser.close();
		await stop(server.child);
	};
}

async function startServer(logPath: string): Promise<{ child: ChildProcess; baseUrl: string }> {
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
			LOG_LEVEL: 'debug',
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
	return { child, baseUrl };
}

async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null) child.kill('SIGKILL');
}
