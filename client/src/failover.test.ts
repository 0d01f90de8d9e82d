import { describe, expect, it } from 'vitest';
import { nextUrl } from './failover.js';

describe('nextUrl', () => {
	const home = 'https://n1.example.org';
	const others = ['https://n2.example.org', 'https://n3.example.org/'];

	it('goes round robin over our node and the failover URLs', () => {
		expect(nextUrl(home, home, others)).toBe('https://n2.example.org');
		expect(nextUrl('https://n2.example.org', home, others)).toBe('https://n3.example.org');
		expect(nextUrl('https://n3.example.org', home, others)).toBe(home);
	});

	it('compares origins, and names each once', () => {
		expect(nextUrl('https://N2.example.org:443/socket.io', home, [...others, 'https://n2.example.org/x'])).toBe('https://n3.example.org');
	});

	it('stays home without failover URLs, and starts the list for a URL no longer in it', () => {
		expect(nextUrl(home, home, [])).toBe(home);
		expect(nextUrl('https://gone.example.org', home, others)).toBe(home);
	});

	it('skips what is not an http(s) URL', () => {
		expect(nextUrl(home, home, ['javascript:alert(1)', 'nonsense', 'https://n2.example.org'])).toBe('https://n2.example.org');
	});
});
