import { describe, expect, it } from 'vitest';
import { CLIENT_CLOSE_REASONS, CLOSE_REASONS, toClientReason } from '../../../server/protocol/closeReasons.js';
import { CLIENT_ERRORS, ERRORS } from '../../../server/protocol/errorCodes.js';
import { endMessage, errorMessage, userMessage } from './errorMessages.js';
import { lang } from './i18n.js';

const codes = [...Object.keys(ERRORS), ...Object.keys(CLIENT_ERRORS)];

describe('error and end texts in the user’s language', () => {
	it('every code has its own English and German text, not the server’s message', () => {
		for (const l of ['en', 'de'] as const) {
			lang.value = l;
			for (const code of codes) expect(errorMessage(code), `${l} ${code}`).not.toMatch(/PLN_|^error\./);
		}
		lang.value = 'de';
		expect(errorMessage('PLN_WRONG_PASSWORD')).toBe('Das Passwort ist falsch.');
		lang.value = 'en';
	});

	it('a code this page does not know yet still reads as a sentence, naming the code', () => {
		expect(errorMessage('PLN_FROM_THE_FUTURE')).toBe('Something went wrong (PLN_FROM_THE_FUTURE).');
	});

	it('every close reason a client can be told, and the client’s own, has a text', () => {
		for (const l of ['en', 'de'] as const) {
			lang.value = l;
			for (const r of [...CLIENT_CLOSE_REASONS, 'left', 'disconnected'] as const) expect(endMessage(r), `${l} ${r}`).not.toMatch(/^ended\./);
		}
		lang.value = 'en';
		expect(new Set(CLOSE_REASONS.map(toClientReason))).toEqual(new Set(CLIENT_CLOSE_REASONS));
	});

	it('userMessage maps coded errors and keeps other errors’ own text', () => {
		lang.value = 'de';
		expect(userMessage(Object.assign(new Error('The meeting is full.'), { code: 'PLN_ROOM_FULL' }))).toBe('Die Besprechung ist voll.');
		expect(userMessage(new Error('Could not start video source'))).toBe('Could not start video source');
		lang.value = 'en';
	});
});
