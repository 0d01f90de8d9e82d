import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

const READY_TIMEOUT_MS = 60_000;

/** A free TCP port on loopback (closed again before it is returned). */
export function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const s = createServer();
		s.once('error', fail);
		s.listen(0, '127.0.0.1', () => {
			const addr = s.address();
			s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
		});
	});
}

/**
 * A real Prometheus on loopback that scrapes `target` every second with a bearer token, with
 * `ruleFiles` loaded; config and TSDB live in `dir` (the caller deletes it).
 */
export async function startPrometheus(dir: string, o: { target: string; token: string; ruleFiles: string[] }): Promise<{ child: ChildProcess; url: string }> {
	const port = await freePort();
	writeFileSync(join(dir, 'token'), o.token);
	writeFileSync(join(dir, 'prometheus.yml'), [
		'global: { scrape_interval: 1s, evaluation_interval: 1s }',
		`rule_files: ${JSON.stringify(o.ruleFiles)}`,
		'scrape_configs:',
		'  - job_name: plenum',
		`    authorization: { credentials_file: ${JSON.stringify(join(dir, 'token'))} }`,
		`    static_configs: [{ targets: [${JSON.stringify(o.target)}] }]`,
		'',
	].join('\n'));
	const child = spawn(PROMETHEUS_BIN, [
		`--config.file=${join(dir, 'prometheus.yml')}`,
		`--storage.tsdb.path=${join(dir, 'data')}`,
		`--web.listen-address=127.0.0.1:${port}`,
		'--log.level=warn',
	], { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${stderr}`);
		const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
		if (ready) return { child, url };
		if (Date.now() > deadline) throw new Error(`prometheus not ready:\n${stderr}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** One instant query through the HTTP API: the first result's value, or undefined. */
export async function promQuery(url: string, query: string): Promise<number | undefined> {
	const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
	const body = (await res.json()) as { status: string; data?: { result: Array<{ value: [number, string] }> } };
	const v = body.data?.result[0]?.value[1];
	return v === undefined ? undefined : Number(v);
}
