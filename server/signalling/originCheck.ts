import type { IncomingMessage } from 'node:http';

/**
 * Which browser pages may open a signalling connection: the Origin of the socket.io handshake
 * (WebSocket upgrade or first polling request) must be one of `origins`. Without this, any web
 * page a participant visits could open a connection to this server in their browser
 * (cross-site WebSocket hijacking): socket.io checks no Origin by itself.
 *
 * A handshake without an Origin header is let through, unless the browser's Fetch metadata
 * says it comes from another site: browsers always send Origin on a WebSocket and on
 * cross-origin requests, so a missing one means a same-origin polling request or a program
 * that is not a browser (tests, bench, scripts). Such a program could send any Origin it
 * likes, so refusing it would protect nothing. `Origin: null` (sandboxed frames, file: pages)
 * is refused.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, origins: ReadonlySet<string>): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) {
		const site = req.headers['sec-fetch-site'];
		return site === undefined || site === 'same-origin' || site === 'none';
	}
	return origins.has(normalOrigin(origin) ?? '');
}

/** `scheme://host[:port]` as browsers serialise it (lower case, default port dropped); undefined if not an http(s) origin. */
export function normalOrigin(value: string): string | undefined {
	try {
		const u = new URL(value);
		if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
		return u.origin;
	} catch {
		return undefined;
	}
}

/**
 * The default when ALLOWED_ORIGINS is not set and neither is PUBLIC_URL: the server's own
 * loopback origins on the port it listens on (the URL it prints, and its numeric forms).
 */
export function loopbackOrigins(port: number): string[] {
	return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
}
