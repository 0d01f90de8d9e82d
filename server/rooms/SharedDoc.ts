import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { LIMITS } from '../protocol/limits.js';
import { PlenumError } from '../shared/errors.js';
import type { ParticipantId } from '../shared/ids.js';

export interface SharedDocOptions {
	/** The document's one top-level type ('notes', 'shapes'): content anywhere else is refused. */
	root: string;
	/** Largest encoded state the document may reach (PLN_DOC_TOO_LARGE beyond). */
	maxBytes: number;
	/** Whether an update may add content now (false: only deletions pass, e.g. a full board). */
	mayAdd?: (doc: Y.Doc) => boolean;
}

/**
 * One collaborative document of a room (the notes, a whiteboard): a Yjs document and the
 * cursors of who edits it (y-protocols awareness), in memory only. Its room owns it and
 * destroys it at close: a Y.Doc without a provider stays in memory until destroyed. The
 * server only checks and merges updates; it never reads the text.
 */
export class SharedDoc {
	readonly #doc = new Y.Doc({ gc: true });
	readonly #awareness = new Awareness(this.#doc);
	/** Awareness client ids → who set them: one participant cannot move another's cursor. */
	readonly #cursorOwners = new Map<number, ParticipantId>();
	readonly #opts: SharedDocOptions;
	/** An upper bound of the encoded state: updates summed since the last exact count. */
	#bytesBound = 0;
	#destroyed = false;

	constructor(opts: SharedDocOptions) {
		this.#opts = opts;
		// The server has no cursor of its own, and keeps states until their participant leaves.
		this.#awareness.setLocalState(null);
		clearInterval(this.#awareness._checkInterval);
	}

	/** What a client with `stateVector` lacks, the server's state vector (for the client's reply) and the cursors. */
	sync(stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array } {
		this.#alive();
		let diff: Uint8Array;
		try {
			// An empty vector (a client with nothing yet) asks for everything.
			diff = Y.encodeStateAsUpdate(this.#doc, stateVector.length > 0 ? stateVector : undefined);
		} catch (cause) {
			throw new PlenumError('PLN_INVALID_MESSAGE', { cause });
		}
		const clients = [...this.#awareness.getStates().keys()];
		return { update: diff, stateVector: Y.encodeStateVector(this.#doc), awareness: encodeAwarenessUpdate(this.#awareness, clients) };
	}

	/** Merges a participant's update; throws PLN_INVALID_MESSAGE (not Yjs, or another root) or PLN_DOC_TOO_LARGE. */
	apply(update: Uint8Array, by: ParticipantId): void {
		this.#alive();
		let decoded: ReturnType<typeof Y.decodeUpdate>;
		try {
			decoded = Y.decodeUpdate(update);
		} catch (cause) {
			throw new PlenumError('PLN_INVALID_MESSAGE', { cause });
		}
		// A top-level item names its root type; any other root would be unseen, unbounded content.
		if (decoded.structs.some((s) => s instanceof Y.Item && typeof s.parent === 'string' && s.parent !== this.#opts.root)) throw new PlenumError('PLN_INVALID_MESSAGE');
		const adds = decoded.structs.some((s) => s instanceof Y.Item);
		if (adds && this.#opts.mayAdd && !this.#opts.mayAdd(this.#doc)) throw new PlenumError('PLN_DOC_TOO_LARGE');
		if (adds && this.#bytesBound + update.length > this.#opts.maxBytes) {
			this.#bytesBound = Y.encodeStateAsUpdate(this.#doc).length;
			if (this.#bytesBound + update.length > this.#opts.maxBytes) throw new PlenumError('PLN_DOC_TOO_LARGE');
		}
		try {
			Y.applyUpdate(this.#doc, update, by);
		} catch (cause) {
			throw new PlenumError('PLN_INVALID_MESSAGE', { cause });
		}
		this.#bytesBound += update.length;
	}

	/**
	 * Merges a participant's cursor update and answers what to send the others: the same
	 * states with the participant's own display name on them (a client cannot pose as
	 * someone else). PLN_INVALID_MESSAGE for a malformed update or another's client id.
	 */
	setCursors(update: Uint8Array, by: ParticipantId, displayName: string): Uint8Array {
		this.#alive();
		const entries = readAwareness(update);
		const mine = [...this.#cursorOwners.values()].filter((p) => p === by).length;
		const fresh = entries.filter((e) => !this.#cursorOwners.has(e.clientId)).length;
		if (entries.some((e) => (this.#cursorOwners.get(e.clientId) ?? by) !== by) || mine + fresh > LIMITS.DOC_CURSORS_PER_PARTICIPANT) {
			throw new PlenumError('PLN_INVALID_MESSAGE');
		}
		for (const e of entries) {
			this.#cursorOwners.set(e.clientId, by);
			if (e.state) e.state.user = { ...(isObject(e.state.user) ? e.state.user : {}), name: displayName };
		}
		const checked = writeAwareness(entries);
		applyAwarenessUpdate(this.#awareness, checked, by);
		return checked;
	}

	/** A participant left: its cursors go; answers the update that tells the others (undefined: it had none). */
	left(pid: ParticipantId): Uint8Array | undefined {
		if (this.#destroyed) return undefined;
		const ids = [...this.#cursorOwners].filter(([, p]) => p === pid).map(([id]) => id);
		if (ids.length === 0) return undefined;
		for (const id of ids) this.#cursorOwners.delete(id);
		removeAwarenessStates(this.#awareness, ids, 'left');
		return encodeAwarenessUpdate(this.#awareness, ids);
	}

	/** The room closed: the text and the cursors go. Idempotent. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#cursorOwners.clear();
		this.#awareness.destroy();
		this.#doc.destroy();
	}

	#alive(): void {
		if (this.#destroyed) throw new PlenumError('PLN_ROOM_CLOSED');
	}
}

type CursorEntry = { clientId: number; clock: number; state: Record<string, unknown> | null };

/** y-protocols' awareness wire format: count, then (client id, clock, state JSON) per client. */
function readAwareness(update: Uint8Array): CursorEntry[] {
	try {
		const d = decoding.createDecoder(update);
		const n = decoding.readVarUint(d);
		if (n < 1 || n > LIMITS.DOC_CURSORS_PER_PARTICIPANT) throw new Error('count');
		const entries: CursorEntry[] = [];
		for (let i = 0; i < n; i++) {
			const clientId = decoding.readVarUint(d);
			const clock = decoding.readVarUint(d);
			const state: unknown = JSON.parse(decoding.readVarString(d));
			if (state !== null && !isObject(state)) throw new Error('state');
			entries.push({ clientId, clock, state });
		}
		if (decoding.hasContent(d)) throw new Error('trailing bytes');
		return entries;
	} catch (cause) {
		throw new PlenumError('PLN_INVALID_MESSAGE', { cause });
	}
}

function writeAwareness(entries: CursorEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const x of entries) {
		encoding.writeVarUint(e, x.clientId);
		encoding.writeVarUint(e, x.clock);
		encoding.writeVarString(e, JSON.stringify(x.state));
	}
	return encoding.toUint8Array(e);
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
