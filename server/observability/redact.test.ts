import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { SAFE_KEYS, roomRef, scrub, scrubFreeText, scrubText, serializeError } from './redact.js';

// Every value below is personal or secret; none of these strings may appear in any line.
const SECRETS = {
	displayName: 'Erika Mustermann',
	name: 'Jörg Übermensch',
	roomId: 'Vorstandssitzung-Geheim',
	roomName: 'Vorstandssitzung',
	text: 'meine Geheimnachricht',
	chat: 'Chatzeile Kanarienvogel',
	ip: '192.168.17.42',
	ips: ['10.9.8.7'],
	address: '2001:db8::17:42',
	remoteAddress: '::ffff:172.16.5.4',
	password: 'hunter2-Passwort',
	resumeToken: 'Rt9x_Kq2LmZ0aB7cDe1fGh',
	pin: '271828',
	ticket: 'Tk4y_Wq8LnZ3aC5dEf2gHj',
	credential: 'cred-Zugangsdaten',
	username: 'erika.m',
	secret: 'SehrGeheimesGeheimnis',
	token: 'eyJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiRXJpa2EifQ.c2lnbmF0dXJl',
	jwt: 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
	authorization: 'Bearer opaque-Bearer-Wert',
	cookie: 'plenum_consent=1',
	phone: '+49 30 1234567',
	phoneNumber: '+4915123456789',
	number: '030 98765432',
	from: '"Erika M" <sip:+4930555666@trunk.example>',
	to: '<sip:plenum@meet.example>',
	contact: 'dpo@verwaltung.example',
	email: 'erika@verwaltung.example',
	sdp: 'v=0\r\no=- 1 1 IN IP4 10.1.2.3',
	userAgent: 'Mozilla/5.0 Kanarienbrowser',
	url: '/r/Vorstandssitzung?jwt=eyJhbGciOiJIUzI1NiJ9.e30.sig',
	headers: { cookie: 'plenum_consent=1', 'x-forwarded-for': '203.0.113.9' },
	handshake: { address: '198.51.100.23' },
	PRIVACY_CONTROLLER_NAME: 'Dr. Datenschutz Beauftragte',
	PRIVACY_CONTROLLER_CONTACT: 'dsb@amt.example, +49 30 7654321',
};

/** Substrings of the values above that must never reach a line. */
const NEEDLES = [
	'Erika', 'Mustermann', 'Jörg', 'Vorstandssitzung', 'Geheimnachricht', 'Kanarienvogel', '192.168.17.42',
	'10.9.8.7', '2001:db8', '172.16.5.4', 'hunter2', 'Rt9x_Kq2', '271828', 'Tk4y_Wq8', 'Zugangsdaten', 'erika.m',
	'SehrGeheimes', 'eyJhbGci', 'eyJuYW1l', 'opaque-Bearer', 'plenum_consent', '1234567', '23456789', '98765432',
	'555666', 'dpo@', 'verwaltung', 'Kanarienbrowser', '10.1.2.3', '203.0.113.9', '198.51.100.23', 'Datenschutz',
	'dsb@', '7654321', 'x-forwarded-for',
];

// The same values as they turn up inside free text: messages, error messages, arrays.
const IN_TEXT = [
	'connect from 192.168.17.42 failed',
	'caller +49 30 1234567 hung up',
	'caller +4915123456789 hung up',
	'caller 030/9876 5432 hung up',
	'sip:4930555666@trunk.example answered',
	'peer 2001:db8::17:42 and ::ffff:172.16.5.4 left',
	'room "Vorstandssitzung" closed',
	"room 'Vorstandssitzung' closed",
	'header value «Erika Mustermann»',
	'From: <sip:erika.m@verwaltung.example>',
	'dpo@verwaltung.example wrote',
	'token eyJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiRXJpa2EifQ.c2lnbmF0dXJl rejected',
	'resume with Rt9x_Kq2LmZ0aB7cDe1fGh',
	'password=hunter2-Passwort&x=1',
	'pin: 271828',
];

function captureLogger() {
	const lines: string[] = [];
	const sink = new Writable({ write(chunk, _enc, done) { lines.push(chunk.toString()); done(); } });
	return { log: createLogger('trace', sink), lines };
}

function expectClean(out: string): void {
	for (const needle of NEEDLES) {
		const line = out.split('\n').find((l) => l.includes(needle));
		expect(line, `"${needle}" survived`).toBeUndefined();
	}
}

describe('logs by allowlist', () => {
	it('no sensitive field or value survives at the root, nested, in arrays, in child bindings or in errors', () => {
		const { log, lines } = captureLogger();
		const child = log.child({ ...SECRETS, participantId: 'p_8dk2' });
		const grandchild = child.child({ nested: SECRETS, list: [SECRETS], callId: 'c_7Hq1' });
		grandchild.setBindings({ ...SECRETS });
		for (const l of [log, child, grandchild]) {
			l.info(SECRETS, 'participant joined');
			l.warn({ reason: SECRETS, nested: { deeper: { participant: SECRETS } }, list: [SECRETS, [SECRETS]] }, 'nested');
			l.info({ code: 'PLN_X', request: IN_TEXT, reason: IN_TEXT.join('; '), detail: IN_TEXT.join('\n') }, 'values in allowed keys');
			for (const text of IN_TEXT) {
				l.info(text); // a message that should never have had a variable
				l.info({ participants: 2 }, text);
				l.info('peer %s said %j (%o)', text, SECRETS, [text]);
				l.error({ err: new Error(text) }, 'request failed');
				l.error(new Error(text));
				l.error({ err: new Error('outer', { cause: new Error(text) }) });
				l.error({ err: new AggregateError([new Error(text)], text) }, 'many');
				l.error({ err: Object.assign(new TypeError(text), { ...SECRETS, code: text }) }, 'with properties');
				l.warn({ err: text, error: { message: text, ...SECRETS } }, 'not an Error');
			}
		}
		const child2 = log.child({ room: roomRef('Vorstandssitzung') }, { level: 'debug', msgPrefix: 'Erika ' } as never);
		child2.info({ worker: 1 }, 'room opened');
		log.child({ room: SECRETS.roomId }).info({ room: SECRETS.roomName }, 'a room id where its hash belongs');
		const out = lines.join('');
		expectClean(out);
		// The lines are still there, with what is safe.
		expect(lines.length).toBeGreaterThan(IN_TEXT.length * 27);
		expect(out).toContain('"participantId":"p_8dk2"');
		expect(out).toContain('"callId":"c_7Hq1"');
		expect(out).toContain('"code":"PLN_X"');
		for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
	});

	it('the effective configuration keeps setting names and safe values, not secrets or the controller', () => {
		const { log, lines } = captureLogger();
		log.info({ config: { PORT: 3000, LOG_LEVEL: 'info', RTC_LISTEN_IP: '0.0.0.0', JWT_SECRET: '[set]', SIP_PASSWORD: 'hunter2-Passwort', SIP_USERNAME: 'erika.m', SIP_DIAL_IN_NUMBER: '+49 30 1234567', PRIVACY_CONTROLLER_NAME: SECRETS.PRIVACY_CONTROLLER_NAME, PRIVACY_CONTROLLER_CONTACT: '[not logged]', 'Erika Mustermann': 1 } }, 'effective configuration');
		expectClean(lines.join(''));
		expect(JSON.parse(lines[0] ?? '{}').config).toEqual({
			PORT: 3000, LOG_LEVEL: 'info', RTC_LISTEN_IP: '[ip]', JWT_SECRET: '[set]', SIP_PASSWORD: '[redacted]', SIP_USERNAME: '[redacted]',
			SIP_DIAL_IN_NUMBER: '[num]', PRIVACY_CONTROLLER_NAME: '[redacted]', PRIVACY_CONTROLLER_CONTACT: '[not logged]', redacted: 1,
		});
	});

	it('ids, counts, codes, reasons, durations and ports pass through unchanged; dropped keys are counted', () => {
		const { log, lines } = captureLogger();
		const transportId = '550e8400-e29b-41d4-a716-446655440000';
		const room = roomRef('Vorstandssitzung');
		log.child({ room }).info({
			participantId: 'p_8dk2', worker: 1, workerPid: 123456, reason: 'workerDied', participants: 3, transportId,
			timeoutMs: 3_600_000, recoveredInMs: 812, port: 40000, code: 'PLN_ROOM_FULL', request: 'join', displayName: 'Erika',
		}, 'participant left');
		const line = JSON.parse(lines[0] ?? '{}');
		expect(line).toMatchObject({
			room, participantId: 'p_8dk2', worker: 1, workerPid: 123456, reason: 'workerDied', participants: 3, transportId,
			timeoutMs: 3_600_000, recoveredInMs: 812, port: 40000, code: 'PLN_ROOM_FULL', request: 'join', redacted: 1, msg: 'participant left',
		});
		expect(line.pid).toBe(process.pid);
		expect(line.displayName).toBeUndefined();
	});

	it('errors keep their type, code, scrubbed message and stack frames, nothing else', () => {
		const err = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:40000'), { code: 'ECONNREFUSED', syscall: 'connect', address: '10.1.2.3', port: 40000 });
		const s = serializeError(err) as Record<string, unknown>;
		expect(Object.keys(s).sort()).toEqual(['code', 'message', 'stack', 'syscall', 'type']);
		expect(s).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', syscall: 'connect', message: 'connect ECONNREFUSED [ip]:[num]' });
		expect(String(s.stack)).toMatch(/^Error: connect ECONNREFUSED \[ip\]:\[num\]\n\s+at /);
		expect(String(s.stack)).toContain('redact.test.ts');
		expect(serializeError(s)).toEqual(s); // idempotent: pino's err serializer may see it again
		expect(serializeError({ get message() { throw new Error('hostile'); } })).toMatchObject({ type: 'Error' });
	});

	it('a hostile object never throws out of a log call', () => {
		const { log, lines } = captureLogger();
		const hostile = { get participantId() { throw new Error('getter'); }, worker: 2 };
		const cyclic: Record<string, unknown> = { participants: 1 };
		cyclic.reason = cyclic;
		expect(() => log.info(hostile, 'hostile')).not.toThrow();
		expect(() => log.info(cyclic, 'cyclic')).not.toThrow();
		expect(() => log.info({ __proto__: { displayName: 'Erika' }, constructor: 'Erika', worker: 3 } as object, 'proto')).not.toThrow();
		expect(lines).toHaveLength(3);
		expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ worker: 2, redacted: 1 });
		expectClean(lines.join(''));
	});

	it('scrubText masks addresses and phone numbers but keeps times, versions, UUIDs and ids', () => {
		expect(scrubText('192.168.17.42, ::1, fe80::1%eth0, 2001:db8::17:42, ::ffff:10.1.2.3')).toBe('[ip], [ip], [ip], [ip], [ip]');
		expect(scrubText('+49 30 1234567 | 030/123 456 78 | +49-151-2345678 | 12345')).toBe('[num] | [num] | [num] | [num]');
		expect(scrubText('at 12:30:45, v3.27.1, port 3000, 1234')).toBe('at 12:30:45, v3.27.1, port 3000, 1234');
		expect(scrubText('550e8400-e29b-41d4-a716-446655440000 a1234567bcde')).toBe('550e8400-e29b-41d4-a716-446655440000 a1234567bcde');
		expect(scrubText('erika@example.org eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe('[email] [token]');
	});

	it('scrubFreeText also masks quoted parts, <…> parts, secrets by name and opaque tokens', () => {
		expect(scrubFreeText('error parsing "From" header field with value "\\"Erika\\" <sip:1@h>"')).toBe('error parsing "…" header field with value "…"');
		expect(scrubFreeText("can't find 'Vorstand' in <sip:erika@h>")).toBe("can't find '…' in <…>");
		expect(scrubFreeText('password=x&pin: 1234 token=abc')).toBe('password=[redacted]&pin: [redacted] token=[redacted]');
		expect(scrubFreeText('room Kd8sP2xq_L3mZ0aB9cDe1f closed at asyncRunEntryPointWithESMLoader')).toBe('room [secret] closed at asyncRunEntryPointWithESMLoader');
	});

	it('long text is cut after the scrub (no fragment of an address survives the cut), and scrubbing it stays cheap', () => {
		const { log, lines } = captureLogger();
		const long = `${'x'.repeat(292)} 10.11.12.13 +49 30 1234567 ${'y'.repeat(10_000)}`;
		const started = performance.now();
		log.info({ reason: long, detail: `${'1'.repeat(100_000)}a`, err: new Error(long) }, long);
		expect(performance.now() - started).toBeLessThan(500);
		const line = JSON.parse(lines[0] ?? '{}');
		expect(line.reason).toBe(`${'x'.repeat(292)} [ip] [n…`);
		expect(lines[0]).not.toMatch(/10\.11|12\.13|1234567/);
		expect(line.msg.length).toBeLessThanOrEqual(301);
		expect(line.err.message.length).toBeLessThanOrEqual(301);
	});

	it('scrub never mutates its input', () => {
		const input = { displayName: 'A', reason: { ip: '1.2.3.4' }, err: new Error('x 1.2.3.4') };
		scrub(input);
		expect(input.displayName).toBe('A');
		expect(input.reason).toEqual({ ip: '1.2.3.4' });
		expect(input.err.message).toBe('x 1.2.3.4');
	});

	it('no personal-sounding key is on the allowlist', () => {
		for (const key of Object.keys(SECRETS)) expect(SAFE_KEYS.has(key), key).toBe(false);
		for (const key of ['roomId', 'displayName', 'ip', 'address', 'sdp', 'headers', 'query', 'msg', 'level', 'time']) expect(SAFE_KEYS.has(key), key).toBe(false);
	});

	it('roomRef is stable within the process and reveals nothing of the room id', () => {
		expect(roomRef('Vorstandssitzung')).toBe(roomRef('Vorstandssitzung'));
		expect(roomRef('Vorstandssitzung')).not.toBe(roomRef('Vorstandssitzung2'));
		for (let i = 0; i < 200; i++) {
			const ref = roomRef(`room-${i}`);
			expect(ref).toMatch(/^[a-f][0-9a-f]{11}$/);
			expect(scrubText(ref)).toBe(ref);
		}
	});
});
