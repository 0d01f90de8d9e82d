import { describe, expect, it } from 'vitest';
import { callerLabel, displayNameOf, scrubNumbers } from './callerId.js';

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
