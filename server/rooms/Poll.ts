import { randomBytes } from 'node:crypto';
import type { PollResult, PollView } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';

/**
 * One anonymous poll: who voted is kept only to refuse a second vote, never next to what they
 * chose; counts are per option. Memory only, dropped with its room.
 */
export class Poll {
	readonly id = randomBytes(6).toString('base64url');
	readonly question: string;
	readonly options: string[];
	readonly #counts: number[];
	readonly #voted = new Set<string>();
	open = true;

	constructor(question: string, options: string[]) {
		this.question = question;
		this.options = options;
		this.#counts = options.map(() => 0);
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
