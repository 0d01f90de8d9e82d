/**
 * The logging sfu-workers/ needs, declared here so the SFU layer does not import the server's
 * observability code (STYLE.md §1): the server hands in its pino logger, which fits this shape.
 * Fields carry ids, counts and worker indexes only; the message is a constant.
 */
export interface Logger {
	debug(fields: object, message: string): void;
	info(fields: object, message: string): void;
	warn(fields: object, message: string): void;
	error(fields: object, message: string): void;
}
