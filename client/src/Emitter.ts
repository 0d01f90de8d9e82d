type Listener = (...args: never[]) => void;

/** A tiny typed event emitter for the browser (no Node 'events' in the bundle). */
export class Emitter<E extends Record<string, unknown[]>> {
	readonly #listeners = new Map<keyof E, Set<Listener>>();

	on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
		let set = this.#listeners.get(event);
		if (!set) this.#listeners.set(event, (set = new Set()));
		const stored = fn as unknown as Listener;
		set.add(stored);
		return () => set.delete(stored);
	}

	protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
		for (const fn of this.#listeners.get(event) ?? []) {
			try {
				(fn as unknown as (...a: E[K]) => void)(...args);
			} catch (err) {
				console.error(`listener for ${String(event)} failed`, err);
			}
		}
	}
}
