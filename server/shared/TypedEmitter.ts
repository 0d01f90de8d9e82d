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

	/** Replaced at startup by the logger wiring; the default keeps the process alive. */
	static onListenerError: (err: unknown, event: string) => void = (err, event) => {
		console.error(`listener for "${event}" threw`, err);
	};
}
