import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerPush } from '../protocol/events.js';
import type { RoomSettings } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';

/** A knocking participant waiting in the lobby; name shown to moderators only. */
export interface LobbyEntry {
	id: string;
	displayName: string;
	notify: (push: ServerPush) => void;
}

export type { RoomSettings };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may enter a room: lock, password, lobby, and the single-use tickets the lobby hands out.
 * Memory only and owned by its Room; `close()` tells everyone still waiting.
 */
export class RoomAccess {
	locked = false;
	lobby = false;
	#password: Buffer | undefined;
	readonly #waiting = new Map<string, LobbyEntry>();
	readonly #tickets = new Set<string>();
	// Digests of banned invitations (tokens); memory only, for this room's lifetime.
	readonly #banned = new Set<string>();

	/** The digest a token is banned by (never the token itself). */
	static tokenDigest(token: string): string {
		return createHash('sha256').update(token).digest('base64url');
	}

	ban(tokenDigest: string): void {
		this.#banned.add(tokenDigest);
	}

	settings(): RoomSettings {
		return { locked: this.locked, lobby: this.lobby, hasPassword: this.#password !== undefined };
	}

	setPassword(password: string | null): void {
		this.#password = password ? digest(password) : undefined;
	}

	#checkPassword(password: string | undefined): void {
		if (!this.#password) return;
		if (!password) throw new PlenumError('PLN_PASSWORD_REQUIRED');
		if (!timingSafeEqual(digest(password), this.#password)) throw new PlenumError('PLN_WRONG_PASSWORD');
	}

	/**
	 * Throws unless this joiner may enter now. A moderator's token passes everything; a lobby
	 * ticket passes once; otherwise lock, then password, then lobby apply.
	 */
	gate(o: { moderatorToken: boolean; password?: string; ticket?: string; tokenDigest?: string }): void {
		if (o.tokenDigest && this.#banned.has(o.tokenDigest)) throw new PlenumError('PLN_BANNED');
		if (o.moderatorToken) return;
		if (o.ticket && this.#tickets.delete(o.ticket)) return;
		if (this.locked) throw new PlenumError('PLN_ROOM_LOCKED');
		this.#checkPassword(o.password);
		if (this.lobby) throw new PlenumError('PLN_LOBBY_REQUIRED');
	}

	/** Enters the lobby (after lock and password); returns the entry id. */
	knock(displayName: string, notify: LobbyEntry['notify'], password?: string): LobbyEntry {
		if (this.locked) throw new PlenumError('PLN_ROOM_LOCKED');
		this.#checkPassword(password);
		const entry = { id: randomBytes(9).toString('base64url'), displayName, notify };
		this.#waiting.set(entry.id, entry);
		return entry;
	}

	waiting(): Array<{ id: string; displayName: string }> {
		return [...this.#waiting.values()].map(({ id, displayName }) => ({ id, displayName }));
	}

	/** Admits (with a single-use ticket for the join) or denies one waiting entry. */
	decide(id: string, admitted: boolean): void {
		const entry = this.#waiting.get(id);
		if (!entry) throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
		this.#waiting.delete(id);
		if (!admitted) return entry.notify({ event: 'lobbyDecision', data: { admitted: false } });
		const ticket = randomBytes(16).toString('base64url');
		this.#tickets.add(ticket);
		entry.notify({ event: 'lobbyDecision', data: { admitted: true, ticket } });
	}

	/** The knocker went away. */
	cancel(id: string): boolean {
		return this.#waiting.delete(id);
	}

	/** What a new owner needs (not the knockers or tickets: they are bound to this node's sockets). */
	exportState(): { locked: boolean; lobby: boolean; passwordDigest: string | null; banned: string[] } {
		return { locked: this.locked, lobby: this.lobby, passwordDigest: this.#password?.toString('base64') ?? null, banned: [...this.#banned] };
	}

	restoreState(s: { locked: boolean; lobby: boolean; passwordDigest: string | null; banned: string[] }): void {
		this.locked = s.locked;
		this.lobby = s.lobby;
		this.#password = s.passwordDigest === null ? undefined : Buffer.from(s.passwordDigest, 'base64');
		for (const d of s.banned) this.#banned.add(d);
	}

	close(): void {
		for (const e of this.#waiting.values()) e.notify({ event: 'lobbyDecision', data: { admitted: false } });
		this.#waiting.clear();
		this.#tickets.clear();
		this.#banned.clear();
	}
}
