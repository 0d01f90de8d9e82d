import type { types } from 'mediasoup-client';
import type { InboundStat } from './RoomClientTypes.js';

type Counters = Omit<InboundStat, 'consumerId' | 'participantId' | 'source' | 'kind' | 'paused'>;

/** What the browser received and decoded on one consumer so far, summed over its inbound-rtp entries. */
export async function receivedSoFar(consumer: types.Consumer): Promise<Counters> {
	const c: Counters = { framesDecoded: 0, totalSamplesReceived: 0, packetsReceived: 0, packetsLost: 0, totalAudioEnergy: 0, frameWidth: 0 };
	for (const s of (await consumer.getStats()).values()) {
		if (s.type !== 'inbound-rtp') continue;
		c.packetsLost += Math.max(0, s.packetsLost ?? 0);
		c.framesDecoded += s.framesDecoded ?? 0;
		c.totalSamplesReceived += s.totalSamplesReceived ?? 0;
		c.packetsReceived += s.packetsReceived ?? 0;
		c.totalAudioEnergy += s.totalAudioEnergy ?? 0;
		c.frameWidth = Math.max(c.frameWidth, s.frameWidth ?? 0);
	}
	return c;
}
