import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serverCommand } from '../support/serverProcess.js';
import { serverLogLines } from './serverLog.js';

/** Runs the compiled server with `--check-config` (what `npm start -- --check-config` runs) with `env`. */
function checkConfig(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const [node, ...args] = serverCommand();
	const child = spawn(node, [...args, '--check-config'], { env: { PATH: process.env.PATH ?? '', ...env } });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
	child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
	return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })));
}

describe('--check-config', () => {
	it('a valid configuration prints the effective settings without secrets and exits 0, starting nothing', async () => {
		const secret = 's'.repeat(40);
		const r = await checkConfig({ AUTH_MODE: 'token', JWT_SECRET: secret, PORT: '3999' });
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('configuration is valid');
		expect(JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1))).toMatchObject({ PORT: 3999, AUTH_MODE: 'token', JWT_SECRET: '[set]' });
		expect(r.stdout + r.stderr).not.toContain(secret);
		expect(r.stderr).not.toContain('Plenum is running');
	});

	it('an invalid value exits 1 with the setting and its allowed values named', async () => {
		const r = await checkConfig({ LOG_LEVEL: 'loud', MEDIASOUP_WORKERS: '-2' });
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace, silent (got "loud")');
		expect(r.stderr).toContain('MEDIASOUP_WORKERS: must be a whole number from 0 to 256 (got "-2")');
	});

	it('the running server logged its effective configuration once, with addresses masked', () => {
		const lines = serverLogLines().filter((l) => l.msg === 'effective configuration');
		expect(lines).toHaveLength(1);
		expect(lines[0]?.config).toMatchObject({ PORT: 0, MEDIASOUP_WORKERS: 2, LOG_LEVEL: 'debug', RTC_LISTEN_IP: '[ip]' });
	});
});
