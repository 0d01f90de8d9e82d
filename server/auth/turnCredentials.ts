import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../protocol/media.js';

export interface TurnConfig {
	urls: string[];
	/** coturn's static-auth-secret. */
	secret: string;
	ttlS: number;
}

/**
 * Time-limited TURN credentials in the TURN REST API format that coturn checks with
 * `use-auth-secret`: username `<expiry unix seconds>:<random>`, password
 * base64(HMAC-SHA1(secret, username)). The username carries no name or id, so coturn's
 * logs and sessions cannot tie a relay to a person; the random part only keeps two
 * clients' usernames apart.
 */
export function turnCredentials(turn: TurnConfig, nowMs: number = Date.now()): IceServer {
	const expiry = Math.floor(nowMs / 1000) + turn.ttlS;
	const username = `${expiry}:${randomBytes(9).toString('base64url')}`;
	const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
	return { urls: turn.urls, username, credential };
}
