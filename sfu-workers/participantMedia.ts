import type { types } from 'mediasoup';
import { PlenumError } from '../server/shared/errors.js';
import type { RouterSlot } from './RouterSet.js';
import type { QuotaKind } from './quotas.js';
import type { MediaSource, ProducerInfo, TransportDirection } from './types.js';

export type AppData = { participantId: string; source?: MediaSource; direction?: TransportDirection };
export type AnyTransport = types.WebRtcTransport<AppData> | types.PlainTransport<AppData>;

/** What one participant has on the router; only its owner may touch these. */
export interface ParticipantMedia {
	/** The router this participant's transports live on; set by the first transport, cleared when its worker dies. */
	slot: RouterSlot | undefined;
	rtpCapabilities: types.RtpCapabilities | undefined;
	transports: Map<string, AnyTransport>;
	producers: Map<string, types.Producer<AppData>>;
	consumers: Map<string, types.Consumer<AppData>>;
	/** Creations awaiting the worker, counted against the quotas so a burst cannot overshoot. */
	pending: Record<QuotaKind, number>;
}

/** A participant's empty media entry, as RoomMediaImpl.addParticipant registers it. */
export function newParticipantMedia(): ParticipantMedia {
	return {
		slot: undefined, rtpCapabilities: undefined, transports: new Map(), producers: new Map(), consumers: new Map(),
		pending: { transports: 0, producers: 0, consumers: 0 },
	};
}

export function producerInfo(p: types.Producer<AppData>): ProducerInfo {
	return { id: p.id, participantId: p.appData.participantId, kind: p.kind, source: p.appData.source ?? 'mic', paused: p.paused };
}

/** mediasoup rejects bad client parameters with TypeError; those are the client's mistake. */
export async function mediaCall<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof TypeError || (err as Error)?.name === 'UnsupportedError') throw new PlenumError('PLN_INVALID_MEDIA', { cause: err });
		throw err;
	}
}
