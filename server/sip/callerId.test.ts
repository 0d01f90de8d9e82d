import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { callerKey, callerLabel, displayNameOf, scrubNumbers, WITHHELD_CALLER_KEY } from './callerId.js';

const invite = [
	'INVITE sip:plenum@127.0.0.1:5060 SIP/2.0',
	'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK7a7b7c',
	'From: "+49 151 12345678" <sip:+4915112345678@127.0.0.1:5061>;tag=9f8e7d',
	'To: <sip:plenum@127.0.0.1:5060>',
	'P-Asserted-Identity: <tel:+49-151-12345678>',
	'Contact: <sip:015112345678@127.0.0.1:5061;transport=udp>',
	'Call-ID: 1-2345@127.0.0.1',
	'CSeq: 1 INVITE',
	'Content-Length: 3',
	'',
	'v=0',
].join('\r\n');

describe('scrubNumbers', () => {
	const out = scrubNumbers(invite);

	it('leaves no five-digit piece of the number anywhere in the headers', () => {
		const digits = '4915112345678';
		for (let i = 0; i + 5 <= digits.length; i++) expect(out).not.toContain(digits.slice(i, i + 5));
	});

	it('keeps the last four digits in the URI users, and branches, tags and Call-ID intact', () => {
		expect(out).toContain('<sip:phone-5678@127.0.0.1:5061>;tag=9f8e7d');
		expect(out).toContain('<tel:phone-5678>');
		expect(out).toContain('<sip:phone-5678@127.0.0.1:5061;transport=udp>');
		expect(out).toContain('branch=z9hG4bK7a7b7c');
		expect(out).toContain('Call-ID: 1-2345@127.0.0.1');
		expect(out).toContain('From: "Phone" <sip:');
		expect(out.endsWith('\r\n\r\nv=0')).toBe(true);
	});

	it('leaves digest challenges and answers alone (nonces are full of digits)', () => {
		const challenge = 'SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm="x", nonce="47364c23432d2e131a5fb210812c"\r\nCall-ID: 123456789@h\r\n\r\n';
		expect(scrubNumbers(challenge)).toBe(challenge);
	});

	it('keeps short users (service names, extensions) as they are', () => {
		expect(scrubNumbers('To: <sip:plenum@h>\r\nFrom: <sip:1234@h>\r\n\r\n')).toBe('To: <sip:plenum@h>\r\nFrom: <sip:1234@h>\r\n\r\n');
	});
});

describe('callerLabel', () => {
	it('reads the masked user, and withholds anything else', () => {
		expect(displayNameOf(callerLabel('phone-5678'))).toBe('…5678');
		expect(callerLabel('anonymous')).toEqual({ withheld: true });
		expect(callerLabel(undefined)).toEqual({ withheld: true });
		expect(displayNameOf(callerLabel('phone-12'))).toBe('');
	});
});

describe('callerKey', () => {
	const secret = randomBytes(32);
	const from = (user: string, extra = '') => `INVITE sip:plenum@h SIP/2.0\r\nFrom: "x" <sip:${user}@h>;tag=1\r\n${extra}Call-ID: 1@h\r\n\r\nv=0`;

	it('is one key per number, whatever its punctuation, and differs between numbers', () => {
		const k = callerKey(invite, secret);
		expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(callerKey(from('+4915112345678'), secret)).toBe(k); // From's number = the asserted one
		expect(callerKey(from('+4915112345679'), secret)).not.toBe(k);
	});

	it('holds no digits of the number and changes with the per-process secret', () => {
		const k = callerKey(invite, secret);
		const digits = '4915112345678';
		for (let i = 0; i + 5 <= digits.length; i++) expect(k).not.toContain(digits.slice(i, i + 5));
		expect(callerKey(invite, randomBytes(32))).not.toBe(k);
	});

	it('prefers the P-Asserted-Identity over From', () => {
		const asserted = callerKey(from('+4930111111', 'P-Asserted-Identity: <tel:+4930222222>\r\n'), secret);
		expect(asserted).toBe(callerKey(from('+4930222222'), secret));
	});

	it('gives callers without a number one shared key', () => {
		expect(callerKey(from('anonymous'), secret)).toBe(WITHHELD_CALLER_KEY);
		expect(callerKey(from('1234'), secret)).toBe(WITHHELD_CALLER_KEY);
		expect(callerKey('garbage', secret)).toBe(WITHHELD_CALLER_KEY);
	});
});
