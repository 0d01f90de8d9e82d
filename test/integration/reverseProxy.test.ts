import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, baseUrl, eventually, uniqueRoomId } from './helpers.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** deploy/nginx/plenum.conf with loopback ports, a throw-away certificate and the test server as upstream. */
function siteConf(dir: string, httpsPort: number, httpPort: number, upstream: string): string {
	return readFileSync(resolve('deploy/nginx/plenum.conf'), 'utf8')
		.replace(/^\s*listen \[::\].*$/gm, '')
		.replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
		.replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
		.replaceAll('/etc/letsencrypt/live/meet.example.org', dir)
		.replace('/var/log/nginx/error.log', join(dir, 'error.log'))
		.replace('server 127.0.0.1:3000;', `server ${upstream};`);
}

function mainConf(dir: string, body: string, modules = ''): string {
	const tmp = (n: string) => join(dir, n);
	return `${modules}
daemon off;
pid ${tmp('nginx.pid')};
error_log ${tmp('error.log')} warn;
events { worker_connections 64; }
${body}`.replace('__HTTP_TEMP__', ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${tmp(t)};`).join(' '));
}

function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
	return new Promise((ok, fail) => {
		request(url, { rejectUnauthorized: false }, (res) => {
			let body = '';
			res.on('data', (d: Buffer) => { body += d.toString(); });
			res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
		}).on('error', fail).end();
	});
}

// Debian's nginx with the shipped site config in front of the shared test server.
describe('deploy/nginx in front of Plenum', () => {
	const dir = mkdtempSync(join(tmpdir(), 'plenum-nginx-'));
	const httpsPort = 20_000 + Math.floor(Math.random() * 9_000);
	const httpPort = httpsPort + 1;
	const origin = `https://127.0.0.1:${httpsPort}`;
	let nginx: ChildProcess | undefined;

	beforeAll(() => {
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
			'-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')], { stdio: 'ignore' });
		writeFileSync(join(dir, 'plenum.conf'), siteConf(dir, httpsPort, httpPort, new URL(baseUrl()).host));
		writeFileSync(join(dir, 'nginx.conf'), mainConf(dir, `http { include /etc/nginx/mime.types; access_log off; __HTTP_TEMP__ include ${join(dir, 'plenum.conf')}; }`));
	});
	afterAll(async () => {
		if (nginx && nginx.exitCode === null) {
			const exited = new Promise((ok) => nginx?.once('exit', ok));
			nginx.kill('SIGTERM');
			await exited;
		}
	});

	it('nginx -t accepts the site config and the optional stream multiplexer', () => {
		const out = execFileSync(NGINX, ['-t', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		expect(out).toBe(''); // nginx -t reports on stderr; execFileSync throws on failure
		const stream = readFileSync(resolve('deploy/nginx/stream-443.conf'), 'utf8').replace(/^\s*listen \[::\].*$/gm, '').replace('listen 443;', `listen 127.0.0.1:${httpsPort + 2};`);
		writeFileSync(join(dir, 'stream.conf'), mainConf(dir, stream, `load_module ${STREAM_MODULE};`));
		execFileSync(NGINX, ['-t', '-c', join(dir, 'stream.conf')], { stdio: 'ignore' });
	});

	it('serves the client over TLS with HSTS, caches hashed assets, hides /metrics, and carries socket.io over WebSocket', async () => {
		nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
		const index = await eventually(async () => { const r = await get(`${origin}/`); return r.status === 200 && r; }, 15_000, 'nginx to serve the client');
		expect(index.headers['strict-transport-security']).toContain('max-age=');
		expect(index.headers['content-security-policy']).toContain("default-src 'self'"); // Plenum's own, passed through
		const asset = /\/assets\/[^"]+\.js/.exec(index.body)?.[0];
		expect(asset).toMatch(/^\/assets\/[\w.-]+\.js$/);
		const script = await get(`${origin}${asset}`);
		expect(script.status).toBe(200);
		expect(script.headers['content-type']).toMatch(/javascript/);
		expect(script.headers['cache-control']).toContain('immutable');
		expect((await get(`${origin}/metrics`)).status).toBe(404);
		const plain = await fetch(`http://127.0.0.1:${httpPort}/r/x`, { redirect: 'manual' });
		expect(plain.status).toBe(301);
		expect(plain.headers.get('location')).toMatch(/^https:\/\//);

		const socket = io(origin, { transports: ['websocket'], reconnection: false, forceNew: true, rejectUnauthorized: false });
		try {
			await new Promise<void>((ok, fail) => {
				socket.once('connect', () => ok());
				socket.once('connect_error', fail);
			});
			expect((await ask(socket, 'join', { roomId: uniqueRoomId('proxy'), displayName: 'Via nginx' })).ok).toBe(true);
			expect((await ask(socket, 'leave')).ok).toBe(true);
		} finally {
			socket.disconnect();
		}
	});
});
