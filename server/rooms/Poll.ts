import { randomBytes } from 'node:crypto';
import type { PollResult, PollView } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';

/**
 * One anonymous poll: who voted is kept only to refuse a second vote, never next to what they
 * chose; counts are per option. Memory only, dropped with its room.
 */
export class Poll {
	readonly id: string;
	readonly question: string;
	readonly options: string[];
	readonly #counts: number[];
	readonly #voted = new Set<string>();
	open = true;

	/** With `saved`: the poll as exported by state() (a new owner restoring the room). */
	constructor(question: string, options: string[], saved?: { id: string; open: boolean; counts: number[]; voted: string[] }) {
		this.id = saved?.id ?? randomBytes(6).toString('base64url');
		this.question = question;
		this.options = options;
		this.#counts = options.map((_, i) => saved?.counts[i] ?? 0);
		for (const v of saved?.voted ?? []) this.#voted.add(v);
		this.open = saved?.open ?? true;
	}

	/** Everything for a restore: counts and who voted, still kept apart (no link between them). */
	state(): { id: string; question: string; options: string[]; open: boolean; counts: number[]; voted: string[] } {
		return { ...this.view(), counts: [...this.#counts], voted: [...this.#voted] };
	}

	vote(voterId: string, option: number): void {
		if (!this.open) throw new PlenumError('PLN_POLL_CLOSED');
		if (option < 0 || option >= this.options.length) throw new PlenumError('PLN_INVALID_MESSAGE');
		if (this.#voted.has(voterId)) throw new PlenumError('PLN_ALREADY_VOTED');
		this.#voted.add(voterId);
		this.#counts[option] = (this.#counts[option] ?? 0) + 1;
	}

	view(): PollView {
		return { id: this.id, question: this.question, options: [...this.options], open: this.open };
	}

	/** Closes the poll; the result is what everyone sees. */
	close(): PollResult {
		this.open = false;
		this.#voted.clear();
		return { ...this.view(), counts: [...this.#counts] };
	}
}
