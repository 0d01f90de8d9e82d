import { isRoomId } from '../../server/protocol/limits.js';

/** 16 random bytes as base64url (22 chars): an unguessable room id, as the server expects. */
export function newRoomId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The room id in /r/<roomId>, if this page is a room page. */
export function roomIdFromPath(pathname: string): string | undefined {
	const id = /^\/r\/([^/]+)\/?$/.exec(pathname)?.[1];
	return id !== undefined && isRoomId(id) ? id : undefined;
}
