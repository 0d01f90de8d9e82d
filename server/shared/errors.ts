/**
 * The one error catalogue's runtime side: `PlenumError`, the category → HTTP status mapping and
 * the one mapping of any thrown value to the wire (`toWireError`). The codes themselves, with
 * category and message, live in server/protocol/errorCodes.ts (the protocol is a leaf the client
 * shares); add new codes there and to docs/errors.md.
 */
import { ERRORS, type ErrorCategory, type ErrorCode } from '../protocol/errorCodes.js';
import type { WireError } from '../protocol/responses.js';

export { ERRORS, type ErrorCategory, type ErrorCode };

/** An error we expect and explain: carries a catalogued code and an optional cause for the log. */
export class PlenumError extends Error {
	readonly code: ErrorCode;
	readonly category: ErrorCategory;

	constructor(code: ErrorCode, options?: { cause?: unknown }) {
		super(ERRORS[code].message, options);
		this.name = 'PlenumError';
		this.code = code;
		this.category = ERRORS[code].category;
	}
}

const HTTP_STATUS: Record<ErrorCategory, number> = {
	invalid: 400,
	forbidden: 403,
	notFound: 404,
	conflict: 409,
	unavailable: 503,
	internal: 500,
};

export function httpStatusOf(category: ErrorCategory): number {
	return HTTP_STATUS[category];
}

/** What a client receives for any thrown value: our code, or PLN_INTERNAL for a bug. */
export function toWireError(err: unknown): WireError {
	if (err instanceof PlenumError) return { code: err.code, message: err.message };
	return { code: 'PLN_INTERNAL', message: ERRORS.PLN_INTERNAL.message };
}
