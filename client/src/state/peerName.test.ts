import { afterEach, describe, expect, it } from 'vitest';
import { lang } from '../i18n/i18n.js';
import { peerLabel, peerName } from './peerName.js';

describe('peerName', () => {
	afterEach(() => { lang.value = 'en'; });

	it('shows a phone caller by the last four digits, in English and German', () => {
		lang.value = 'en';
		expect(peerName({ kind: 'phone', displayName: '…5678' })).toBe('Phone …5678');
		lang.value = 'de';
		expect(peerName({ kind: 'phone', displayName: '…5678' })).toBe('Telefon …5678');
	});

	it('says withheld when the caller sent no number', () => {
		lang.value = 'en';
		expect(peerName({ kind: 'phone', displayName: '' })).toBe('Phone (withheld)');
		lang.value = 'de';
		expect(peerName({ kind: 'phone', displayName: '' })).toBe('Telefon (unterdrückt)');
	});

	it('never shows more than four digits of a number, whatever the server sends', () => {
		expect(peerName({ kind: 'phone', displayName: '+4915112345678' })).toBe('Phone …5678');
		expect(peerName({ kind: 'phone', displayName: '…78' })).toBe('Phone …78');
	});

	it('shows browser participants by their own name, even one that looks like a number', () => {
		expect(peerName({ kind: 'browser', displayName: 'Erika' })).toBe('Erika');
		expect(peerName({ kind: 'browser', displayName: '…1234' })).toBe('…1234');
	});

	it('marks this client’s own entry', () => {
		expect(peerLabel({ kind: 'browser', displayName: 'Erika', isSelf: true })).toBe('Erika (you)');
		expect(peerLabel({ kind: 'phone', displayName: '…5678' })).toBe('Phone …5678');
	});
});
