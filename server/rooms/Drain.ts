import type { Logger } from '../observability/log.js';

/** What clients are told when the server starts draining. */
export interface DrainInfo {
	/** When (epoch ms) meetings still running are closed with reason `shutdown`. */
	deadlineAt: number;
}

export interface DrainDeps {
	/** Stops new rooms; resolves once the last room has closed (RoomRegistry.drain). */
	drainRooms: () => Promise<void>;
	/** How long running meetings may go on after drain starts. */
	timeoutMs: number;
	/** Tells every connected client (the `serverDraining` push). */
	notify: (info: DrainInfo) => void;
	/** Closes what is left and exits; called once, when the rooms are gone or at the deadline. */
	finish: (why: 'roomsEnded' | 'deadline') => void;
	log: Logger;
}

/**
 * Graceful drain for a restart: started by SIGTERM or SIGUSR2, it refuses new rooms, tells
 * clients, lets running meetings end on their own and finishes when the last one has closed
 * or when DRAIN_TIMEOUT_MS has passed, whichever comes first. Owned by the process entry.
 */
export class Drain {
	readonly #deps: DrainDeps;
	#info: DrainInfo | undefined;
	#deadline: NodeJS.Timeout | undefined;
	#finished = false;

	constructor(deps: DrainDeps) {
		this.#deps = deps;
	}

	/** The drain's state once started (readyz and newly connected clients read it). */
	get info(): DrainInfo | undefined {
		return this.#info;
	}

	/** Idempotent: a second call (another signal) changes nothing. */
	start(trigger: string): void {
		if (this.#info) return;
		const { timeoutMs, log } = this.#deps;
		this.#info = { deadlineAt: Date.now() + timeoutMs };
		log.info({ trigger, timeoutMs }, 'draining: no new rooms, running meetings continue');
		this.#deps.notify(this.#info);
		this.#deadline = setTimeout(() => this.#finish('deadline'), timeoutMs);
		void this.#deps.drainRooms().then(() => this.#finish('roomsEnded'));
	}

	#finish(why: 'roomsEnded' | 'deadline'): void {
		if (this.#finished) return;
		this.#finished = true;
		clearTimeout(this.#deadline);
		this.#deps.log.info({ why }, 'drain finished');
		this.#deps.finish(why);
	}
}
