import { EventEmitter } from 'node:events';

/** Event name → listener argument tuple. */
export type EventMap = Record<string, unknown[]>;

/**
 * An EventEmitter whose event names and arguments are checked at compile time
 * (mediasoup's EnhancedEventEmitter). `safeEmit` keeps a throwing listener from
 * unwinding the emitter's own state.
 */
export class TypedEmitter<E extends EventMap> extends EventEmitter {
	override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		return super.on(event, listener as (...args: unknown[]) => void);
	}

	override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		return super.once(event, listener as (...args: unknown[]) => void);
	}

	override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
		return super.off(event, listener as (...args: unknown[]) => void);
	}

	override emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
		return super.emit(event, ...args);
	}

	/** Emits; a listener that throws is reported through `onListenerError`, never rethrown. */
	safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
		try {
			return super.emit(event, ...args);
		} catch (err) {
			TypedEmitter.onListenerError(err, event);
			return true;
		}
	}

	/**
	 * Replaced at startup by the logger wiring; the default keeps the process alive and prints
	 * only what cannot be personal: the event, the error's type and code, and the stack's
	 * frames — never the message (which may hold a name or an address).
	 */
	static onListenerError: (err: unknown, event: string) => void = (err, event) => {
		let report = 'a listener threw';
		try {
			report = listenerErrorReport(err, event);
		} catch {
			// a hostile error object (a throwing getter): the short report stays
		}
		process.stderr.write(`${report}\n`);
	};
}

/** The default report of a throwing listener: no message, no other property of the error. */
export function listenerErrorReport(err: unknown, event: string): string {
	const e = typeof err === 'object' && err !== null ? (err as { name?: unknown; code?: unknown; stack?: unknown }) : {};
	const word = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
	const type = err instanceof Error && typeof e.name === 'string' && word.test(e.name) ? e.name : typeof err;
	const code = typeof e.code === 'string' && word.test(e.code) ? ` ${e.code}` : '';
	const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 20) : [];
	const name = word.test(event) ? event : 'an event';
	return [`a listener for ${name} threw ${type}${code} (message not shown)`, ...frames].join('\n');
}
