/** 16 random bytes as base64url (22 chars): an unguessable room id, as the server expects. */
export function newRoomId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The room id in /r/<roomId>, if this page is a room page. */
export function roomIdFromPath(pathname: string): string | undefined {
	const m = /^\/r\/([A-Za-z0-9._~-]{1,64})\/?$/.exec(pathname);
	return m?.[1];
}
