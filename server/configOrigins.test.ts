import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('ALLOWED_ORIGINS', () => {
	it('defaults to PUBLIC_URL\'s origin, else to none configured (the server\'s own loopback origins)', () => {
		expect(loadConfig({ PUBLIC_URL: 'https://Meet.Example.org/base/path' }).allowedOrigins).toEqual(['https://meet.example.org']);
		expect(loadConfig({}).allowedOrigins).toBeUndefined();
	});

	it('takes a comma-separated list, normalised as browsers send Origin', () => {
		const c = loadConfig({ ALLOWED_ORIGINS: 'https://meet.example.org, http://localhost:8080,HTTPS://b.example:443/', PUBLIC_URL: 'https://x.example' });
		expect(c.allowedOrigins).toEqual(['https://meet.example.org', 'http://localhost:8080', 'https://b.example']);
	});

	it('refuses entries that are not bare http(s) origins', () => {
		for (const bad of ['meet.example.org', 'https://meet.example.org/path', 'wss://meet.example.org', 'https://u:p@meet.example.org', ' , ']) {
			expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS/);
		}
	});
});
