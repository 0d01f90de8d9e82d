import { signal } from '@preact/signals';
import type { RoomClient } from '../RoomClient.js';

export type Quality = 'good' | 'fair' | 'poor';

/** Connection quality per received track (consumer id), from its stats over the last interval. */
export const quality = signal<Record<string, Quality>>({});

const INTERVAL_MS = 2_000;

/** Loss under 2 % is good, under 8 % fair; a live video track that got no packets is poor. */
export function rate(lostDelta: number, receivedDelta: number, expectPackets: boolean): Quality {
	const total = lostDelta + receivedDelta;
	if (total === 0) return expectPackets ? 'poor' : 'good';
	const loss = lostDelta / total;
	return loss < 0.02 ? 'good' : loss < 0.08 ? 'fair' : 'poor';
}

/** Polls the client's receive stats every 2 s while the meeting runs; returns a stop function. */
export function watchQuality(client: RoomClient): () => void {
	const last = new Map<string, { lost: number; received: number }>();
	const timer = setInterval(async () => {
		const next: Record<string, Quality> = {};
		for (const s of await client.inboundStats()) {
			const prev = last.get(s.consumerId) ?? { lost: 0, received: 0 };
			last.set(s.consumerId, { lost: s.packetsLost, received: s.packetsReceived });
			next[s.consumerId] = rate(s.packetsLost - prev.lost, s.packetsReceived - prev.received, s.kind === 'video' && !s.paused);
		}
		quality.value = next;
	}, INTERVAL_MS);
	return () => clearInterval(timer);
}
