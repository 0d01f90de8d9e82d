import { describe, expect, it } from 'vitest';
import { loopbackOrigins, normalOrigin, originAllowed } from './originCheck.js';

const allowed = new Set(['https://meet.example.org', ...loopbackOrigins(3000)]);
const req = (headers: Record<string, string>) => ({ headers });

describe('originAllowed', () => {
	it('lets the configured origins in and refuses any other page', () => {
		expect(originAllowed(req({ origin: 'https://meet.example.org' }), allowed)).toBe(true);
		expect(originAllowed(req({ origin: 'http://127.0.0.1:3000' }), allowed)).toBe(true);
		expect(originAllowed(req({ origin: 'https://evil.example' }), allowed)).toBe(false);
		expect(originAllowed(req({ origin: 'http://meet.example.org' }), allowed)).toBe(false); // scheme matters
		expect(originAllowed(req({ origin: 'https://meet.example.org:8443' }), allowed)).toBe(false); // so does the port
		expect(originAllowed(req({ origin: 'https://meet.example.org.evil.example' }), allowed)).toBe(false);
	});

	it('compares origins as browsers serialise them (case, default port)', () => {
		expect(originAllowed(req({ origin: 'HTTPS://Meet.Example.org:443' }), allowed)).toBe(true);
	});

	it('refuses Origin: null and garbage', () => {
		expect(originAllowed(req({ origin: 'null' }), allowed)).toBe(false);
		expect(originAllowed(req({ origin: '' }), allowed)).toBe(false);
		expect(originAllowed(req({ origin: 'file:///etc/passwd' }), allowed)).toBe(false);
	});

	it('lets a handshake without Origin through, unless Fetch metadata says another site sent it', () => {
		expect(originAllowed(req({}), allowed)).toBe(true);
		expect(originAllowed(req({ 'sec-fetch-site': 'same-origin' }), allowed)).toBe(true);
		expect(originAllowed(req({ 'sec-fetch-site': 'cross-site' }), allowed)).toBe(false);
		expect(originAllowed(req({ 'sec-fetch-site': 'same-site' }), allowed)).toBe(false);
	});

	it('normalOrigin keeps http(s) origins only', () => {
		expect(normalOrigin('https://a.example/path?q')).toBe('https://a.example');
		expect(normalOrigin('ws://a.example')).toBeUndefined();
		expect(normalOrigin('not a url')).toBeUndefined();
	});
});
