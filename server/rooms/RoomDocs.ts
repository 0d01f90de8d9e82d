import { LIMITS, type SharedDocName } from '../protocol/limits.js';
import type { ServerPush } from '../protocol/events.js';
import { PlenumError } from '../shared/errors.js';
import type { ParticipantId } from '../shared/ids.js';
import type { Participant } from './Participant.js';
import { SharedDoc } from './SharedDoc.js';
import type * as Y from 'yjs';

/** What RoomDocs needs of its room: its participants and a way to reach them. */
export interface DocsHost {
	participants(): Participant[];
	broadcast(push: ServerPush, except?: ParticipantId): void;
}

/** Base64 on the wire (JSON-safe through the cluster relay), bytes inside. */
const toWire = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const fromWire = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * Whether the board may take another shape: its shapes live in the top-level array 'shapes'
 * (client/src/collab/boardShapes.ts). A document whose 'shapes' is not an array takes none.
 */
function boardHasRoom(doc: Y.Doc): boolean {
	try {
		return doc.getArray('shapes').length < LIMITS.BOARD_OBJECTS_MAX;
	} catch {
		return false;
	}
}

/**
 * A room's shared documents — the notes and the whiteboard — and who may edit them. Owned by
 * its Room and closed with it; a document is made when first opened, so a meeting that never
 * uses one holds nothing. Edits are relayed to everyone else in the room as they come.
 */
export class RoomDocs {
	readonly #docs = new Map<SharedDocName, SharedDoc>();
	readonly #host: DocsHost;
	readonly #mayDraw: (p: Participant) => boolean;
	/** Moderators locked the notes: read-only for everyone else. */
	#notesLocked = false;
	#closed = false;

	/** `mayDraw`: whether a participant may edit the whiteboard now (RoomStage). */
	constructor(host: DocsHost, mayDraw: (p: Participant) => boolean) {
		this.#host = host;
		this.#mayDraw = mayDraw;
	}

	get notesLocked(): boolean {
		return this.#notesLocked;
	}

	/** Opens `name` for `p`: what its client lacks (base64), and whether it may edit. */
	sync(p: Participant, name: SharedDocName, stateVector: string): { update: string; stateVector: string; cursors: string; writable: boolean; locked: boolean } {
		const s = this.#doc(name).sync(fromWire(stateVector));
		return { update: toWire(s.update), stateVector: toWire(s.stateVector), cursors: toWire(s.awareness), writable: this.#mayEdit(p, name), locked: this.#locked(name) };
	}

	/** Merges `p`'s edit and sends it to everyone else. PLN_DOC_READ_ONLY, PLN_DOC_TOO_LARGE, PLN_INVALID_MESSAGE. */
	update(p: Participant, name: SharedDocName, update: string): void {
		if (!this.#mayEdit(p, name)) throw new PlenumError('PLN_DOC_READ_ONLY');
		this.#doc(name).apply(fromWire(update), p.id);
		this.#host.broadcast({ event: 'docUpdate', data: { doc: name, update } }, p.id);
	}

	/** `p`'s cursor moved; everyone else sees it under `p`'s name. */
	cursor(p: Participant, name: SharedDocName, update: string): void {
		const checked = this.#doc(name).setCursors(fromWire(update), p.id, p.displayName);
		this.#host.broadcast({ event: 'docCursor', data: { doc: name, update: toWire(checked) } }, p.id);
	}

	/** A moderator locks or unlocks the notes; each participant is told whether it may edit now. */
	setNotesLocked(by: Participant, locked: boolean): void {
		if (by.role !== 'moderator') throw new PlenumError('PLN_NOT_MODERATOR');
		if (this.#notesLocked === locked) return;
		this.#notesLocked = locked;
		for (const p of this.#host.participants()) p.notify({ event: 'docAccess', data: { doc: 'notes', writable: this.#mayEdit(p, 'notes'), locked } });
	}

	/** A participant left: its cursors go from every document. */
	left(pid: ParticipantId): void {
		for (const [name, doc] of this.#docs) {
			const gone = doc.left(pid);
			if (gone) this.#host.broadcast({ event: 'docCursor', data: { doc: name, update: toWire(gone) } }, pid);
		}
	}

	/** The room closed: every document and cursor is destroyed. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const doc of this.#docs.values()) doc.destroy();
		this.#docs.clear();
	}

	#mayEdit(p: Participant, name: SharedDocName): boolean {
		if (p.kind !== 'browser') return false;
		if (name === 'board') return this.#mayDraw(p);
		return p.role === 'moderator' || !this.#locked(name);
	}

	#locked(name: SharedDocName): boolean {
		return name === 'notes' ? this.#notesLocked : false;
	}

	#doc(name: SharedDocName): SharedDoc {
		if (this.#closed) throw new PlenumError('PLN_ROOM_CLOSED');
		let doc = this.#docs.get(name);
		if (!doc) {
			doc = name === 'notes' ? new SharedDoc({ root: 'notes', maxBytes: LIMITS.NOTES_MAX_BYTES }) : new SharedDoc({ root: 'shapes', maxBytes: LIMITS.BOARD_MAX_BYTES, mayAdd: boardHasRoom });
			this.#docs.set(name, doc);
		}
		return doc;
	}
}
