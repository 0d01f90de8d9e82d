import type { Socket } from 'socket.io-client';

/** Try another node after this many failed reconnects to the current one, or this long. */
// One refused attempt is enough: any live node serves the meeting, so moving costs nothing.
const FAILED_ATTEMPTS = 1;
const FAILED_FOR_MS = 1_500;
/**
 * First reconnect delay in a cluster (socket.io doubles it per attempt, ±50 %): a dead node's
 * port refuses at once, so the move to the next node no longer waits out 0.5 + 1 s of backoff
 * (bench:cluster, failover). The cap stays as configured.
 */
const CLUSTER_RECONNECT_DELAY_MS = 100;

/** `scheme://host[:port]` of a URL; undefined if it is not an http(s) URL. */
function originOf(url: string): string | undefined {
	try {
		const u = new URL(url);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The URL to try after `current` failed: round robin over our own node and the failover URLs
 * (each origin once). Not in the list (a node that left the cluster): the first of it.
 */
export function nextUrl(current: string, home: string, failover: readonly string[]): string {
	const list = [...new Set([home, ...failover].flatMap((u) => originOf(u) ?? []))];
	if (list.length === 0) return home;
	const i = list.indexOf(originOf(current) ?? '');
	return list[(i + 1) % list.length] ?? home;
}

/**
 * Points a socket's reconnects at other nodes of a cluster: after a few failed attempts at
 * the current URL, and at once on the server's `reconnect` push. Uses socket.io-client's
 * Manager.uri (read again by every reconnect attempt, 4.8): the socket, its listeners and
 * RoomClient's resume stay as they are.
 */
export class Failover {
	readonly #socket: Socket;
	readonly #home: string;
	readonly #delay: number;
	#urls: string[] = [];
	#failed = 0;
	#since = 0;

	constructor(socket: Socket) {
		this.#socket = socket;
		this.#home = this.#uri;
		const io = socket.io;
		this.#delay = io.reconnectionDelay();
		io.on('close', () => this.#reset());
		io.on('reconnect_error', () => this.#failed++);
		io.on('reconnect_attempt', () => {
			if (this.#failed >= FAILED_ATTEMPTS || Date.now() - this.#since >= FAILED_FOR_MS) this.#switch(nextUrl(this.#uri, this.#home, this.urls));
		});
	}

	/** Public URLs of the cluster's other live nodes, from the last join or resume answer. */
	get urls(): string[] {
		return this.#urls;
	}

	set urls(urls: string[]) {
		this.#urls = urls;
		this.#socket.io.reconnectionDelay(urls.length > 0 ? Math.min(this.#delay, CLUSTER_RECONNECT_DELAY_MS) : this.#delay);
	}

	get #uri(): string {
		return (this.#socket.io as unknown as { uri: string }).uri;
	}

	#switch(url: string): void {
		(this.#socket.io as unknown as { uri: string }).uri = url;
		this.#reset();
	}

	#reset(): void {
		this.#failed = 0;
		this.#since = Date.now();
	}

	/**
	 * The server moves the meeting: drop the connection and reconnect to `url`, or, without one,
	 * to the node we are on, which routes us to the room's new owner. (Moving to another node
	 * would make our media again there: a drain cost the participants on the other nodes 3-4 s
	 * of each other's media, bench:cluster.)
	 */
	moveTo(url: string | null): void {
		this.#switch(url && originOf(url) ? url : this.#uri);
		// The server asked: the first attempt goes at once (the Manager's backoff would wait
		// 250-750 ms of the media gap); any retry after it waits as usual.
		const io = this.#socket.io;
		const usual = io.reconnectionDelay();
		io.reconnectionDelay(0);
		io.once('reconnect_attempt', () => io.reconnectionDelay(usual));
		// A transport close, not a client disconnect: the Manager reconnects (to the new uri) and RoomClient resumes.
		io.engine.close();
	}
}
