import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './app.js';
import { loadConfig } from '../config.js';
import { privacyNotice } from '../privacy/notice.js';

describe('/healthz and /readyz', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

	async function serve(state: { healthy: boolean; notReady?: string }): Promise<string> {
		const app = createHttpApp({
			clientDistDir: 'client/dist',
			privacy: (lang) => privacyNotice(loadConfig({}), lang),
			healthy: () => state.healthy,
			notReady: () => state.notReady,
		});
		server = createServer(app);
		await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('readyz is 200 when ready and 503 with the reason otherwise; healthz only follows the workers', async () => {
		const state: { healthy: boolean; notReady?: string } = { healthy: true };
		const url = await serve(state);
		const get = async (path: string) => {
			const res = await fetch(`${url}${path}`);
			return { status: res.status, body: await res.json() };
		};
		expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
		for (const reason of ['draining', 'no capacity']) {
			state.notReady = reason;
			expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'not ready', reason } });
			expect((await get('/healthz')).status).toBe(200);
		}
		state.healthy = false;
		expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'not ready', reason: 'no media worker' } });
		expect((await get('/healthz')).status).toBe(503);
	});
});
