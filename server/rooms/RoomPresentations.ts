import { randomBytes } from 'node:crypto';
import type { ServerPush } from '../protocol/events.js';
import { LIMITS } from '../protocol/limits.js';
import type { PresentationView } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';
import type { ParticipantId } from '../shared/ids.js';

/** What RoomPresentations needs of its room. */
export interface PresentationsHost {
	broadcast(push: ServerPush): void;
	/** A presentation went: the stage stops showing it. */
	presentationGone(presentationId: string): void;
}

interface Presentation {
	id: string;
	/** The file name the uploader's browser gave: shown to the room, never logged. */
	name: string;
	pages: number;
	size: number;
	/** The parts as they arrived (in any order, several at once): memory grows only with what is sent. */
	parts: Array<Buffer | undefined>;
	missing: number;
	uploader: ParticipantId;
}

const PDF_MAGIC = Buffer.from('%PDF-');

/**
 * The PDF files a room holds: in memory only, relayed part by part to whoever shows them; the
 * server never parses, converts or writes them. Zeroed and dropped when removed, when an
 * unfinished uploader leaves, and when the room closes.
 */
export class RoomPresentations {
	readonly #all = new Map<string, Presentation>();
	readonly #host: PresentationsHost;
	readonly #maxBytes: number;

	constructor(host: PresentationsHost, maxBytes: number) {
		this.#host = host;
		this.#maxBytes = maxBytes;
	}

	/** Complete presentations, in upload order. */
	list(): PresentationView[] {
		return [...this.#all.values()].filter((p) => p.missing === 0).map((p) => ({ id: p.id, name: p.name, size: p.size, pages: p.pages, parts: p.parts.length }));
	}

	/** Whether `page` of a complete presentation `id` exists (what the stage may show). */
	has(id: string, page: number): boolean {
		const p = this.#all.get(id);
		return !!p && p.missing === 0 && page >= 1 && page <= p.pages;
	}

	/** An upload begins (PLN_PRESENTATION_TOO_LARGE, PLN_TOO_MANY_PRESENTATIONS). */
	start(by: ParticipantId, name: string, size: number, pages: number): string {
		if (size > this.#maxBytes) throw new PlenumError('PLN_PRESENTATION_TOO_LARGE');
		if (this.#all.size >= LIMITS.PRESENTATIONS_MAX) throw new PlenumError('PLN_TOO_MANY_PRESENTATIONS');
		const id = randomBytes(12).toString('base64url');
		const parts = partsOf(size);
		this.#all.set(id, { id, name: printable(name), pages, size, parts: new Array<Buffer | undefined>(parts).fill(undefined), missing: parts, uploader: by });
		return id;
	}

	/** Part `index` of an upload by `by`; answers whether the upload is complete (then the room is told). */
	part(by: ParticipantId, id: string, index: number, base64: string): boolean {
		const p = this.#all.get(id);
		if (!p || p.uploader !== by || p.missing === 0) throw new PlenumError('PLN_NOT_FOUND');
		if (index >= p.parts.length) throw new PlenumError('PLN_PRESENTATION_TOO_LARGE');
		const data = Buffer.from(base64, 'base64');
		if (data.length !== Math.min(LIMITS.PRESENTATION_PART_BYTES, p.size - index * LIMITS.PRESENTATION_PART_BYTES)) {
			data.fill(0);
			throw new PlenumError('PLN_PRESENTATION_TOO_LARGE');
		}
		// Checked before the part is kept, whenever part 0 comes: a PDF starts with its magic.
		if (index === 0 && !data.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
			data.fill(0);
			this.#drop(p);
			throw new PlenumError('PLN_NOT_A_PDF');
		}
		// A part of its own (not a slice of Node's shared pool), so zeroing and dropping it frees it all.
		const kept = Buffer.alloc(data.length);
		data.copy(kept);
		data.fill(0);
		p.parts[index]?.fill(0);
		if (p.parts[index] === undefined) p.missing--;
		p.parts[index] = kept;
		if (p.missing > 0) return false;
		this.#changed();
		return true;
	}

	/** Part `index` of a complete presentation, base64. */
	read(id: string, index: number): string {
		const p = this.#all.get(id);
		const part = p && p.missing === 0 ? p.parts[index] : undefined;
		if (!part) throw new PlenumError('PLN_NOT_FOUND');
		return part.toString('base64');
	}

	remove(id: string): void {
		const p = this.#all.get(id);
		if (!p) throw new PlenumError('PLN_NOT_FOUND');
		const complete = p.missing === 0;
		this.#drop(p);
		if (complete) this.#changed();
	}

	/** A participant left: its unfinished uploads go (finished ones stay with the room). */
	left(pid: ParticipantId): void {
		for (const p of [...this.#all.values()]) if (p.uploader === pid && p.missing > 0) this.#drop(p);
	}

	/** The room closed: every presentation's bytes are zeroed and dropped. Idempotent. */
	close(): void {
		for (const p of [...this.#all.values()]) this.#drop(p);
	}

	#drop(p: Presentation): void {
		for (const part of p.parts) part?.fill(0);
		p.parts = [];
		this.#all.delete(p.id);
		this.#host.presentationGone(p.id);
	}

	#changed(): void {
		this.#host.broadcast({ event: 'presentationsChanged', data: { presentations: this.list() } });
	}
}

const partsOf = (size: number) => Math.ceil(size / LIMITS.PRESENTATION_PART_BYTES);

/** A file name without control characters (it is shown in others' browsers as text). */
const printable = (name: string) => name.replace(/[\p{Cc}\p{Cf}]/gu, '').trim() || 'presentation.pdf';
