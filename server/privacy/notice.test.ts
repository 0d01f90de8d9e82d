import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { noticeHtml, privacyNotice } from './notice.js';

const text = (env: Record<string, string>, lang: 'de' | 'en' = 'en') => JSON.stringify(privacyNotice(loadConfig(env), lang));

describe('privacy notice from the configuration', () => {
	it('mentions phone numbers only when dial-in is enabled', () => {
		expect(text({})).not.toContain('last four digits');
		expect(text({ SIP_ENABLED: 'true', SIP_DIAL_IN_NUMBER: '+49 30 1234567' })).toContain('last four digits');
		expect(text({ SIP_ENABLED: 'true', SIP_DIAL_IN_NUMBER: '+49 30 1234567' }, 'de')).toContain('letzten vier Ziffern');
	});

	it('lists the notes and the whiteboard only when FEATURES has them on', () => {
		expect(text({})).toContain('Shared notes');
		expect(text({})).toContain('Whiteboard drawings');
		expect(text({ FEATURES: 'none' })).not.toMatch(/Shared notes|Whiteboard/);
		expect(text({ FEATURES: 'notes' })).not.toContain('Whiteboard');
		expect(text({ FEATURES: 'whiteboard' }, 'de')).toContain('Whiteboard');
		expect(text({ FEATURES: 'whiteboard' }, 'de')).not.toContain('Gemeinsame Notizen');
		expect(() => loadConfig({ FEATURES: 'notes,recording' })).toThrow(/FEATURES/);
	});

	it('mentions a relay only when TURN is configured', () => {
		expect(text({})).not.toContain('TURN');
		expect(text({ TURN_URLS: 'turns:turn.example.org:443', TURN_SECRET: 's'.repeat(32) })).toContain('TURN');
	});

	it('follows the access mode, limits, durations and log level', () => {
		expect(text({})).toContain('Anyone who has a meeting’s link');
		expect(text({ AUTH_MODE: 'token', JWT_SECRET: 's'.repeat(32) })).toContain('invitation from your organisation’s portal');
		const n = privacyNotice(loadConfig({ ROOM_MAX_DURATION_MS: String(8 * 3_600_000), RECONNECT_GRACE_MS: '20000', MAX_PARTICIPANTS_PER_ROOM: '50', LOG_LEVEL: 'warn' }), 'en');
		expect(n.facts).toMatchObject({ maxMeetingHours: 8, reconnectGraceSeconds: 20, maxParticipants: 50, logLevel: 'warn', cookies: false, thirdParties: [] });
		expect(JSON.stringify(n)).toContain('after 8 hours');
	});

	it('carries the operator’s controller details, escaped in HTML', () => {
		const html = noticeHtml(privacyNotice(loadConfig({ PRIVACY_CONTROLLER_NAME: 'Stadt <Musterstadt>', PRIVACY_CONTROLLER_CONTACT: 'datenschutz@musterstadt.example' }), 'de'));
		expect(html).toContain('Stadt &#60;Musterstadt&#62;');
		expect(html).toContain('datenschutz@musterstadt.example');
		expect(html).toContain('<html lang="de">');
		expect(html).not.toMatch(/<script|<link/);
	});
});
