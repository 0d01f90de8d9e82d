/**
 * What one participant, and one room, may hold on the media workers at once. A browser needs
 * 2 transports (send, recv) and at most 4 producers (mic, camera, screen, screen audio), and
 * one consumer per producer of the others; the bounds leave room for a rebuild after a worker
 * death and stop a client that loops (an unbounded one made 5,402 transports in 30 s and grew
 * a worker by 100 MB). Past a bound the request fails with PLN_QUOTA_EXCEEDED.
 */
export const QUOTAS = {
	TRANSPORTS_PER_PARTICIPANT: 4,
	PRODUCERS_PER_PARTICIPANT: 8,
	CONSUMERS_PER_PARTICIPANT: 1_000,
	TRANSPORTS_PER_ROOM: 1_000,
	PRODUCERS_PER_ROOM: 1_000,
	CONSUMERS_PER_ROOM: 20_000,
} as const;
