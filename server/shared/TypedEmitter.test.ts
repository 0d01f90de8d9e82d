import { describe, expect, it } from 'vitest';
import { TypedEmitter, listenerErrorReport } from './TypedEmitter.js';

describe('TypedEmitter', () => {
	it('safeEmit reports a throwing listener and goes on', () => {
		const e = new TypedEmitter<{ ping: [n: number] }>();
		const seen: number[] = [];
		e.on('ping', () => {
			throw new Error('boom');
		});
		const reported: Array<[unknown, string]> = [];
		const wired = TypedEmitter.onListenerError;
		TypedEmitter.onListenerError = (err, event) => reported.push([err, event]);
		try {
			expect(e.safeEmit('ping', 1)).toBe(true);
			e.removeAllListeners('ping');
			e.on('ping', (n) => seen.push(n));
			e.safeEmit('ping', 2);
		} finally {
			TypedEmitter.onListenerError = wired;
		}
		expect(reported).toEqual([[expect.any(Error), 'ping']]);
		expect(seen).toEqual([2]);
	});

	it("the default report (before the logger is wired) names the event, type, code and frames, never the message or the error's properties", () => {
		const err = Object.assign(new TypeError('Erika Mustermann from 10.1.2.3 called +49 30 1234567'), { code: 'ERR_X', address: '10.1.2.3', displayName: 'Erika' });
		const report = listenerErrorReport(err, 'participantJoined');
		expect(report).toMatch(/^a listener for participantJoined threw TypeError ERR_X \(message not shown\)\n\s+at /);
		expect(report).toContain('TypedEmitter.test.ts');
		for (const leak of ['Erika', 'Mustermann', '10.1.2.3', '1234567']) expect(report).not.toContain(leak);
		expect(listenerErrorReport('Erika', 'x y')).toBe('a listener for an event threw string (message not shown)');
		const renamed = listenerErrorReport(Object.assign(new Error('x'), { name: 'Erika Mustermann', code: 'a b' }), 'e');
		expect(renamed.split('\n')[0]).toBe('a listener for e threw object (message not shown)');
	});
});
