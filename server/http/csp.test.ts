import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { privacyNotice } from '../privacy/notice.js';
import { clusterConnectSources, createHttpApp } from './app.js';

describe('Content-Security-Policy connect-src', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

	async function cspOf(clusterOrigins?: () => string[]): Promise<string> {
		const app = createHttpApp({ clientDistDir: 'client/dist', privacy: (lang) => privacyNotice(loadConfig({}), lang), healthy: () => true, clusterOrigins });
		server = createServer(app);
		await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
		const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
		return res.headers.get('content-security-policy') ?? '';
	}

	it("is 'self' only without a cluster", async () => {
		expect(await cspOf()).toContain("connect-src 'self';");
	});

	it('names the live nodes (and their WebSocket forms) as they are now, per response', async () => {
		let live = ['https://n2.example.org/', 'http://10.0.0.3:3000'];
		const csp = await cspOf(() => live);
		expect(csp).toContain("connect-src 'self' https://n2.example.org wss://n2.example.org http://10.0.0.3:3000 ws://10.0.0.3:3000;");
		live = [];
		const res = await fetch(`http://127.0.0.1:${((server as Server).address() as AddressInfo).port}/healthz`);
		expect(res.headers.get('content-security-policy')).toContain("connect-src 'self';");
	});

	it('leaves out anything that is not an http(s) origin', () => {
		expect(clusterConnectSources(['javascript:alert(1)', "https://a.example; script-src 'unsafe-inline'", 'nonsense', 'https://ok.example'])).toBe(' https://ok.example wss://ok.example');
	});
});
