import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from './turnCredentials.js';

const turn = { urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp'], secret: 'x'.repeat(32), ttlS: 600 };

describe('turnCredentials', () => {
	it('username is "<expiry>:<random>" and the password is base64(HMAC-SHA1(secret, username))', () => {
		const now = 1_800_000_000_000;
		const c = turnCredentials(turn, now);
		expect(c.urls).toEqual(turn.urls);
		const [expiry, random] = c.username.split(':');
		expect(Number(expiry)).toBe(now / 1000 + 600);
		expect(random).toMatch(/^[A-Za-z0-9_-]{12}$/);
		expect(c.credential).toBe(createHmac('sha1', turn.secret).update(c.username).digest('base64'));
	});

	it('each call gets a different username, and neither field contains the secret', () => {
		const a = turnCredentials(turn);
		const b = turnCredentials(turn);
		expect(a.username).not.toBe(b.username);
		expect(JSON.stringify([a, b])).not.toContain(turn.secret);
	});
});
