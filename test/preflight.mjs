#!/usr/bin/env node
// `npm test` runs this first: the integration tests drive real programs, and a test whose
// program is missing must fail, not skip. As root on Debian it installs what is missing;
// otherwise it prints the one apt-get line to run and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the tests run, and the Debian package that brings it. */
const TOOLS = [
	{ path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium', why: 'browser tests' },
	{ path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', pkg: 'firefox-esr', why: 'Firefox interop test' },
	{ path: '/usr/bin/strace', pkg: 'strace', why: 'zero-retention audit (file writes)' },
	{ path: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus', pkg: 'prometheus', why: 'metrics scrape test' },
	{ path: process.env.PROMTOOL_BIN ?? '/usr/bin/promtool', pkg: 'prometheus', why: 'metrics lint' },
	{ path: process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver', pkg: 'coturn', why: 'TURN relay test' },
	{ path: process.env.NGINX_PATH ?? '/usr/sbin/nginx', pkg: 'nginx', why: 'reverse-proxy test' },
	{ path: '/usr/lib/nginx/modules/ngx_stream_module.so', pkg: 'libnginx-mod-stream', why: 'reverse-proxy test (TURN over 443)' },
	{ path: '/usr/bin/openssl', pkg: 'openssl', why: 'reverse-proxy test (certificate)' },
	{ path: '/usr/bin/sipp', pkg: 'sip-tester', why: 'dial-in tests' },
	{ path: '/usr/bin/baresip', pkg: 'baresip', why: 'dial-in tests (a real softphone)' },
	{ path: '/usr/bin/sox', pkg: 'sox', why: 'dial-in tests (caller audio)' },
	{ path: process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server', pkg: 'redis-server', why: 'cluster tests (Redis)' },
	{ path: '/etc/ssl/certs/ca-certificates.crt', pkg: 'ca-certificates', why: 'TLS tests' },
];

const missing = () => TOOLS.filter((t) => !existsSync(t.path));
const packages = (tools) => [...new Set(tools.map((t) => t.pkg))];

let absent = missing();
const isRoot = process.getuid?.() === 0;
if (absent.length > 0 && isRoot && existsSync('/usr/bin/apt-get')) {
	const pkgs = packages(absent);
	process.stderr.write(`test preflight: installing ${pkgs.join(' ')}\n`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
	if (!run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])) {
		run(['update', '-qq']);
		run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
	}
	absent = missing();
}
if (absent.length > 0) {
	for (const t of absent) process.stderr.write(`test preflight: ${t.path} is missing (${t.why})\n`);
	process.stderr.write(`install with: apt-get install --no-install-recommends ${packages(absent).join(' ')}\n`);
	process.exit(1);
}
