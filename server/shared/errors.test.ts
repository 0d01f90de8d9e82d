import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_CLOSE_REASONS } from '../protocol/closeReasons.js';
import { CLIENT_ERRORS } from '../protocol/errorCodes.js';
import { ERRORS, type ErrorCode, PlenumError, httpStatusOf, toWireError } from './errors.js';

describe('error catalogue', () => {
	const codes = Object.keys(ERRORS);

	it('every code is PLN_-prefixed, has a message of its own, travels as itself and is listed in docs/errors.md', () => {
		const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
		const messages = Object.values(ERRORS).map((e) => e.message);
		expect(messages.filter((m, i) => messages.indexOf(m) !== i), 'two codes share a message').toEqual([]);
		for (const code of codes) {
			expect(code).toMatch(/^PLN_[A-Z_]+$/);
			const { message, category } = ERRORS[code as ErrorCode];
			const err = new PlenumError(code as ErrorCode);
			expect({ code: err.code, message: err.message, category: err.category }).toEqual({ code, message, category });
			expect(toWireError(err)).toEqual({ code, message });
			expect(doc, code).toContain(`\`${code}\``);
		}
	});

	it('docs/errors.md lists exactly the catalogue, with the same categories, in both directions', () => {
		const doc = docSections();
		const server = tableRows(doc.server);
		expect(server.map(([code]) => code).filter((c, i, all) => all.indexOf(c) !== i), 'listed twice').toEqual([]);
		expect(Object.fromEntries(server)).toEqual(Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.category])));
		expect(tableRows(doc.client).map(([code]) => code).sort()).toEqual(Object.keys(CLIENT_ERRORS).sort());
		expect(tableRows(doc.reasons).map(([reason]) => reason).sort()).toEqual([...CLIENT_CLOSE_REASONS].sort());
	});

	it('every catalogued code is used by the server (unused codes go)', () => {
		const sources = productionSources().filter((f) => !f.endsWith('protocol/errorCodes.ts'));
		const text = sources.map((f) => readFileSync(f, 'utf8')).join('\n');
		const unused = codes.filter((c) => !new RegExp(`['"\`]${c}['"\`]`).test(text));
		expect(unused).toEqual([]);
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

const ROOT = new URL('../../', import.meta.url);

/** The three tables of docs/errors.md: server codes, client-side codes, close reasons. */
function docSections(): { server: string; client: string; reasons: string } {
	const doc = readFileSync(new URL('docs/errors.md', ROOT), 'utf8');
	const [server = '', rest = ''] = doc.split('## Client-side only');
	const [client = '', reasons = ''] = rest.split('## Close reasons');
	return { server, client, reasons };
}

/** `| `NAME` | second cell | …` rows of a markdown table: [NAME, second cell]. */
function tableRows(section: string): Array<[string, string]> {
	return [...section.matchAll(/^\| `([A-Za-z_]+)` \| ([^|]+?) \|/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]);
}

/** Non-test TypeScript of the server and the media layer. */
function productionSources(): string[] {
	return ['server', 'sfu-workers'].flatMap((dir) =>
		readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })
			.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
			.map((f) => new URL(`${dir}/${f}`, ROOT).pathname),
	);
}
