import { fromBase64, toBase64 } from 'lib0/buffer';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { SharedDocName } from '../../../server/protocol/limits.js';
import { Emitter } from '../Emitter.js';
import type { MeetingChannel, RoomClient } from '../RoomClient.js';

/** Local edits are sent at most this often, merged (one keystroke need not be one message). */
const FLUSH_MS = 40;
/** Cursor moves are sent at most this often. */
const CURSOR_MS = 100;
/** Marks what came from the server, so it is not sent back. */
const REMOTE = Symbol('remote');

export type DocSyncEvents = {
	/** Whether this participant may edit changed (a lock, a grant), or the first sync answered. */
	access: [];
	/** The server refused our edits and the document was reloaded from it: bind the editor anew to `doc`. */
	reset: [];
	/** An edit was refused; `code` is the server's (PLN_DOC_READ_ONLY, PLN_DOC_TOO_LARGE). */
	refused: [code: string];
};

/**
 * One shared document of the meeting, in this browser's memory: a Y.Doc and its cursors kept
 * in step with the room over the meeting's connection (docSync, docUpdate, docCursor). It
 * catches up after every resume; close() (or the meeting's end) destroys it.
 */
export class DocSync extends Emitter<DocSyncEvents> {
	doc = new Y.Doc();
	awareness = new Awareness(this.doc);
	writable = false;
	locked = false;
	readonly #name: SharedDocName;
	readonly #channel: MeetingChannel;
	readonly #client: RoomClient;
	readonly #stops: Array<() => void> = [];
	#pending: Uint8Array[] = [];
	#flushTimer: ReturnType<typeof setTimeout> | undefined;
	#cursorTimer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;

	constructor(client: RoomClient, name: SharedDocName) {
		super();
		this.#name = name;
		this.#channel = client.channel;
		this.#client = client;
		const on = this.#channel.on;
		this.#stops.push(
			on('docUpdate', ({ doc, update }) => doc === name && Y.applyUpdate(this.doc, fromBase64(update), REMOTE)),
			on('docCursor', ({ doc, update }) => doc === name && applyAwarenessUpdate(this.awareness, fromBase64(update), REMOTE)),
			on('docAccess', ({ doc, writable, locked }) => {
				if (doc !== name) return;
				this.writable = writable;
				this.locked = locked;
				this.emit('access');
			}),
		);
		const onConnection = (state: string) => state === 'connected' && void this.#open();
		// Another room of the meeting has its own document: never merge this one into it.
		this.#stops.push(client.on('connection', onConnection), client.on('closed', () => this.close()), client.on('moved', () => this.#reload()));
		this.#bind();
		void this.#open();
	}

	/** Sends this client's cursor (with a colour) and watches the document for local edits. */
	#bind(): void {
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === REMOTE || this.#closed) return;
			this.#pending.push(update);
			this.#flushTimer ??= setTimeout(() => void this.#flush(), FLUSH_MS);
		});
		this.awareness.on('update', (_: unknown, origin: unknown) => {
			if (origin === REMOTE || this.#closed) return;
			this.#cursorTimer ??= setTimeout(() => {
				this.#cursorTimer = undefined;
				const update = toBase64(encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
				this.#channel.request('docCursor', { doc: this.#name, update, room: this.#client.roomId }).catch(() => undefined);
			}, CURSOR_MS);
		});
	}

	/** Catch up both ways: what the server has that we lack, then what we have that it lacks. */
	async #open(): Promise<void> {
		if (this.#closed) return;
		const answer = await this.#channel.request('docSync', { doc: this.#name, stateVector: toBase64(Y.encodeStateVector(this.doc)) }).catch(() => undefined);
		if (!answer || this.#closed) return;
		Y.applyUpdate(this.doc, fromBase64(answer.update), REMOTE);
		applyAwarenessUpdate(this.awareness, fromBase64(answer.cursors), REMOTE);
		this.writable = answer.writable;
		this.locked = answer.locked;
		this.emit('access');
		const ours = Y.encodeStateAsUpdate(this.doc, fromBase64(answer.stateVector));
		// An empty update is two zero bytes (no structs, no deletions).
		if (ours.length > 2 && this.writable) this.#pending.push(ours);
		if (this.#pending.length > 0) await this.#flush();
	}

	async #flush(): Promise<void> {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		if (this.#pending.length === 0 || this.#closed) return;
		const update = toBase64(Y.mergeUpdates(this.#pending));
		this.#pending = [];
		try {
			// The room named is the one the edit was made in: a move that overtakes it drops it.
			await this.#channel.request('docUpdate', { doc: this.#name, update, room: this.#client.roomId });
		} catch (err) {
			const code = (err as { code?: string }).code ?? '';
			// Not delivered for a dropped connection: the resume's catch-up sends it.
			if (code === 'PLN_TIMEOUT' || code === 'PLN_CLUSTER_UNAVAILABLE') return;
			this.emit('refused', code);
			this.#reload();
		}
	}

	/** The server refused our edit (our copy differs from the room's), or we moved rooms: start again from the room's. */
	#reload(): void {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		this.#pending = [];
		const cursor = this.awareness.getLocalState();
		this.awareness.destroy();
		this.doc.destroy();
		this.doc = new Y.Doc();
		this.awareness = new Awareness(this.doc);
		if (cursor) this.awareness.setLocalState(cursor);
		this.#bind();
		this.emit('reset');
		void this.#open();
	}

	/** Sets what others see of this client's cursor (name is set by the server). */
	setUser(color: string): void {
		this.awareness.setLocalStateField('user', { color });
	}

	/** Destroys the local copy and stops listening. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#flushTimer);
		clearTimeout(this.#cursorTimer);
		for (const stop of this.#stops) stop();
		removeAwarenessStates(this.awareness, [this.doc.clientID], 'closed');
		this.awareness.destroy();
		this.doc.destroy();
	}
}
