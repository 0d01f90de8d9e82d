import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asParticipantId } from '../shared/ids.js';
import { SharedDoc } from './SharedDoc.js';

const ana = asParticipantId('ana');
const ben = asParticipantId('ben');

/** A client-side Y.Doc that types `text` into the shared text 't' and hands its update back. */
function edit(doc: Y.Doc, text: string): Uint8Array {
	let update: Uint8Array | undefined;
	const grab = (u: Uint8Array) => { update = u; };
	doc.on('update', grab);
	doc.getText('t').insert(doc.getText('t').length, text);
	doc.off('update', grab);
	if (!update) throw new Error('no update');
	return update;
}

function cursorOf(doc: Y.Doc, state: Record<string, unknown>): Uint8Array {
	const a = new Awareness(doc);
	a.setLocalState(state);
	const u = encodeAwarenessUpdate(a, [doc.clientID]);
	a.destroy();
	return u;
}

describe('SharedDoc', () => {
	it('merges two clients’ concurrent edits; a late joiner syncs to the same text', () => {
		const server = new SharedDoc({ root: 't', maxBytes: 10_000 });
		const a = new Y.Doc();
		const b = new Y.Doc();
		const ua = edit(a, 'hello ');
		const ub = edit(b, 'world');
		server.apply(ua, ana);
		server.apply(ub, ben);
		Y.applyUpdate(a, ub);
		Y.applyUpdate(b, ua);
		const late = new Y.Doc();
		Y.applyUpdate(late, server.sync(Y.encodeStateVector(late)).update);
		expect(late.getText('t').toString()).toBe(a.getText('t').toString());
		expect(a.getText('t').toString()).toBe(b.getText('t').toString());
		expect(late.getText('t').length).toBe(11);
		// A client that already has it all gets an empty diff.
		expect(Y.decodeUpdate(server.sync(Y.encodeStateVector(a)).update).structs).toHaveLength(0);
		server.destroy();
	});

	it('refuses malformed bytes with PLN_INVALID_MESSAGE and keeps its text', () => {
		const server = new SharedDoc({ root: 't', maxBytes: 10_000 });
		const a = new Y.Doc();
		server.apply(edit(a, 'kept'), ana);
		expect(() => server.apply(new Uint8Array([255, 255, 255, 1, 2, 3]), ana)).toThrow(expect.objectContaining({ code: 'PLN_INVALID_MESSAGE' }));
		// Content under another top-level name (which no editor shows, and no limit counts) is refused.
		const other = new Y.Doc();
		let hidden: Uint8Array | undefined;
		other.on('update', (u: Uint8Array) => { hidden = u; });
		other.getMap('elsewhere').set('k', 'v');
		expect(() => server.apply(hidden ?? new Uint8Array(), ana)).toThrow(expect.objectContaining({ code: 'PLN_INVALID_MESSAGE' }));
		const check = new Y.Doc();
		Y.applyUpdate(check, server.sync(new Uint8Array([0])).update);
		expect(check.getText('t').toString()).toBe('kept');
	});

	it('refuses an edit past maxBytes with PLN_DOC_TOO_LARGE; deleting still works', () => {
		const server = new SharedDoc({ root: 't', maxBytes: 200 });
		const a = new Y.Doc();
		server.apply(edit(a, 'x'.repeat(100)), ana);
		expect(() => server.apply(edit(a, 'y'.repeat(150)), ana)).toThrow(expect.objectContaining({ code: 'PLN_DOC_TOO_LARGE' }));
		const fresh = new Y.Doc();
		Y.applyUpdate(fresh, server.sync(Y.encodeStateVector(fresh)).update);
		let del: Uint8Array | undefined;
		fresh.on('update', (u: Uint8Array) => { del = u; });
		fresh.getText('t').delete(0, 50);
		server.apply(del as Uint8Array, ana);
	});

	it('only deletions pass while mayAdd says no', () => {
		let full = false;
		const server = new SharedDoc({ root: 't', maxBytes: 10_000, mayAdd: (doc) => !full && doc instanceof Y.Doc });
		const a = new Y.Doc();
		server.apply(edit(a, 'one'), ana);
		full = true;
		expect(() => server.apply(edit(a, 'two'), ana)).toThrow(expect.objectContaining({ code: 'PLN_DOC_TOO_LARGE' }));
	});

	it('names a cursor after its participant and refuses another participant’s client id', () => {
		const server = new SharedDoc({ root: 't', maxBytes: 10_000 });
		const a = new Y.Doc();
		const out = server.setCursors(cursorOf(a, { user: { name: 'Not Ana', color: '#f00' } }), ana, 'Ana');
		const seen = new Awareness(new Y.Doc());
		// What the others receive carries the server's name for the participant.
		applyAwarenessUpdate(seen, out, 'test');
		expect(seen.getStates().get(a.clientID)).toEqual({ user: { name: 'Ana', color: '#f00' } });
		expect(() => server.setCursors(cursorOf(a, { user: { name: 'Ana' } }), ben, 'Ben')).toThrow(expect.objectContaining({ code: 'PLN_INVALID_MESSAGE' }));
		expect(() => server.setCursors(new Uint8Array([1, 2]), ana, 'Ana')).toThrow(expect.objectContaining({ code: 'PLN_INVALID_MESSAGE' }));
		// Leaving removes the cursor: the update says so (a null state).
		expect(server.left(ana)).toBeInstanceOf(Uint8Array);
		expect(server.left(ana)).toBeUndefined();
		seen.destroy();
	});

	it('rejects every call with PLN_ROOM_CLOSED once destroyed', () => {
		const server = new SharedDoc({ root: 't', maxBytes: 10_000 });
		server.destroy();
		server.destroy();
		expect(() => server.apply(edit(new Y.Doc(), 'x'), ana)).toThrow(expect.objectContaining({ code: 'PLN_ROOM_CLOSED' }));
		expect(() => server.sync(new Uint8Array([0]))).toThrow(expect.objectContaining({ code: 'PLN_ROOM_CLOSED' }));
		expect(server.left(ana)).toBeUndefined();
	});
});
