import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:https';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { freePort } from '../support/clusterNodes.js';
import { PROMTOOL_BIN } from '../support/prometheusProcess.js';
import { REDIS_SERVER_PATH } from '../support/redisServer.js';
import { type StartedServer, startServer, stopServer } from '../support/serverProcess.js';
import { decodesAll, idOf } from './clusterPages.js';
import { connectBrowser, eventually, uniqueRoomId } from './helpers.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const PLACEHOLDER = '#CHANGE-TO-THE-SHA256-OF-A-PASSWORD';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** deploy/nginx/cluster.conf on loopback ports, a throw-away certificate, the test's nodes as upstreams. */
function clusterConf(dir: string, httpsPort: number, httpPort: number, nodePorts: number[]): string {
	const site = readFileSync(resolve('deploy/nginx/cluster.conf'), 'utf8')
		.replace(/^\s*listen \[::\].*$/gm, '')
		.replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
		.replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
		.replaceAll('/etc/letsencrypt/live/meet.example.org', dir)
		.replace('/var/log/nginx/error.log', join(dir, 'error.log'))
		.replace('server 127.0.0.1:3001 ', `server 127.0.0.1:${nodePorts[0]} `)
		.replace('server 127.0.0.1:3002 ', `server 127.0.0.1:${nodePorts[1]} `);
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join(' ');
	return `daemon off;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections 256; }\nhttp { include /etc/nginx/mime.types; access_log off; ${temp}\n${site}\n}\n`;
}

/** Every series name an exposition can hold (histograms add _bucket, _sum, _count). */
function exposedNames(text: string): Set<string> {
	const names = new Set<string>();
	for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
		names.add(name as string);
		if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
	}
	return names;
}

/** GET over TLS, the throw-away certificate accepted. */
function httpsStatus(url: string): Promise<number> {
	return new Promise((ok, fail) => get(url, { rejectUnauthorized: false }, (r) => { r.resume(); ok(r.statusCode ?? 0); }).on('error', fail));
}

async function stop(child: ChildProcess | undefined): Promise<void> {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

// The cluster's deploy files with real programs: Debian's redis-server on deploy/redis/redis.conf
// and users.acl (the plenum ACL user), two Plenum nodes, Debian's nginx on deploy/nginx/cluster.conf
// in front, two Chromium pages through nginx. The compose file and the Kubernetes manifest parse.
describe('deploy/ for a cluster: redis.conf, users.acl, nginx cluster.conf, compose, Kubernetes', () => {
	const dir = mkdtempSync(join(tmpdir(), 'plenum-deploy-'));
	const redisDir = join(dir, 'redis');
	const password = randomBytes(18).toString('hex');
	let redisPort: number;
	let redis: ChildProcess;
	let client: Redis;
	let nginx: ChildProcess;
	let origin: string;
	const nodes: Array<{ id: string; port: number; server: StartedServer }> = [];
	let browser: Browser;
	let ctx: BrowserContext;
	const pages: Page[] = [];
	const roomId = uniqueRoomId('deploy');

	beforeAll(async () => {
		execFileSync('mkdir', ['-p', redisDir]);
		const acl = readFileSync(resolve('deploy/redis/users.acl'), 'utf8').replace(PLACEHOLDER, `#${sha256(password)}`);
		writeFileSync(join(dir, 'users.acl'), acl);
		redisPort = await freePort();
		// Run in a directory of its own: anything Redis wrote would show there.
		redis = spawn(REDIS_SERVER_PATH, [resolve('deploy/redis/redis.conf'), '--port', String(redisPort), '--aclfile', join(dir, 'users.acl')], { cwd: redisDir, stdio: 'ignore' });
		const url = `redis://plenum:${password}@127.0.0.1:${redisPort}`;
		client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
		client.on('error', () => undefined);
		await eventually(async () => (await client.ping()) === 'PONG', 10_000, 'redis-server on redis.conf');

		const [httpsPort, httpPort] = [await freePort(), await freePort()];
		origin = `https://127.0.0.1:${httpsPort}`;
		const rtcBase = 42000 + Math.floor(Math.random() * 4000);
		for (const [i, id] of ['a', 'b'].entries()) {
			const port = await freePort();
			const server = await startServer(join(dir, `${id}.log`), {
				PORT: String(port), PUBLIC_URL: origin, REDIS_URL: url, NODE_ID: id, RTC_PORT: String(rtcBase + i * 10),
				MEDIASOUP_WORKERS: '1', CLUSTER_ADDRESS: '127.0.0.1',
			});
			nodes.push({ id, port, server });
		}
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
			'-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')], { stdio: 'ignore' });
		writeFileSync(join(dir, 'nginx.conf'), clusterConf(dir, httpsPort, httpPort, nodes.map((n) => n.port)));
		execFileSync(NGINX, ['-t', '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
		nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
		browser = await connectBrowser();
		ctx = await browser.newContext({ ignoreHTTPSErrors: true });
	}, 120_000);

	afterAll(async () => {
		await ctx?.close();
		await browser?.close();
		await stop(nginx);
		await Promise.all(nodes.map((n) => stopServer(n.server.child)));
		client?.disconnect();
		await stop(redis);
		rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	const joinWhenLoaded = async (name: string) => {
		const page = await ctx.newPage();
		await page.goto(`${origin}/r/${roomId}`, { waitUntil: 'networkidle' });
		await page.fill('#prejoin-name', name);
		await page.click('#prejoin-form button[type=submit]');
		await eventually(async () => (await idOf(page)) !== undefined, 20_000, `${name} in the meeting`);
		return page;
	};

	it('redis.conf keeps nothing on disk; the plenum user may use only pln:* keys; the placeholder password is refused', async () => {
		expect(await client.config('GET', 'save')).toEqual(['save', '']);
		expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
		await expect(client.set('other', '1')).rejects.toThrow(/NOPERM/);
		await expect(client.flushall()).rejects.toThrow(/NOPERM/);
		await expect(client.call('CONFIG', 'SET', 'save', '60 1')).rejects.toThrow(/NOPERM/);
		const anonymous = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: 1, retryStrategy: () => null });
		anonymous.on('error', () => undefined);
		await expect(anonymous.get('pln:x')).rejects.toThrow(/NOAUTH|WRONGPASS|NOPERM/);
		anonymous.disconnect();
		const shipped = spawnSync(REDIS_SERVER_PATH, [resolve('deploy/redis/redis.conf'), '--port', String(await freePort()), '--aclfile', resolve('deploy/redis/users.acl')], { cwd: redisDir, encoding: 'utf8', timeout: 10_000 });
		expect(shipped.status).not.toBe(0);
		expect(shipped.stdout + shipped.stderr).toMatch(/password hash/);
	});

	it('two nodes behind nginx without sticky sessions: both ready, both in Redis, a browser on each decodes the other', async () => {
		for (const n of nodes) expect((await fetch(`http://127.0.0.1:${n.port}/readyz`)).status).toBe(200);
		await eventually(async () => (await client.exists('pln:node:a', 'pln:node:b')) === 2, 10_000, 'both node entries');
		await eventually(async () => (await httpsStatus(`${origin}/healthz`)) === 200, 15_000, 'nginx to pass /healthz to a node');
		// Each joins from the pre-join form once its page has loaded: with `join=1` the socket opened
		// while the page's own requests were still in flight on the other node, least_conn saw a tie
		// and could send both sockets to one node (a CI run got [2, 0] cameras).
		for (const name of ['Deploy Ana', 'Deploy Ben']) pages.push(await joinWhenLoaded(name));
		const [a, b] = (await Promise.all(pages.map((p) => idOf(p)))) as [string, string];
		await Promise.all([decodesAll(pages[0] as Page, [b], 40_000, 'Ana'), decodesAll(pages[1] as Page, [a], 40_000, 'Ben')]);
		// least_conn put the second long-lived socket on the other node: each node holds one camera.
		const value = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1]);
		const texts = await Promise.all(nodes.map(async (n) => (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text()));
		expect(texts.map((t) => value(t, 'plenum_media_producers{kind="video"}'))).toEqual([1, 1]);
		// Each node pipes its camera and mic to the other and receives the other's.
		for (const t of texts) {
			expect(value(t, 'plenum_cluster_pipe_transports')).toBeGreaterThanOrEqual(1);
			expect(value(t, 'plenum_cluster_piped_producers{direction="out"}')).toBe(2);
			expect(value(t, 'plenum_cluster_piped_producers{direction="in"}')).toBe(2);
			expect(value(t, 'plenum_cluster_pipe_packets_total{direction="out"}')).toBeGreaterThan(0);
			expect(value(t, 'plenum_cluster_pipe_bytes_total{direction="in"}')).toBeGreaterThan(0);
			expect(t).not.toContain(roomId);
		}
	});

	it('every metric the alert rules and the dashboard use is on a cluster node’s /metrics, and promtool accepts the rules', async () => {
		const names = exposedNames(await (await fetch(`http://127.0.0.1:${nodes[0]?.port}/metrics`)).text());
		expect(names).toContain('plenum_cluster_nodes_alive');
		for (const file of ['plenum-alerts.yml', 'grafana-dashboard.json']) {
			const used = new Set(readFileSync(resolve('deploy/prometheus', file), 'utf8').match(/\bplenum_[a-z0-9_]+/g));
			expect([...used].filter((n) => n.startsWith('plenum_cluster_')).length, file).toBeGreaterThan(3);
			for (const name of used) expect(names, `${file} uses ${name}`).toContain(name);
		}
		const rules = spawnSync(PROMTOOL_BIN, ['check', 'rules', resolve('deploy/prometheus/plenum-alerts.yml')], { encoding: 'utf8' });
		expect(rules.status, rules.stdout + rules.stderr).toBe(0);
	});

	it('after the meeting: no key of the room in Redis, no file written by Redis; nginx skips a dead node', async () => {
		for (const p of pages.splice(0)) await p.close();
		await eventually(async () => (await client.scan('0', 'MATCH', 'pln:room:*', 'COUNT', 1000))[1].length === 0, 20_000, 'the room’s keys to go');
		expect(readdirSync(redisDir)).toEqual([]);
		const b = nodes[1]?.server.child;
		const gone = new Promise((ok) => b?.once('exit', ok));
		b?.kill('SIGKILL');
		await gone;
		for (let i = 0; i < 6; i++) expect(await httpsStatus(`${origin}/healthz`)).toBe(200);
	});

	it('compose cluster.yaml: Redis on the shipped files without a data volume, two distinct nodes, nginx on cluster.conf', () => {
		const compose = parse(readFileSync(resolve('deploy/compose/cluster.yaml'), 'utf8'), { merge: true });
		const { redis: r, nginx: web, ...rest } = compose.services;
		expect(r.command).toEqual(expect.arrayContaining(['/etc/redis/redis.conf', '--aclfile']));
		expect(r.volumes.every((v: string) => v.endsWith(':ro'))).toBe(true);
		expect(r.volumes.some((v: string) => v.startsWith('../redis/redis.conf:'))).toBe(true);
		const env = Object.values(rest).map((s) => (s as { environment: Record<string, string> }).environment);
		expect(env).toHaveLength(2);
		for (const key of ['NODE_ID', 'PORT', 'RTC_PORT', 'METRICS_PORT']) expect(new Set(env.map((e) => e[key])).size, key).toBe(2);
		const upstreams = [...readFileSync(resolve('deploy/nginx/cluster.conf'), 'utf8').matchAll(/server 127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
		expect(upstreams).toEqual(env.map((e) => e.PORT));
		expect(web.volumes).toContain('../nginx/cluster.conf:/etc/nginx/conf.d/default.conf:ro');
		expect(readFileSync(resolve('deploy/compose/cluster.env.example'), 'utf8')).toMatch(/^REDIS_URL=redis:\/\/plenum:/m);
	});

	it('Kubernetes: one node per host (DaemonSet, hostNetwork, REDIS_URL from a Secret) and Redis without a data volume', () => {
		const docs = parseAllDocuments(readFileSync(resolve('deploy/kubernetes/plenum.yaml'), 'utf8')).map((d) => {
			expect(d.errors).toEqual([]);
			return d.toJS();
		});
		const kind = (k: string, name: string) => docs.find((d) => d.kind === k && d.metadata.name === name);
		const ds = kind('DaemonSet', 'plenum').spec.template.spec;
		expect(ds.hostNetwork).toBe(true);
		const env = Object.fromEntries(ds.containers[0].env.map((e: { name: string; valueFrom: unknown }) => [e.name, e.valueFrom]));
		expect(env.REDIS_URL).toEqual({ secretKeyRef: { name: 'plenum-redis', key: 'REDIS_URL' } });
		expect(env.NODE_ID).toBeDefined();
		expect(env.CLUSTER_ADDRESS).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
		expect(kind('ConfigMap', 'plenum').data.REDIS_URL).toBeUndefined();
		const rs = kind('Deployment', 'plenum-redis').spec.template.spec;
		expect(rs.containers[0].command).toEqual(expect.arrayContaining(['/etc/redis/redis.conf', '--aclfile']));
		expect(rs.volumes.map((v: Record<string, unknown>) => Object.keys(v).find((k) => k !== 'name')).sort()).toEqual(['configMap', 'secret']);
		expect(kind('Service', 'plenum-redis')).toBeDefined();
		expect(kind('NetworkPolicy', 'plenum-redis')).toBeDefined();
	});
});
