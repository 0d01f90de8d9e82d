import pino, { type Logger } from 'pino';
import { scrub } from './redact.js';

export type { Logger };

/**
 * The process logger: JSON lines on stdout, every object scrubbed of personal data before it
 * is written. `destination` exists for tests.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
	return pino(
		{
			level,
			base: { pid: process.pid },
			// Runs on every merged object, at any depth, before serialisation.
			formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
			serializers: { err: (err: unknown) => scrub(err) },
			hooks: {
				// Messages should be constant; mask addresses should one slip in anyway.
				logMethod(args, method) {
					const masked = args.map((a) => (typeof a === 'string' ? (scrub(a) as string) : a));
					method.apply(this, masked as Parameters<typeof method>);
				},
			},
		},
		destination ?? pino.destination(1),
	);
}
