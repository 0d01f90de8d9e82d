import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { REDACTED, roomRef, scrub } from './redact.js';

const PERSONAL = {
	displayName: 'Erika Mustermann',
	roomId: 'Vorstandssitzung-Geheim',
	roomName: 'Vorstandssitzung',
	text: 'meine Telefonnummer ist +49 30 1234567',
	phone: '+49301234567',
	ip: '192.168.17.42',
	remoteAddress: '2001:db8::17:42',
	token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
	sdp: 'v=0\r\no=- 1 1 IN IP4 10.1.2.3',
	headers: { cookie: 'plenum_consent=1' },
};

function captureLogger() {
	const lines: string[] = [];
	const sink = new Writable({ write(chunk, _enc, done) { lines.push(chunk.toString()); done(); } });
	return { log: createLogger('trace', sink), lines };
}

describe('log redaction', () => {
	it('no personal datum survives in any log line, at any depth or as an error', () => {
		const { log, lines } = captureLogger();
		log.info(PERSONAL, 'participant joined');
		log.warn({ nested: { deeper: { participant: PERSONAL } }, list: [PERSONAL] }, 'nested');
		log.error({ err: new Error('connect from 192.168.17.42 failed') }, 'request failed');
		log.info('peer 10.1.2.3 connected'); // a message that should never have had a variable
		const out = lines.join('');
		for (const value of ['Erika', 'Mustermann', 'Vorstandssitzung', '1234567', '192.168.17.42', '2001:db8', 'eyJhbGci', '10.1.2.3', 'plenum_consent']) {
			expect(out).not.toContain(value);
		}
		expect(out).toContain(REDACTED);
		expect(lines).toHaveLength(4);
	});

	it('ids, counts and reasons pass through unchanged', () => {
		const { log, lines } = captureLogger();
		log.info({ participantId: 'p_8dk2', worker: 1, reason: 'workerDied', participants: 3 }, 'participant left');
		const line = JSON.parse(lines[0] ?? '{}');
		expect(line).toMatchObject({ participantId: 'p_8dk2', worker: 1, reason: 'workerDied', participants: 3, msg: 'participant left' });
	});

	it('scrub never mutates its input', () => {
		const input = { displayName: 'A', inner: { ip: '1.2.3.4' } };
		scrub(input);
		expect(input).toEqual({ displayName: 'A', inner: { ip: '1.2.3.4' } });
	});

	it('roomRef is stable within the process and reveals nothing of the room id', () => {
		expect(roomRef('Vorstandssitzung')).toBe(roomRef('Vorstandssitzung'));
		expect(roomRef('Vorstandssitzung')).not.toBe(roomRef('Vorstandssitzung2'));
		expect(roomRef('Vorstandssitzung')).toMatch(/^[0-9a-f]{12}$/);
	});
});
