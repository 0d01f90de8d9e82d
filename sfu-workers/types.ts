/**
 * What rooms/ may know about media: plain data and the RoomMedia surface. Only sfu-workers/
 * imports mediasoup; rooms/ depends on these types (STYLE.md §1).
 */
import type { TypedEmitter } from '../server/shared/TypedEmitter.js';

import type { ConsumerInfo, Json, MediaKind, MediaSource, ProducerInfo, TransportDirection, TransportInfo } from '../server/protocol/media.js';

export type { ConsumerInfo, Json, MediaKind, MediaSource, ProducerInfo, TransportDirection, TransportInfo };

/** A plain RTP transport's id and the address it sends from and receives on. */
export type PlainTransportInfo = { id: string; ip: string; port: number };

/** Why media of a room ended: closed by its owner, or no live worker could take it over. */
export type MediaCloseReason = 'closed' | 'workerDied';

/** What a room lost when one of its workers died. */
export interface MediaLoss {
	/** Participants whose transports were on that worker: they must create them again. */
	participants: string[];
	/** Producers that went with it; their consumers on live workers close without further events. */
	producers: string[];
}

export type RoomMediaEvents = {
	/** A consumer closed without the participant asking (its producer or transport went away). */
	consumerClosed: [participantId: string, consumerId: string];
	/** A producer closed without the participant asking (its transport closed). */
	producerClosed: [participantId: string, producerId: string];
	/** The loudest speaker changed; at most about once per 300 ms. */
	activeSpeaker: [participantId: string];
	/**
	 * Once per worker death that touched this room, right after mediasoup closed what lived on
	 * it; the room goes on (no producerClosed/consumerClosed for what the loss covers).
	 */
	workerLost: [loss: MediaLoss];
	/** Once, after every transport is closed; 'workerDied' when no live worker could take the room over. */
	closed: [reason: MediaCloseReason];
};

/** One room's media on the SFU: a router and everything participants create on it. */
export interface RoomMedia extends TypedEmitter<RoomMediaEvents> {
	readonly workerIndex: number;
	readonly closed: boolean;
	rtpCapabilities(): Json;
	/**
	 * Registers a participant; media calls for an unregistered (or removed) id fail with PLN_NOT_JOINED.
	 * `node`: the participant's home node in cluster mode (where its media should live); ignored by a single node.
	 */
	addParticipant(participantId: string, node?: string): void;
	setRtpCapabilities(participantId: string, rtpCapabilities: Json): void;
	createTransport(participantId: string, direction: TransportDirection): Promise<TransportInfo>;
	createPlainTransport(participantId: string, bridge: { ip: string; port: number }): Promise<PlainTransportInfo>;
	connectTransport(participantId: string, transportId: string, dtlsParameters: Json): Promise<void>;
	restartIce(participantId: string, transportId: string): Promise<Json>;
	produce(participantId: string, req: { transportId: string; kind: MediaKind; source: MediaSource; rtpParameters: Json; paused: boolean }): Promise<ProducerInfo>;
	setProducerPaused(participantId: string, producerId: string, paused: boolean): Promise<ProducerInfo>;
	closeProducer(participantId: string, producerId: string): void;
	producers(): ProducerInfo[];
	consume(participantId: string, producerId: string): Promise<ConsumerInfo>;
	setConsumerPaused(participantId: string, consumerId: string, paused: boolean): Promise<void>;
	setPreferredLayers(participantId: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void>;
	/** True while the participant's transports are gone with a dead worker and none was made since. */
	needsRebuild(participantId: string): boolean;
	/**
	 * Cluster mode, a restored room: whether a participant resuming through `home` keeps the
	 * media a new owner adopted for it (else that media is gone and it starts again).
	 */
	keepsMedia?(participantId: string, home: string | undefined): boolean;
	removeParticipant(participantId: string): void;
	close(): void;
}
