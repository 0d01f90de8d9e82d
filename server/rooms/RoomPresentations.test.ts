import { describe, expect, it } from 'vitest';
import type { ServerPush } from '../protocol/events.js';
import { LIMITS } from '../protocol/limits.js';
import { asParticipantId } from '../shared/ids.js';
import { RoomPresentations } from './RoomPresentations.js';

const ana = asParticipantId('ana');
const ben = asParticipantId('ben');
const PART = LIMITS.PRESENTATION_PART_BYTES;

function setup(maxBytes = 1_000_000) {
	const pushes: ServerPush[] = [];
	const gone: string[] = [];
	const all = new RoomPresentations({ broadcast: (p) => pushes.push(p), presentationGone: (id) => gone.push(id) }, maxBytes);
	return { all, pushes, gone };
}

/** A fake PDF of `size` bytes: the magic, then a pattern that shows where each byte came from. */
function pdf(size: number): Buffer {
	const b = Buffer.alloc(size, 0x2e);
	b.write('%PDF-1.7\n');
	for (let i = 9; i < size; i++) b[i] = i % 251;
	return b;
}
const partOf = (b: Buffer, i: number) => b.subarray(i * PART, (i + 1) * PART).toString('base64');

describe('RoomPresentations', () => {
	it('takes parts in any order, tells the room once complete, and reads back the same bytes', () => {
		const { all, pushes } = setup();
		const file = pdf(2 * PART + 123);
		const id = all.start(ana, 'budget\u0007.pdf', file.length, 2);
		expect(all.part(ana, id, 2, partOf(file, 2))).toBe(false);
		expect(all.part(ana, id, 0, partOf(file, 0))).toBe(false);
		expect(all.list()).toEqual([]);
		expect(all.part(ana, id, 1, partOf(file, 1))).toBe(true);
		expect(all.list()).toEqual([{ id, name: 'budget.pdf', size: file.length, pages: 2, parts: 3 }]);
		expect(pushes).toEqual([{ event: 'presentationsChanged', data: { presentations: all.list() } }]);
		const back = Buffer.concat([0, 1, 2].map((i) => Buffer.from(all.read(id, i), 'base64')));
		expect(back.equals(file)).toBe(true);
		expect(all.has(id, 2)).toBe(true);
		expect(all.has(id, 3)).toBe(false);
	});

	it('refuses what is not a PDF, too large, of the wrong part size, or from someone else', () => {
		const { all, gone } = setup(3 * PART);
		expect(() => all.start(ana, 'big.pdf', 3 * PART + 1, 1)).toThrow(expect.objectContaining({ code: 'PLN_PRESENTATION_TOO_LARGE' }));
		const office = Buffer.alloc(PART, 0);
		office.write('PK\u0003\u0004');
		const id = all.start(ana, 'slides.pptx', PART, 1);
		expect(() => all.part(ana, id, 0, office.toString('base64'))).toThrow(expect.objectContaining({ code: 'PLN_NOT_A_PDF' }));
		expect(gone).toEqual([id]);
		expect(() => all.part(ana, id, 0, partOf(pdf(PART), 0))).toThrow(expect.objectContaining({ code: 'PLN_NOT_FOUND' }));

		const file = pdf(PART + 10);
		const id2 = all.start(ana, 'a.pdf', file.length, 1);
		expect(() => all.part(ben, id2, 0, partOf(file, 0))).toThrow(expect.objectContaining({ code: 'PLN_NOT_FOUND' }));
		expect(() => all.part(ana, id2, 1, Buffer.alloc(11).toString('base64'))).toThrow(expect.objectContaining({ code: 'PLN_PRESENTATION_TOO_LARGE' }));
		expect(() => all.part(ana, id2, 2, partOf(file, 1))).toThrow(expect.objectContaining({ code: 'PLN_PRESENTATION_TOO_LARGE' }));
		expect(() => all.read(id2, 0)).toThrow(expect.objectContaining({ code: 'PLN_NOT_FOUND' }));
	});

	it('holds at most PRESENTATIONS_MAX; an unfinished upload goes with its uploader; close drops them all', () => {
		const { all } = setup();
		const file = pdf(100);
		const ids = Array.from({ length: LIMITS.PRESENTATIONS_MAX }, (_, i) => all.start(ana, `${i}.pdf`, file.length, 1));
		expect(() => all.start(ana, 'one more.pdf', 100, 1)).toThrow(expect.objectContaining({ code: 'PLN_TOO_MANY_PRESENTATIONS' }));
		for (const id of ids.slice(1)) all.part(ana, id, 0, partOf(file, 0));
		all.left(ana);
		expect(all.list().map((p) => p.id)).toEqual(ids.slice(1));
		// The bytes a reader got are its own copy; what the room held is zeroed at close.
		const big = pdf(PART);
		const id = all.start(ben, 'b.pdf', big.length, 1);
		const sent = Buffer.from(partOf(big, 0), 'base64');
		all.part(ben, id, 0, sent.toString('base64'));
		all.close();
		expect(all.list()).toEqual([]);
		expect(() => all.read(id, 0)).toThrow(expect.objectContaining({ code: 'PLN_NOT_FOUND' }));
	});
});
