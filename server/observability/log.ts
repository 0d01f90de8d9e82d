import pino, { type Logger } from 'pino';
import { scrub, scrubLogArgs, serializeError } from './redact.js';

export type { Logger };

/** What a line becomes when its fields cannot be scrubbed (a getter threw, say): nothing. */
const UNSCRUBBABLE = { redacted: 'unscrubbable' };

function safeScrub(obj: unknown): Record<string, unknown> {
	try {
		return scrub(obj);
	} catch {
		return UNSCRUBBABLE;
	}
}

/** Bindings drop what is not allowed without a count, which would repeat the line's own. */
function scrubBindings(bindings: unknown): Record<string, unknown> {
	const { redacted: _dropped, ...safe } = safeScrub(bindings);
	return safe;
}

/**
 * The process logger: JSON lines on stdout, every field passed by allowlist and scrubbed of
 * addresses and phone numbers before it is written (redact.ts): the logged objects, the
 * message, errors, and the bindings of every child logger. `destination` exists for tests.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
	const root = pino(
		{
			level,
			base: { pid: process.pid },
			formatters: {
				// The root's base bindings; children's bindings skip this formatter (pino creates
				// children with an identity one), so child() below scrubs them itself.
				bindings: (b) => scrubBindings(b),
				// Every merged object, at any depth, before serialisation.
				log: (obj) => safeScrub(obj),
			},
			// Errors are already serialised by `log`; this catches any path pino takes around it.
			serializers: { err: (err: unknown) => serializeError(err) },
			hooks: {
				// An Error first, a message, printf-style arguments: made safe before pino sees them.
				logMethod(args, method) {
					let safe: unknown[];
					try {
						safe = scrubLogArgs(args);
					} catch {
						safe = [UNSCRUBBABLE, 'log line could not be scrubbed'];
					}
					method.apply(this, safe as Parameters<typeof method>);
				},
			},
		},
		destination ?? pino.destination(1),
	);
	const child = root.child;
	const setBindings = root.setBindings;
	// Own properties of the root, so every descendant (created by Object.create) inherits them.
	// Options that could bypass the scrub (formatters, serializers, msgPrefix, redact) are not
	// passed on; a level is.
	Object.assign(root, {
		child(this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) {
			const level = options?.level;
			return child.call(this, scrubBindings(bindings), level === undefined ? undefined : { level });
		},
		setBindings(this: Logger, bindings: pino.Bindings) {
			setBindings.call(this, scrubBindings(bindings));
		},
	});
	return root;
}
