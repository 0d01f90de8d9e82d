import type { ClientErrorCode, ErrorCode } from '../../../server/protocol/errorCodes.js';
import type { EndReason } from '../RoomClient.js';
import { type MessageKey, hasMessage, t } from './i18n.js';

/** Every code this client can meet: the server's catalogue and the client's own two. */
export type AnyErrorCode = ErrorCode | ClientErrorCode;

// Compile-time completeness: a code or end reason without an `error.*` / `ended.*` text in
// en.json fails the build here, naming the missing key (i18n.ts holds de.json to en.json's keys).
type Missing<K extends string> = Exclude<K, MessageKey>;
export const errorTextsComplete: [Missing<`error.${AnyErrorCode}`>] extends [never] ? true : Missing<`error.${AnyErrorCode}`> = true;
export const endTextsComplete: [Missing<`ended.${EndReason}`>] extends [never] ? true : Missing<`ended.${EndReason}`> = true;

/** The user's-language text for an error code (never the server's English `message`). */
export function errorMessage(code: string): string {
	const key = `error.${code}` as const;
	// A server newer than this page may answer with a code the page does not know yet.
	return hasMessage(key) ? t(key) : t('error.unknown', { code });
}

/** The user's-language text for why the meeting ended. */
export function endMessage(reason: EndReason): string {
	const key = `ended.${reason}` as const;
	return hasMessage(key) ? t(key) : t('ended.closed');
}

/**
 * What to show for a failed action: the coded text for a server (or client) error code, else
 * the thrown error's own message (the browser's, e.g. for a camera that cannot start).
 */
export function userMessage(err: unknown): string {
	if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('PLN_')) {
		return errorMessage(err.code);
	}
	return err instanceof Error ? err.message : String(err);
}
