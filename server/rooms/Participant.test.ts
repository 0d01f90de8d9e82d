import { describe, expect, it } from 'vitest';
import type { ServerPush } from '../protocol/events.js';
import { newParticipantId } from '../shared/ids.js';
import { type Connection, Participant } from './Participant.js';

/** A connection that records its pushes and how often it was told it was replaced. */
const connection = () => {
	const got: ServerPush[] = [];
	const c = { got, replacedTimes: 0, notify: (p: ServerPush) => got.push(p), replaced: () => { c.replacedTimes++; } };
	return c satisfies Connection & { got: ServerPush[]; replacedTimes: number };
};
const push: ServerPush = { event: 'askedToUnmute', data: {} };

describe('Participant is bound to at most one connection', () => {
	it('a resume binds the new connection and tells the old one once, after the rebind', () => {
		const a = connection();
		const p = new Participant(newParticipantId(), 'A', a);
		const b = connection();
		let boundWhenTold: boolean | undefined;
		const q: Participant = new Participant(newParticipantId(), 'Q', { notify: () => undefined, replaced: () => { boundWhenTold = q.isBoundTo(b); } });
		expect(q.resume(q.resumeToken, b)).toBe(true);
		expect(boundWhenTold).toBe(true);
		expect(p.resume(p.resumeToken, b)).toBe(true);
		expect(a.replacedTimes).toBe(1);
		p.notify(push);
		expect(b.got).toEqual([push]);
		expect(a.got).toEqual([]);
	});

	it('the replaced connection cannot disconnect the participant; the bound one can, once', () => {
		const a = connection();
		const b = connection();
		const p = new Participant(newParticipantId(), 'A', a);
		p.resume(p.resumeToken, b);
		expect(p.disconnect(a)).toBe(false);
		expect(p.connected).toBe(true);
		expect(p.disconnect(b)).toBe(true);
		expect(p.disconnect(b)).toBe(false);
		expect(p.connected).toBe(false);
	});

	it('a wrong token changes nothing; a resume onto the bound connection tells nobody', () => {
		const a = connection();
		const p = new Participant(newParticipantId(), 'A', a);
		expect(p.resume('wrong', connection())).toBe(false);
		expect(p.isBoundTo(a)).toBe(true);
		expect(p.resume(p.resumeToken, a)).toBe(true);
		expect(a.replacedTimes).toBe(0);
	});

	it('a bare Notify binds too and is matched by identity', () => {
		const notify = (_p: ServerPush) => undefined;
		const p = new Participant(newParticipantId(), 'A', notify);
		expect(p.isBoundTo(notify)).toBe(true);
		expect(p.isBoundTo(() => undefined)).toBe(false);
		expect(p.disconnect(() => undefined)).toBe(false);
		expect(p.disconnect(notify)).toBe(true);
	});
});
