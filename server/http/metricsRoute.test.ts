import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsApp } from './metricsRoute.js';

describe('/metrics on its own port', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

	async function serve(token: string | undefined): Promise<string> {
		const registry = new Registry();
		new Counter({ name: 'plenum_test_total', help: 'A test counter.', registers: [registry] }).inc();
		server = createServer(createMetricsApp(registry, token));
		await new Promise<void>((ok) => server?.listen(0, '127.0.0.1', ok));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('without a token it serves the exposition and nothing else', async () => {
		const url = await serve(undefined);
		const res = await fetch(`${url}/metrics`);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('plenum_test_total 1');
		expect((await fetch(`${url}/`)).status).toBe(404);
	});

	it('with a token it wants exactly "Bearer <token>" and answers others 401 PLN_METRICS_TOKEN_REQUIRED', async () => {
		const token = 'scrape-token-0123456789';
		const url = await serve(token);
		for (const auth of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
			const res = await fetch(`${url}/metrics`, { headers: auth ? { authorization: auth } : {} });
			expect(res.status, auth).toBe(401);
			expect(res.headers.get('www-authenticate')).toBe('Bearer');
			expect(await res.json()).toMatchObject({ error: { code: 'PLN_METRICS_TOKEN_REQUIRED' } });
		}
		const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect(ok.status).toBe(200);
		expect(await ok.text()).toContain('plenum_test_total 1');
	});
});
