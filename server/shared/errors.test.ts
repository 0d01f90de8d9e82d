import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, PlenumError, httpStatusOf, toWireError } from './errors.js';

describe('error catalogue', () => {
	const codes = Object.keys(ERRORS);

	it('every code is PLN_-prefixed, unique and listed in docs/errors.md', () => {
		const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
		expect(new Set(codes).size).toBe(codes.length);
		for (const code of codes) {
			expect(code).toMatch(/^PLN_[A-Z_]+$/);
			expect(doc, code).toContain(`\`${code}\``);
		}
	});

	it('every message is short and ends with a full stop', () => {
		for (const { message } of Object.values(ERRORS)) {
			expect(message.length).toBeLessThan(80);
			expect(message.endsWith('.')).toBe(true);
		}
	});

	it('a bug never leaks its message to the client', () => {
		expect(toWireError(new Error('secret internals at /srv/x'))).toEqual({ code: 'PLN_INTERNAL', message: ERRORS.PLN_INTERNAL.message });
		expect(toWireError(new PlenumError('PLN_ROOM_FULL'))).toEqual({ code: 'PLN_ROOM_FULL', message: ERRORS.PLN_ROOM_FULL.message });
	});

	it('categories map to HTTP statuses', () => {
		expect(httpStatusOf(new PlenumError('PLN_INVALID_MESSAGE').category)).toBe(400);
		expect(httpStatusOf(new PlenumError('PLN_NO_WORKER').category)).toBe(503);
	});
});
