import { describe, expect, it } from 'vitest';
import { Poll } from './Poll.js';

describe('Poll', () => {
	it('counts one vote per participant and shows counts only when closed', () => {
		const p = new Poll('Budget?', ['yes', 'no', 'abstain']);
		p.vote('a', 0);
		p.vote('b', 0);
		p.vote('c', 2);
		expect(() => p.vote('a', 1)).toThrow(expect.objectContaining({ code: 'PLN_ALREADY_VOTED' }));
		expect(p.view()).toEqual({ id: p.id, question: 'Budget?', options: ['yes', 'no', 'abstain'], open: true });
		expect(p.close().counts).toEqual([2, 0, 1]);
		expect(() => p.vote('d', 0)).toThrow(expect.objectContaining({ code: 'PLN_POLL_CLOSED' }));
	});

	it('keeps no link between a voter and a choice', () => {
		const p = new Poll('Q', ['x', 'y']);
		p.vote('voter-7f3', 1);
		// Nothing reachable from the poll maps the voter to option 1.
		const reachable = JSON.stringify({ ...p, view: p.view() });
		expect(reachable).not.toContain('voter-7f3');
		p.close();
		expect(JSON.stringify(p)).not.toContain('voter-7f3');
	});

	it('refuses an option that does not exist', () => {
		expect(() => new Poll('Q', ['x', 'y']).vote('a', 5)).toThrow(expect.objectContaining({ code: 'PLN_INVALID_MESSAGE' }));
	});
});
