/**
 * What one participant, and one room, may hold on the media workers at once. A browser needs
 * 2 transports (send, recv) and at most 4 producers (mic, camera, screen, screen audio), and
 * one consumer per producer of the others; the bounds leave room for a rebuild after a worker
 * death and stop a client that loops (an unbounded one made 5,402 transports in 30 s and grew
 * a worker by 100 MB; `npm run bench:churn` measures it). Past a bound a request fails with
 * PLN_QUOTA_EXCEEDED.
 */
export type QuotaKind = 'transports' | 'producers' | 'consumers';

export const PER_PARTICIPANT: Readonly<Record<QuotaKind, number>> = { transports: 4, producers: 8, consumers: 1_000 };
export const PER_ROOM: Readonly<Record<QuotaKind, number>> = { transports: 1_000, producers: 1_000, consumers: 20_000 };

/** Whether one more of `kind` fits, given what the participant and the whole room hold (pending creations included). */
export function withinQuota(kind: QuotaKind, participantHolds: number, roomHolds: number): boolean {
	return participantHolds < PER_PARTICIPANT[kind] && roomHolds < PER_ROOM[kind];
}
