import { WindowLimit } from './WindowLimit.js';

/** Wrong PINs allowed in any 60 s: per caller, per trunk address and for the whole bridge. */
export interface PinBudget {
	perCaller: number;
	perTrunk: number;
	perBridge: number;
}

/** Who is guessing: the caller's keyed hash (callerKey()) and the trunk address it came through. */
export interface PinGuesser {
	caller: string;
	trunk: string;
}

/** Which budget is spent. */
export type PinLimit = 'caller' | 'trunk' | 'bridge';

export const PIN_WINDOW_MS = 60_000;
const BRIDGE = '';

/**
 * Stops PIN guessing. Wrong PINs are counted in sliding 60 s windows per caller (a keyed
 * hash of the number, never the number), per trunk address and for the whole bridge; a PIN
 * may be tried only while all three have room. Keying by caller first means one guesser
 * spends its own budget and not that of the other callers on its trunk; the trunk and bridge
 * budgets bound guessers who change numbers. Memory only: a key is kept while it has a wrong
 * PIN inside the window, so at most `perBridge` callers and trunks are held at once.
 */
export class PinGuard {
	readonly #caller: WindowLimit;
	readonly #trunk: WindowLimit;
	readonly #bridge: WindowLimit;

	constructor(budget: PinBudget) {
		this.#caller = new WindowLimit(budget.perCaller, PIN_WINDOW_MS);
		this.#trunk = new WindowLimit(budget.perTrunk, PIN_WINDOW_MS);
		this.#bridge = new WindowLimit(budget.perBridge, PIN_WINDOW_MS);
	}

	/**
	 * undefined when `who` may try a PIN now, else the budget that is spent. Trying costs
	 * nothing; only a wrong PIN counts (failed()), so callers who know their PIN are never
	 * slowed down by their own successes.
	 */
	refusal(who: PinGuesser, now = Date.now()): PinLimit | undefined {
		if (!this.#caller.allowed(who.caller, now)) return 'caller';
		if (!this.#trunk.allowed(who.trunk, now)) return 'trunk';
		if (!this.#bridge.allowed(BRIDGE, now)) return 'bridge';
		return undefined;
	}

	/** A wrong PIN from `who`: counts against all three budgets. */
	failed(who: PinGuesser, now = Date.now()): void {
		this.#caller.record(who.caller, now);
		this.#trunk.record(who.trunk, now);
		this.#bridge.record(BRIDGE, now);
	}

	/** Callers with a wrong PIN inside the window (held in memory), for tests. */
	callersHeld(now = Date.now()): number {
		return this.#caller.size(now);
	}
}
