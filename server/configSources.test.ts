import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration file and messages', () => {
	let dir: string;
	const file = (content: unknown) => {
		const path = join(dir, 'plenum.json');
		writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
		return path;
	};
	beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'plenum-config-')); });
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('PLENUM_CONFIG supplies settings (numbers and strings) and the environment overrides them', () => {
		const path = file({ PORT: 8080, LOG_LEVEL: 'warn', MAX_ROOMS: 5 });
		const c = loadConfig({ PLENUM_CONFIG: path, LOG_LEVEL: 'debug' });
		expect(c).toMatchObject({ port: 8080, logLevel: 'debug', maxRooms: 5 });
	});

	it('an unknown key in the file is refused by name, so a typo cannot fall back to a default', () => {
		const path = file({ PROT: 8080 });
		expect(() => loadConfig({ PLENUM_CONFIG: path })).toThrow(new RegExp(`PROT in ${path}: unknown setting`));
	});

	it('an unreadable or non-JSON file fails with PLENUM_CONFIG named', () => {
		expect(() => loadConfig({ PLENUM_CONFIG: join(dir, 'missing.json') })).toThrow(/PLENUM_CONFIG: cannot read .*ENOENT/);
		expect(() => loadConfig({ PLENUM_CONFIG: file('{ PORT: 1') })).toThrow(/PLENUM_CONFIG: .* is not valid JSON/);
		expect(() => loadConfig({ PLENUM_CONFIG: file('[1]') })).toThrow(/must hold a JSON object/);
		expect(() => loadConfig({ PLENUM_CONFIG: file({ PORT: { n: 1 } }) })).toThrow(/PORT in .*must be a string, number or boolean/);
	});

	it('a bad value names the setting, where it came from, what is allowed and what it got', () => {
		const path = file({ RTC_PORT: 80 });
		let message = '';
		try {
			loadConfig({ PLENUM_CONFIG: path, PORT: 'eighty', AUTH_MODE: 'closed', RTC_LISTEN_IP: 'here', PUBLIC_URL: 'meet' });
		} catch (err) {
			message = (err as Error).message;
		}
		expect(message).toContain('PORT: must be a whole number from 0 to 65535 (got "eighty")');
		expect(message).toContain(`RTC_PORT in ${path}: must be a whole number from 1024 to 65000 (got "80")`);
		expect(message).toContain('AUTH_MODE: must be one of: open, token (got "closed")');
		expect(message).toContain('RTC_LISTEN_IP: must be an IPv4 address or an IPv6 address (got "here")');
		expect(message).toContain('PUBLIC_URL: must be a URL');
	});

	it('a secret is never echoed, not even when it is invalid', () => {
		expect(() => loadConfig({ JWT_SECRET: 'tooShortSecret', METRICS_TOKEN: 'tiny' })).toThrow(/JWT_SECRET: must be at least 32 characters\n\s+METRICS_TOKEN: must be at least 16 characters$/);
		try {
			loadConfig({ JWT_SECRET: 'tooShortSecret' });
		} catch (err) {
			expect((err as Error).message).not.toContain('tooShortSecret');
		}
	});

	it('an empty variable counts as unset', () => {
		expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 3000, logLevel: 'info' });
	});

	it('the effective configuration has the defaults filled in and secrets masked', () => {
		const secret = 'x'.repeat(40);
		const c = loadConfig({ AUTH_MODE: 'token', JWT_SECRET: secret, METRICS_TOKEN: 'm'.repeat(20), MEDIASOUP_WORKERS: '3' });
		expect(c.effective).toMatchObject({ PORT: 3000, AUTH_MODE: 'token', JWT_SECRET: '[set]', METRICS_TOKEN: '[set]', MEDIASOUP_WORKERS: 3 });
		expect(JSON.stringify(c.effective)).not.toContain(secret);
		expect(c.effective).not.toHaveProperty('JWT_JWKS_URL');
	});
});
