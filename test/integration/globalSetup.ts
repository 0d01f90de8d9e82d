import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserServer, chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startServer, stopServer } from '../support/serverProcess.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browserFlags.js';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		browserWsEndpoint: string;
		serverLogPath: string;
	}
}

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
		await stopServer(server.child);
	};
}
